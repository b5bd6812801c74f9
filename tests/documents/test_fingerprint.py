"""The inputs stamp (documents/fingerprint.py): a repeat request for an unchanged case packet is
answered from the stamp without building the context; anything the packet could show, or that
decides what the requesting user may see, changes the stamp. A stale packet is the failure these
tests guard against: every change below must change the stamp."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases.models import ArrestSeen, CustodyAction, CustodyEvent, ForceType, WitnessStatement
from cases.roles import role_of
from citations.models import DeadlineRule, DeadlineStatus
from documents import context as ctx
from documents.fingerprint import case_inputs_stamp, source_tables
from documents.models import StoredPacket
from documents.services import packet_for_case
from tests.documents.conftest import pdf_text, squash
from tests.documents.scenario import build_case
from tests.documents.test_packet_cache import CHANGES
from tests.factories import CaseFactory, ComplaintFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

TABLE = re.compile(r'(?:FROM|JOIN)\s+"([A-Za-z0-9_]+)"')


def _stamp(case, user) -> str:  # type: ignore[no-untyped-def]
    fresh = type(user).objects.get(pk=user.pk)  # a new request: role and groups read again
    return case_inputs_stamp(case=type(case).objects.get(pk=case.pk), user=fresh)


@pytest.mark.parametrize("who", ["lawyer", "coordinator"])
def test_the_stamp_covers_every_table_the_context_reads(who, request):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    s = build_case(lawyer=request.getfixturevalue("lawyer"))
    role_of(user)
    with CaptureQueriesContext(connection) as captured:
        ctx.case_packet_context(case=s["case"], user=user)
    read = {table for query in captured.captured_queries for table in TABLE.findall(query["sql"])}
    assert read, "the context's queries were not captured"
    assert read - source_tables() == set()


MORE_CHANGES = {
    "lawyer unassigned": lambda s: s["case"].lawyers.clear(),
    "event name": lambda s: setattr(s["event"], "name", "Renamed march") or s["event"].save(),
    "event time zone": lambda s: setattr(s["event"], "time_zone", "America/Los_Angeles") or s["event"].save(),
    "deadline status": lambda s: s["case"].deadlines.update(status=DeadlineStatus.MET),
    "deadline rule wording (bulk update)": lambda s: (
        type(s["case"].deadlines.first().rule)
        .objects.filter(pk=s["case"].deadlines.first().rule_id)
        .update(description="Reworded")
    ),
    "lawyer's name": lambda s: (
        type(s["case"].lawyers.first()).objects.filter(pk=s["case"].lawyers.first().pk).update(first_name="Renamed")
    ),
    "custody actor's name": lambda s: (
        type(s["case"].lawyers.first())
        .objects.filter(pk=CustodyEvent.objects.filter(evidence=s["document"]).first().actor_id)
        .update(last_name="Renamed")
    ),
    "force type label": lambda s: ForceType.objects.filter(pk=s["incident"].force_types.first().pk).update(
        label="Renamed force"
    ),
    "citation deleted": lambda s: s["citations"][0].delete(),
    "payment deleted": lambda s: s["citations"][0].payments.all().delete(),
    "incident no longer concerns the case": lambda s: s["incident"].people_affected.remove(s["case"]),
    "arrest seen added": lambda s: ArrestSeen.objects.create(
        incident=IncidentFactory(event=s["event"]), case=s["case"], person_description="Blue coat"
    ),
    "statement added on the incident": lambda s: WitnessStatement.objects.create(
        statement="New witness.", incident=s["incident"]
    ),
    "statement deleted": lambda s: s["statement"].delete(),
    "custody event deleted (raw)": lambda s: CustodyEvent.objects.filter(evidence=s["document"]).delete(),
    "sighting badge as seen": lambda s: s["incident"].officer_sightings.update(badge_as_seen="9999"),
}


@pytest.mark.parametrize("change", [*CHANGES, *MORE_CHANGES])
def test_any_change_to_what_the_packet_shows_changes_the_stamp(change, lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    before = _stamp(s["case"], lawyer)
    assert _stamp(s["case"], lawyer) == before  # stable while nothing changes
    {**CHANGES, **MORE_CHANGES}[change](s)
    assert _stamp(s["case"], lawyer) != before


def test_what_the_user_may_see_is_part_of_the_stamp(lawyer):  # type: ignore[no-untyped-def]
    """A statement on the shared incident that belongs to another client's case is in this
    packet only while the lawyer also has that case: assigning it changes the stamp."""
    s = build_case(lawyer=lawyer)
    other = CaseFactory(event=s["event"])
    WitnessStatement.objects.create(statement="The other client's statement.", incident=s["incident"], case=other)
    before = _stamp(s["case"], lawyer)
    other.lawyers.add(lawyer)
    assert _stamp(s["case"], lawyer) != before


def test_the_complaint_an_attachment_hangs_on_is_part_of_the_stamp(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    other = CaseFactory(event=s["event"], lawyers=[lawyer])
    complaint = ComplaintFactory(case=other)
    WitnessStatement.objects.create(statement="On the other complaint.", incident=s["incident"], complaint=complaint)
    before = _stamp(s["case"], lawyer)
    type(complaint).objects.filter(pk=complaint.pk).update(case=CaseFactory(event=s["event"]))
    assert _stamp(s["case"], lawyer) != before


def test_user_role_and_language_are_part_of_the_stamp(lawyer, coordinator):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    mine = _stamp(s["case"], lawyer)
    assert _stamp(s["case"], coordinator) != mine
    with translation.override("es"):
        assert _stamp(s["case"], lawyer) != mine
    lawyer.groups.add(Group.objects.get_or_create(name="coordinator")[0])
    lawyer.groups.remove(Group.objects.get(name="lawyer"))
    assert _stamp(s["case"], lawyer) != mine


def test_the_civil_claim_rule_is_part_of_the_stamp_without_a_complaint(lawyer, observer):  # type: ignore[no-untyped-def]
    """A case with force and no complaint has no civil-claim deadline row, yet its packet computes
    the deadline from the rule: editing the rule changes the stamp (and the packet)."""
    case = CaseFactory(lawyers=[lawyer])
    incident = IncidentFactory(event=case.event, reporter=observer)
    incident.people_affected.add(case)
    incident.force_types.add(ForceType.objects.order_by("id").first())
    before = _stamp(case, lawyer)
    DeadlineRule.objects.filter(code="pa-civil-claim-1983").update(offset=3)
    assert _stamp(case, lawyer) != before


def test_other_cases_do_not_change_the_stamp(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    before = _stamp(s["case"], lawyer)
    s["unrelated"].narrative = "Someone else's report, revised."
    s["unrelated"].save()
    b = build_case(lawyer=UserFactory(role="lawyer"), suffix="-b")
    b["citations"][0].fine = 1
    b["citations"][0].save()
    assert _stamp(s["case"], lawyer) == before


def test_a_repeat_request_is_answered_from_the_stamp_without_the_context(
    lawyer, monkeypatch, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    first = packet_for_case(case=s["case"], by=lawyer)
    # The render logged the photo's export in its custody log; that does not change the stamp.
    assert CustodyEvent.objects.filter(evidence=s["photo"], note=ctx.PACKET_EXPORT_NOTE).exists()
    assert StoredPacket.objects.get().inputs_stamp == _stamp(s["case"], lawyer)

    def no_context(**kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the context was built for an unchanged packet")

    monkeypatch.setattr(ctx, "case_packet_context", no_context)
    # case, stamp, stored packet, data key, and the audit record (savepoint, chain head, entry,
    # head update, release): nine, whatever the size of the case.
    with django_assert_max_num_queries(9):
        again = packet_for_case(case=s["case"], by=lawyer)
    assert again.cached is True and again.pdf == first.pdf


def test_after_a_change_the_packet_shows_the_new_data(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    packet_for_case(case=s["case"], by=lawyer)
    assert packet_for_case(case=s["case"], by=lawyer).cached is True
    s["incident"].narrative = "A revised narrative, written after the first packet."
    s["incident"].save()
    fresh = packet_for_case(case=s["case"], by=lawyer)
    assert fresh.cached is False
    assert squash("A revised narrative, written after the first packet.") in squash(pdf_text(fresh.pdf))


def test_a_stored_packet_for_other_inputs_is_found_by_its_hash_and_restamped(lawyer, coordinator):  # type: ignore[no-untyped-def]
    """The coordinator sees the same context as the lawyer here: the lawyer's stored packet
    serves them (found by the exact hash) and carries their stamp from then on."""
    s = build_case(lawyer=lawyer)
    packet_for_case(case=s["case"], by=lawyer)
    lawyers = packet_for_case(case=s["case"], by=lawyer)
    assert lawyers.cached
    theirs = packet_for_case(case=s["case"], by=coordinator)
    assert theirs.cached and theirs.packet.pk == lawyers.packet.pk
    assert StoredPacket.objects.get().inputs_stamp == _stamp(s["case"], coordinator)


def test_stamp_is_read_before_the_context(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    """The stamp is read before the context, never after: a change the context sees that the
    stamp did not (here made by the same transaction while the context is built) leaves the
    stored stamp unequal to the data's, so the next request compares instead of trusting it."""
    s = build_case(lawyer=lawyer)
    real = ctx.case_packet_context

    def change_first(**kwargs):  # type: ignore[no-untyped-def]
        CustodyEvent.objects.create(evidence=s["document"], action=CustodyAction.VIEWED)
        return real(**kwargs)

    monkeypatch.setattr(ctx, "case_packet_context", change_first)
    packet_for_case(case=s["case"], by=lawyer)
    assert StoredPacket.objects.get().inputs_stamp != _stamp(s["case"], lawyer)


