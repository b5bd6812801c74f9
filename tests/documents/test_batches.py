"""Batches over the demo data: one ZIP with one correct packet per case, progress after each
case, a case made to fail listed while the others arrive, and the merged-PDF option.

The demo is seeded and the batches run once for the module (rendering costs about a second a
packet); the second and third batches reuse the packets the first one stored.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Case, User
from citations.models import Citation
from documents import batches
from documents.batches import batch_create, batch_download
from documents.models import BatchKind, BatchOutput, BatchStatus, PacketBatch
from tests.documents.conftest import pdf_text, squash
from tests.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


def _hearing_day(lawyer: User):  # type: ignore[no-untyped-def]
    """The lawyer's busiest hearing day (the earliest of equals): the batch needs several cases, and
    the demo also seeds a lone hearing of an earlier march."""
    tz = timezone.get_current_timezone()
    days = Counter(
        moment.astimezone(tz).date()
        for moment in Citation.objects.filter(case__lawyers=lawyer, hearing_at__isnull=False).values_list(
            "hearing_at", flat=True
        )
    )
    return min(days, key=lambda day: (-days[day], day))


def _file(batch: PacketBatch, user: User) -> bytes:
    return b"".join(batch_download(batch=batch, by=user).chunks)


@pytest.fixture(scope="module")
def demo(module_db):  # type: ignore[no-untyped-def]
    def build():  # type: ignore[no-untyped-def]
        call_command("seed_demo", stdout=io.StringIO())
        lawyer = User.objects.get(username="lawyer")
        day = _hearing_day(lawyer)
        expected = {
            c.number: c.demonstrator.display_name
            for c in Case.objects.filter(
                lawyers=lawyer,
                citations__hearing_at__date=day,
            ).distinct()
        }
        out: dict = {"expected": expected, "day": day}

        # 1. A clean batch, with the progress seen before each case is rendered.
        seen: list[int] = []
        real = batches.packet_for_case

        def watching(**kwargs):  # type: ignore[no-untyped-def]
            seen.append(PacketBatch.objects.get().done)
            return real(**kwargs)

        batches.packet_for_case = watching
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                batch = batch_create(by=lawyer, kind=BatchKind.HEARING_DATE, hearing_date=day)
        finally:
            batches.packet_for_case = real
        batch.refresh_from_db()
        out["first"] = {
            "status": batch.status, "done": batch.done, "total": batch.total, "failed": batch.failed,
            "errors": batch.errors, "seen": seen, "file": _file(batch, lawyer), "sha256": batch.result_sha256,
        }  # fmt: skip

        # 2. The same batch with one case made to fail: it is listed, the others arrive.
        victim = sorted(expected)[1]

        def failing(**kwargs):  # type: ignore[no-untyped-def]
            if kwargs["case"].number == victim:
                raise RuntimeError("simulated renderer crash")
            return real(**kwargs)

        batches.packet_for_case = failing
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                batch = batch_create(by=lawyer, kind=BatchKind.HEARING_DATE, hearing_date=day)
        finally:
            batches.packet_for_case = real
        batch.refresh_from_db()
        out["victim"] = victim
        out["second"] = {
            "status": batch.status, "done": batch.done, "total": batch.total, "failed": batch.failed,
            "errors": batch.errors, "file": _file(batch, lawyer),
        }  # fmt: skip

        # 3. One merged PDF for every case of an event (the lawyer's cases only): a small second event.
        event = EventFactory(name="Small vigil")
        mine = [CaseFactory(event=event, lawyers=[lawyer], number=f"2099-000{n}") for n in (1, 2)]
        CaseFactory(event=event, lawyers=[User.objects.get(username="lawyer2")], number="2099-0003")
        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = batch_create(by=lawyer, kind=BatchKind.EVENT, event=event, output=BatchOutput.PDF)
        batch.refresh_from_db()
        out["merged"] = {"status": batch.status, "total": batch.total, "file": _file(batch, lawyer)}
        out["event_cases"] = sorted(c.number for c in mine)
        return out

    return module_db(build)


def test_hearing_day_batch_zip_has_one_correct_packet_per_case(demo):  # type: ignore[no-untyped-def]
    first = demo["first"]
    assert len(demo["expected"]) >= 3
    assert (first["status"], first["done"], first["total"], first["failed"]) == (
        BatchStatus.DONE, len(demo["expected"]), len(demo["expected"]), 0,
    )  # fmt: skip
    archive = zipfile.ZipFile(io.BytesIO(first["file"]))
    assert archive.testzip() is None
    assert archive.namelist()[0] == "MANIFEST.txt"
    assert sorted(archive.namelist()[1:]) == sorted(f"case-{number}.pdf" for number in demo["expected"])
    # The batch's SHA-256 is the manifest's; the manifest holds each packet's SHA-256 (sha256sum format).
    manifest = archive.read("MANIFEST.txt")
    assert hashlib.sha256(manifest).hexdigest() == first["sha256"]
    lines = [line.split("  ") for line in manifest.decode().splitlines()]
    assert sorted(name for _, name in lines) == sorted(archive.namelist()[1:])
    for sha256, name in lines:
        assert hashlib.sha256(archive.read(name)).hexdigest() == sha256
    for number, name in demo["expected"].items():
        pdf = archive.read(f"case-{number}.pdf")
        text = pdf_text(pdf)
        assert f"Case {number}" in text
        assert squash(name) in squash(text)
        assert "Privileged and confidential: attorney work product" in text
        others = set(demo["expected"]) - {number}
        assert not any(f"Case {other}" in text for other in others)


def test_progress_advances_one_case_at_a_time(demo):  # type: ignore[no-untyped-def]
    assert demo["first"]["seen"] == list(range(len(demo["expected"])))


def test_a_failing_case_is_listed_and_the_others_arrive(demo):  # type: ignore[no-untyped-def]
    second = demo["second"]
    total = len(demo["expected"])
    assert (second["status"], second["done"], second["total"], second["failed"]) == (BatchStatus.DONE, total, total, 1)
    assert len(second["errors"]) == 1
    error = second["errors"][0]
    assert error["number"] == demo["victim"]
    assert error["error"] == "render_failed:RuntimeError"
    archive = zipfile.ZipFile(io.BytesIO(second["file"]))
    delivered = sorted(n for n in archive.namelist() if n.endswith(".pdf"))
    assert delivered == sorted(f"case-{n}.pdf" for n in demo["expected"] if n != demo["victim"])
    assert demo["victim"] in archive.read("FAILED.txt").decode()


def test_merged_pdf_option_holds_every_case_of_the_event(demo):  # type: ignore[no-untyped-def]
    merged = demo["merged"]
    assert merged["status"] == BatchStatus.DONE
    assert merged["total"] == len(demo["event_cases"])
    reader = PdfReader(io.BytesIO(merged["file"]))
    titles = [item.title for item in reader.outline]
    assert titles == [f"case-{n}" for n in demo["event_cases"]]
    text = pdf_text(merged["file"])
    for number in demo["event_cases"]:
        assert f"Case {number}" in text
