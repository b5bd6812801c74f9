"""Stored packets: unchanged inputs return the stored file without rendering; any change to the
case, its citations, incidents, statements or evidence renders afresh. Files are sealed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from cases.audit import audit_verify
from cases.models import AuditEntry, CustodyAction, CustodyEvent
from cases.services import evidence_add
from cases.signals import case_purging, lockdown_activated
from core.crypto import DecryptionError
from documents import context as ctx
from documents import pdf as pdf_module
from documents import rendering, services
from documents.models import PacketKind, PhotoDerivative, StoredPacket
from documents.rendering import input_hash
from documents.services import packet_for_case
from tests.documents.scenario import NAMES, build_case, photo_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):  # type: ignore[no-untyped-def]
    calls: list[str] = []
    real = pdf_module.render_pdf

    def counting(html, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf", counting)
    return calls


def _hash(case, user) -> str:  # type: ignore[no-untyped-def]
    return input_hash(kind="case", parameters={}, context=ctx.case_packet_context(case=case, user=user))


def test_second_request_returns_the_stored_file_without_rendering(lawyer, renders, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    first = packet_for_case(case=s["case"], by=lawyer)
    second = packet_for_case(case=s["case"], by=lawyer)

    assert (first.cached, second.cached) == (False, True)
    assert len(renders) == 1
    assert second.pdf == first.pdf
    assert second.packet.pk == first.packet.pk
    statuses = list(AuditEntry.objects.filter(action="packet.generate").values_list("details__status", flat=True))
    assert statuses == ["rendered", "cached"]
    entry = AuditEntry.objects.filter(action="packet.generate").last()
    assert entry.details["sha256"] == first.packet.sha256
    assert entry.target_id == str(s["case"].public_id)
    assert audit_verify().ok

    # A change makes the next request render afresh, and the superseded file goes away.
    s["citations"][0].fine = Decimal("60.00")
    s["citations"][0].save()
    with django_capture_on_commit_callbacks(execute=True):
        third = packet_for_case(case=s["case"], by=lawyer)
    assert third.cached is False and len(renders) == 2
    assert list(StoredPacket.objects.values_list("pk", flat=True)) == [third.packet.pk]
    assert not first.packet.file.storage.exists(first.packet.file.name)


def test_stored_file_is_sealed_and_bound_to_its_row(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    result = packet_for_case(case=s["case"], by=lawyer)
    with result.packet.file.open("rb") as fh:
        raw = fh.read()
    assert not raw.startswith(b"%PDF")
    assert NAMES["spanish"].encode() not in raw and b"CVN-2026-00042" not in raw
    # Sealed under the case's data key (destroyed when the case is purged), bound to its row.
    from cases import datakeys

    scope = datakeys.scope_for_case(s["case"])
    assert datakeys.unseal(scope=scope, blob=raw, context=result.packet.crypto_context) == result.pdf
    with pytest.raises(DecryptionError):
        datakeys.unseal(scope=scope, blob=raw, context="documents.storedpacket.00000000-0000-0000-0000-000000000000")
    datakeys.datakey_destroy(scope=scope)
    with pytest.raises(DecryptionError):
        datakeys.unseal(scope=scope, blob=raw, context=result.packet.crypto_context)


def test_an_unreadable_stored_file_is_rendered_again(lawyer, renders):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    first = packet_for_case(case=s["case"], by=lawyer)
    with first.packet.file.open("wb") as fh:
        fh.write(b"v1:test2:garbage")
    again = packet_for_case(case=s["case"], by=lawyer)
    assert again.cached is False and len(renders) == 2
    assert again.pdf.startswith(b"%PDF")


CHANGES = {
    "case status": lambda s: setattr(s["case"], "status", "closed") or s["case"].save(),
    "client name": lambda s: setattr(s["person"], "preferred_name", "Lan") or s["person"].save(),
    # (unassigning the packet's own lawyer takes the case out of their scope: test_packet_scope.py)
    "another lawyer assigned": lambda s: s["case"].lawyers.add(UserFactory(role="lawyer", first_name="Second")),
    "citation amount": lambda s: setattr(s["citations"][1], "costs", Decimal("1.00")) or s["citations"][1].save(),
    "citation hearing": lambda s: (
        setattr(s["citations"][2], "hearing_at", s["hearing"] + datetime.timedelta(days=1)) or s["citations"][2].save()
    ),
    "new payment": lambda s: s["citations"][0].payments.create(amount=Decimal("5.00"), paid_on=datetime.date.today()),
    "arrest": lambda s: setattr(s["arrest"], "charges", "withdrawn") or s["arrest"].save(),
    "incident narrative": lambda s: setattr(s["incident"], "narrative", "Revised.") or s["incident"].save(),
    "incident force": lambda s: s["incident"].force_types.clear(),
    "statement": lambda s: setattr(s["statement"], "statement", "Revised.") or s["statement"].save(),
    "evidence description": lambda s: setattr(s["photo"], "description", "Revised.") or s["photo"].save(),
    "evidence custody": lambda s: CustodyEvent.objects.create(evidence=s["photo"], action=CustodyAction.VIEWED),
    "new evidence": lambda s: evidence_add(
        upload=ContentFile(photo_bytes((1, 2, 3)), name="x.png"),
        kind="photo",
        content_type="image/png",
        by=s["case"].lawyers.first(),
        case=s["case"],
    ),  # fmt: skip
    "complaint filed": lambda s: setattr(s["complaint"], "filed_on", datetime.date.today()) or s["complaint"].save(),
    "officer": lambda s: setattr(s["officers"][0], "unit", "SWAT") or s["officers"][0].save(),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_changes_the_input_hash(change, lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    before = _hash(s["case"], lawyer)
    assert _hash(s["case"], lawyer) == before  # stable when nothing changes
    CHANGES[change](s)
    s["case"].refresh_from_db()
    assert _hash(s["case"], lawyer) != before


def test_unrelated_data_does_not_change_the_hash(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    before = _hash(s["case"], lawyer)
    s["unrelated"].narrative = "Someone else's report, revised."
    s["unrelated"].save()
    build_case(lawyer=lawyer, suffix="-b")  # another client entirely
    assert _hash(s["case"], lawyer) == before


def test_a_template_change_changes_the_hash(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    before = _hash(s["case"], lawyer)
    monkeypatch.setattr(rendering, "template_version", lambda: "edited")
    assert _hash(s["case"], lawyer) != before


def test_purge_deletes_the_case_packets_and_files(lawyer, coordinator, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    other = build_case(lawyer=lawyer, with_complaint=False, suffix="-b")
    mine = packet_for_case(case=s["case"], by=lawyer).packet
    docket = services.packet_for_docket(by=coordinator, date=s["hearing"].astimezone().date()).packet
    kept = packet_for_case(case=other["case"], by=lawyer).packet
    photos = {d.evidence_id: d.file.name for d in PhotoDerivative.objects.all()}  # made by the packets
    assert set(photos) == {s["photo"].pk, other["photo"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        case_purging.send(sender=type(s["case"]), case=s["case"], by=coordinator)
    assert list(StoredPacket.objects.values_list("pk", flat=True)) == [kept.pk]
    storage = mine.file.storage
    assert not storage.exists(mine.file.name) and not storage.exists(docket.file.name)
    assert storage.exists(kept.file.name)
    assert list(PhotoDerivative.objects.values_list("evidence_id", flat=True)) == [other["photo"].pk]
    assert not storage.exists(photos[s["photo"].pk]) and storage.exists(photos[other["photo"].pk])


def test_lockdown_drops_every_stored_packet(lawyer, coordinator, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    packet = packet_for_case(case=s["case"], by=lawyer).packet
    photo = PhotoDerivative.objects.get(evidence=s["photo"])
    with django_capture_on_commit_callbacks(execute=True):
        lockdown_activated.send(sender=None, by=coordinator, destroy_keys=False)
    assert not StoredPacket.objects.exists()
    assert not packet.file.storage.exists(packet.file.name)
    assert not PhotoDerivative.objects.exists()
    assert not photo.file.storage.exists(photo.file.name)


def test_photo_export_is_in_the_custody_log_but_does_not_defeat_the_cache(lawyer, renders):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    packet_for_case(case=s["case"], by=lawyer)
    exported = CustodyEvent.objects.filter(evidence=s["photo"], action=CustodyAction.EXPORTED)
    assert exported.count() == 1 and exported.get().actor == lawyer
    assert packet_for_case(case=s["case"], by=lawyer).cached is True
    assert len(renders) == 1


def test_kind_is_part_of_the_key(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    case_packet = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.CASE)
    plea = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.PLEA, citation=s["citations"][1])
    assert case_packet.packet.pk != plea.packet.pk
    assert StoredPacket.objects.count() == 2
