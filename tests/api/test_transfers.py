"""Bulk import and CSV export of citations through the API (coordinators)."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Demonstrator
from citations.models import Citation
from tests.api.test_role_matrix import IMPORT_CSV


def upload(client, world, content: bytes, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/imports/citations/",
        {"file": SimpleUploadedFile("list.csv", content), "event": str(world.event.public_id), **extra},
        format="multipart",
    )


def test_import_writes_once_and_a_reimport_changes_nothing(world, clients):
    first = upload(clients["coordinator"], world, IMPORT_CSV.encode())
    assert first.status_code == 200, first.json()
    assert first.json()["created"] == 1 and first.json()["written"] is True
    again = upload(clients["coordinator"], world, IMPORT_CSV.encode())
    assert again.status_code == 200 and again.json()["created"] == 0
    assert Citation.objects.filter(number="CVN-7701").count() == 1
    assert Demonstrator.objects.count() == 4  # the world's three plus Ida, once


def test_a_bad_file_is_refused_row_by_row_and_nothing_written(world, clients):
    bad = IMPORT_CSV.replace("2026-07-01 21:00", "not a date").replace("215-555-0199", "=HYPERLINK(1)")
    response = upload(clients["coordinator"], world, bad.encode())
    assert response.status_code == 400
    body = response.json()
    assert body["result"]["written"] is False
    assert {e["field"] for e in body["errors"]} >= {"row 2: issued at", "row 2: phone"}
    assert "not a date" not in response.content.decode()  # messages never repeat the cell
    assert not Citation.objects.filter(number="CVN-7701").exists()


def test_a_dry_run_counts_and_writes_nothing(world, clients):
    response = upload(clients["coordinator"], world, IMPORT_CSV.encode(), dry_run=True)
    assert response.status_code == 200 and response.json()["dry_run"] is True
    assert not Citation.objects.filter(number="CVN-7701").exists()


def test_an_empty_or_undecodable_file_is_400(world, clients):
    assert upload(clients["coordinator"], world, b"").status_code == 400
    assert upload(clients["coordinator"], world, "name\n".encode("utf-16")).status_code == 400


def test_export_is_csv_with_formulas_neutralised_and_filters_applied(world, clients):
    world.citation_a.offense_description = "=cmd|' /C calc'!A0"
    world.citation_a.save(update_fields=["offense_description"])
    response = clients["coordinator"].get("/api/v1/exports/citations.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv") and response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["citation number"] for r in rows} == {"SC-0001", "SC-0002"}
    described = {r["citation number"]: r["offense description"] for r in rows}
    assert described["SC-0001"].startswith("'=")
    filtered = clients["coordinator"].get(f"/api/v1/exports/citations.csv?case={world.case_b.public_id}")
    assert [r["citation number"] for r in csv.DictReader(io.StringIO(filtered.content.decode("utf-8-sig")))] == [
        "SC-0002"
    ]
    assert clients["coordinator"].get("/api/v1/exports/citations.csv?status=bogus").status_code == 400