def test_export_events_are_left_out_only_while_they_are_export_events(lawyer):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer)
    export = CustodyEvent.objects.create(
        evidence=s["photo"], action=CustodyAction.EXPORTED, note=ctx.PACKET_EXPORT_NOTE, actor=lawyer
    )
    before = _stamp(s["case"], lawyer)
    CustodyEvent.objects.create(evidence=s["photo"], action=CustodyAction.EXPORTED, note=ctx.PACKET_EXPORT_NOTE)
    assert _stamp(s["case"], lawyer) == before  # another packet's export: not shown, not stamped

    def photo_custody() -> list[str]:
        context = ctx.case_packet_context(case=s["case"], user=lawyer)
        (photo,) = [e for e in context["evidence"] if e["public_id"] == str(s["photo"].public_id)]
        return [event["action"] for event in photo["custody"]]

    assert "Exported" not in photo_custody()
    CustodyEvent.objects.filter(pk=export.pk).update(note="Sent to the oversight commission")
    assert _stamp(s["case"], lawyer) != before  # now shown in the custody log
    assert photo_custody().count("Exported") == 1


def test_a_sign_in_does_not_change_the_stamp_but_a_name_does(lawyer):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    s = build_case(lawyer=lawyer)
    before = _stamp(s["case"], lawyer)
    type(lawyer).objects.filter(pk=lawyer.pk).update(last_login=timezone.now(), session_epoch=7)
    assert _stamp(s["case"], lawyer) == before
    type(lawyer).objects.filter(pk=lawyer.pk).update(last_name="Renamed")
    assert _stamp(s["case"], lawyer) != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: a second connection commits meanwhile")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_stamp_and_the_context_come_from_one_snapshot(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    """A change another connection commits after the stamp was read is not in the packet stored
    under that stamp (READ COMMITTED would have put it there, under the stamp of the data before
    it); the next request sees the new stamp and renders the change."""
    import threading

    from django.db import connections

    from cases.models import Incident

    s = build_case(lawyer=lawyer)
    real = ctx.case_packet_context

    def changed_meanwhile(**kwargs):  # type: ignore[no-untyped-def]
        def change() -> None:
            try:
                Incident.objects.filter(pk=s["incident"].pk).update(narrative="Changed meanwhile by someone else.")
            finally:
                connections.close_all()

        thread = threading.Thread(target=change)
        thread.start()
        thread.join(timeout=10)
        return real(**kwargs)

    monkeypatch.setattr(ctx, "case_packet_context", changed_meanwhile)
    first = packet_for_case(case=s["case"], by=lawyer)
    assert squash("Changed meanwhile") not in squash(pdf_text(first.pdf))
    assert squash(s["text"]["narrative"]) in squash(pdf_text(first.pdf))
    monkeypatch.setattr(ctx, "case_packet_context", real)
    again = packet_for_case(case=s["case"], by=lawyer)
    assert again.cached is False
    assert squash("Changed meanwhile by someone else.") in squash(pdf_text(again.pdf))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: its transaction settings")
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_snapshot_settings_do_not_outlive_the_packet_request(lawyer, monkeypatch):  # type: ignore[no-untyped-def]
    """The read-only REPEATABLE READ snapshot is the packet's alone: the connection's next
    transactions are READ COMMITTED and may write, also after a request that failed inside it."""
    from django.db import transaction

    s = build_case(lawyer=lawyer)

    def seen_now() -> tuple[str, str]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            isolation = cursor.fetchone()[0]
            cursor.execute("SHOW transaction_read_only")
            return isolation, cursor.fetchone()[0]

    inside: list[tuple[str, str]] = []
    real = ctx.case_packet_context

    def looking(**kwargs):  # type: ignore[no-untyped-def]
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            isolation = cursor.fetchone()[0]
            cursor.execute("SHOW transaction_read_only")
            inside.append((isolation, cursor.fetchone()[0]))
        return real(**kwargs)

    monkeypatch.setattr(ctx, "case_packet_context", looking)
    packet_for_case(case=s["case"], by=lawyer)
    assert inside == [("repeatable read", "on")]
    assert seen_now() == ("read committed", "off")

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the context failed")

    monkeypatch.setattr(ctx, "case_packet_context", broken)
    s["incident"].narrative = "Edited, so the stored packet no longer answers."
    s["incident"].save()
    with pytest.raises(RuntimeError):
        packet_for_case(case=s["case"], by=lawyer)
    assert seen_now() == ("read committed", "off")
