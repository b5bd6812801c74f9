"""A name typed anywhere is kept nowhere in clear: one unique name goes into every form and API
field that takes a person's name or free text about people (the sign-in username, the observer's
report, the API's create endpoints, the CSV import, the admin), then every table of the database
(every column, text and bytes, session data decoded), every log record and the media folder are
searched for it. Runs on SQLite and on PostgreSQL alike (CI runs the suite on both).

Fields about the police (officer name, badge, unit, features, commander, who gave the warning,
agencies, arresting unit), places, and numbers (citation, docket, police report) are not
personal data about the people this tracker protects and stay searchable in clear
(docs/privacy.md); staff account usernames are identifiers, not typed here."""

from __future__ import annotations

import importlib
import io
import os
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from cases.models import Arrest, Demonstrator, Evidence, ExcessiveForceComplaint, Incident, WitnessStatement
from citations.models import Citation
from tests.api.conftest import client_with_token
from tests.cases.test_database_holds_no_plaintext import as_text, every_table
from tests.citations.test_import import to_csv
from tests.factories import DemonstratorFactory, EventFactory
from tests.security.test_logs import every_log_record  # noqa: F401  (a fixture)

NAME = "Zyxwvutsrq Qwertyzxc"
NEEDLES = ("zyxwvutsrq", "qwertyzxc")


def found(text: str) -> bool:
    text = text.casefold()
    return any(needle in text for needle in NEEDLES)


def media_files() -> dict[str, str]:
    out = {}
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            path = Path(root) / name
            out[str(path)] = str(path) + as_text(path.read_bytes())
    return out


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def type_the_name_everywhere(*, observer, coordinator, administrator, client_for) -> dict:
    event = EventFactory()
    # Sign-in: the name typed as a username, on the page and at the token endpoint (and locked out).
    for _ in range(6):
        Client(REMOTE_ADDR="198.51.100.30").post("/login/", {"username": NAME, "password": "wrong-password-guess"})
    APIClient().post("/api/v1/auth/token/", {"username": NAME, "password": "wrong-password-guess"}, format="json")
    # The observer's report, on the page, with a photo named after the person.
    free = f"{NAME} was pushed"
    report = {
        "client_uuid": str(uuid.uuid4()), "event": event.pk, "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "Broad & Cherry", "dispersal_warning": "yes", "dispersal_warning_audible": "no",
        "dispersal_warning_words": f"{NAME}, move back", "narrative": free, "injuries": free, "witnesses": free,
        "video_holders": free, "media_present": NAME, "arrest_description": f"{NAME}, red jacket", "force_types": [],
        "files": SimpleUploadedFile(f"{NAME}.jpg", jpeg(), content_type="image/jpeg"),
    }  # fmt: skip
    response = client_for(observer).post("/observe/", report, HTTP_ACCEPT="application/json")
    assert response.status_code in (200, 201), response.content[:500]
    # The API: a report from a phone, a person, a case and its notes, an arrest, a complaint, a
    # witness statement, a search by name, an evidence upload.
    phone, api = client_with_token(observer), client_with_token(coordinator)
    created = phone.post("/api/v1/incidents/", {
        "client_uuid": str(uuid.uuid4()), "event": str(event.public_id), "occurred_at": timezone.now().isoformat(),
        "narrative": free, "injuries": free, "witnesses": free, "video_holders": free, "media_present": NAME,
        "dispersal_warning_words": NAME, "arrests_seen": [{"description": free}],
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.content[:500]
    person = api.post("/api/v1/demonstrators/", {
        "legal_name": NAME, "preferred_name": NAME, "postal_address": f"{NAME}, 1 Main St", "phone": "215-555-0199",
        "support_contact": f"{NAME}'s mother", "special_needs": free, "support_notes": free,
    }, format="json")  # fmt: skip
    assert person.status_code == 201, person.content[:500]
    case = api.post("/api/v1/cases/", {"event": str(event.public_id), "demonstrator": person.json()["id"],
                                       "opened_on": timezone.localdate().isoformat()}, format="json")  # fmt: skip
    assert case.status_code == 201, case.content[:500]
    case_id = case.json()["id"]
    steps = [
        api.patch(f"/api/v1/cases/{case_id}/", {"lawyer_notes": free}, format="json"),
        api.post(
            "/api/v1/arrests/",
            {"case": case_id, "arrested_at": timezone.now().isoformat(), "charges": free, "place": "Broad & Cherry"},
            format="json",
        ),  # fmt: skip
        api.post(
            "/api/v1/complaints/",
            {"case": case_id, "narrative": free, "injuries": free, "treatment": free},
            format="json",
        ),  # fmt: skip
        api.post(
            "/api/v1/witness-statements/",
            {"witness_name": NAME, "witness_contact": f"{NAME}@example.org", "statement": free, "case": case_id},
            format="json",
        ),  # fmt: skip
        api.post("/api/v1/demonstrators/search/", {"name": NAME}, format="json"),
        api.post(
            "/api/v1/evidence/",
            {
                "case": case_id,
                "kind": "photo",
                "description": free,
                "file": SimpleUploadedFile(f"{NAME}.jpg", jpeg(), content_type="image/jpeg"),
            },
            format="multipart",
        ),  # fmt: skip
    ]
    for response in steps:
        assert response.status_code in (200, 201), (response.request["PATH_INFO"], response.content[:500])
    # The jail-support list, imported on the page.
    csv = to_csv([[NAME, "1990-01-02", "215-555-0198", "CVN-4242", "Philadelphia Police Department",
                   "Failure to disperse", "2026-06-01 22:30", "Broad & Cherry", "4100", free]])  # fmt: skip
    imported = client_for(coordinator).post(
        "/citations/import/",
        {"event": str(event.public_id), "kind": "phl_cvn", "file": SimpleUploadedFile("night.csv", csv, content_type="text/csv")},
    )  # fmt: skip
    assert imported.status_code in (200, 302) and Citation.objects.filter(number="CVN-4242").exists()
    # The admin: a person's name changed there.
    other = DemonstratorFactory()
    changed = client_for(administrator).post(
        f"/admin/cases/demonstrator/{other.pk}/change/", {"legal_name": NAME, "preferred_name": NAME, "pronouns": ""}
    )
    assert changed.status_code == 302, changed.content[:500]
    return {"event": event, "case_id": case_id}


@pytest.mark.django_db
def test_a_typed_name_is_kept_nowhere_in_clear(
    every_log_record,  # noqa: F811
    observer,
    coordinator,
    administrator,
    client_for,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    capture, console = every_log_record
    type_the_name_everywhere(
        observer=observer, coordinator=coordinator, administrator=administrator, client_for=client_for
    )
    # It was all stored (sealed): the application reads the name back from each place.
    assert (
        Demonstrator.objects.filter(
            legal_name_index=Demonstrator._meta.get_field("legal_name_index").index_for(NAME)
        ).count()
        >= 2
    )
    assert all(
        found(i.narrative) and found(i.media_present) and found(i.dispersal_warning_words)
        for i in Incident.objects.all()
    )
    assert Incident.objects.count() == 2 and found(Arrest.objects.get().charges)
    assert (
        found(ExcessiveForceComplaint.objects.get().narrative) and WitnessStatement.objects.get().witness_name == NAME
    )
    assert Evidence.objects.count() >= 2 and any(Path(tmp_path).rglob("*"))
    # ...and nothing holds it in clear.
    leaks = [table for table, text in every_table().items() if found(text)]
    assert not leaks, f"the typed name is in clear in {leaks}"
    assert not [path for path, text in media_files().items() if found(text)], "the typed name is in the media folder"
    assert capture.records, "nothing was logged: the capture did not work"
    assert not [record for record in capture.records if found(record)], "the typed name is in a log record"
    assert not found(console.getvalue())


@pytest.mark.django_db
def test_the_migration_seals_charges_and_free_text_written_in_clear_before():
    from django.apps import apps as django_apps
    from django.db import connection

    from tests.factories import ArrestFactory, IncidentFactory

    arrest, incident = ArrestFactory(charges="sealed already"), IncidentFactory(media_present="")
    with connection.cursor() as cursor:  # as a database written before these columns were sealed
        cursor.execute("UPDATE cases_arrest SET charges = %s WHERE id = %s", [f"{NAME} charged", arrest.pk])
        cursor.execute("UPDATE cases_incident SET media_present = %s, dispersal_warning_words = %s WHERE id = %s",
                       [NAME, "", incident.pk])  # fmt: skip
    seal = importlib.import_module("cases.migrations.0018_seal_existing_free_text").seal
    seal(django_apps, connection.schema_editor())
    assert not [table for table, text in every_table().items() if found(text)]
    arrest.refresh_from_db()
    incident.refresh_from_db()
    assert (arrest.charges, incident.media_present, incident.dispersal_warning_words) == (f"{NAME} charged", NAME, "")
