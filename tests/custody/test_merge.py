"""Merging two records of one person: cases move; two cases at one event become one with every
row of both (citations, deadlines, arrests, complaints, statements, evidence still readable,
incidents); audited without names; undone exactly within the window, refused after it."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Arrest, AuditEntry, Case, Demonstrator, WitnessStatement
from cases.services import evidence_add, evidence_open
from citations.deadlines import sync_citation_deadlines
from citations.models import Citation, Deadline
from custody.models import PersonMerge
from custody.selectors.duplicates import likely_duplicate_pairs, people_in_play
from custody.services.merge import person_merge, person_merge_undo
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    UserFactory,
    WitnessStatementFactory,
    png_bytes,
)


@pytest.fixture
def twice(db, coordinator):  # type: ignore[no-untyped-def]
    """One person reported twice: both records have a case at the kettle; the second also one at
    an earlier march."""
    kettle, march = EventFactory(name="Kettle"), EventFactory(name="March")
    kept = DemonstratorFactory(legal_name="Maria Lopez", phone="215-555-0101")
    other = DemonstratorFactory(legal_name="María López", phone="215 555 0101")
    lawyer = UserFactory(role="lawyer")
    kept_case = CaseFactory(event=kettle, demonstrator=kept, number="2026-0101", lawyer_notes="Kept notes.")
    folded = CaseFactory(event=kettle, demonstrator=other, number="2026-0102", lawyers=[lawyer], lawyer_notes="Old.")
    moved = CaseFactory(event=march, demonstrator=other, number="2026-0103")
    citations = [CitationFactory(case=folded) for _ in range(3)]
    sync_citation_deadlines(citations)
    ArrestFactory(case=folded)
    ComplaintFactory(case=folded)
    WitnessStatementFactory(case=folded)
    incident = IncidentFactory(event=kettle)
    incident.people_affected.add(folded, kept_case)
    evidence = evidence_add(
        upload=SimpleUploadedFile("a.png", png_bytes()), kind="photo", content_type="image/png", by=coordinator,
        case=folded,
    )  # fmt: skip
    return {"kept": kept, "other": other, "kept_case": kept_case, "folded": folded, "moved": moved,
            "citations": citations, "incident": incident, "evidence": evidence, "lawyer": lawyer}  # fmt: skip


def test_the_queue_ranks_every_pair_but_reads_only_the_best_pairs_records(db, coordinator):
    """Many namesakes make many pairs; the records read (and decrypted) are those of the pairs
    shown, best first: sharing a phone and a name before sharing a name alone."""
    event = EventFactory()
    # No e-mail or birth date: a shared random one would add a reason and reorder the pairs.
    namesakes = [DemonstratorFactory(legal_name="Alex Kim", phone="", email="", date_of_birth=None) for _ in range(6)]
    twins = [
        DemonstratorFactory(legal_name="Sam Roe", phone="215-555-0199", email="", date_of_birth=None) for _ in range(2)
    ]
    for person in namesakes + twins:
        CaseFactory(event=event, demonstrator=person)
    with CaptureQueriesContext(connection) as captured:
        [pair] = likely_duplicate_pairs(people=people_in_play(user=coordinator), limit=1)
    assert {pair.first, pair.second} == set(twins)
    assert pair.reasons == ["name", "phone", "close_spelling"] and pair.score == 100.0
    records = [q["sql"] for q in captured.captured_queries if '"cases_demonstrator"."public_id"' in q["sql"]]
    [ids] = re.findall(r'"cases_demonstrator"\."id" IN \(([\d, ]+)\)', records[0])
    assert sorted(int(pk) for pk in ids.split(", ")) == sorted(p.pk for p in twins)  # two records, not eight
    # and of those, the names only: no other personal field is read, so none is decrypted
    assert not any('"cases_demonstrator"."postal_address"' in q["sql"] for q in captured.captured_queries)
    assert len(likely_duplicate_pairs(people=people_in_play(user=coordinator))) == 15 + 1


def test_the_queue_pairs_them(twice, coordinator):
    [pair] = [
        p
        for p in likely_duplicate_pairs(people=people_in_play(user=coordinator))
        if {p.first, p.second} == {twice["kept"], twice["other"]}
    ]
    assert "phone" in pair.reasons and "close_spelling" in pair.reasons


def test_merge_moves_everything_and_folds_the_two_cases_at_one_event(twice, coordinator):
    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    kept_case = twice["kept_case"]
    assert not Case.objects.filter(pk=twice["folded"].pk).exists()
    assert set(Case.objects.filter(demonstrator=twice["kept"]).values_list("number", flat=True)) == {
        "2026-0101",
        "2026-0103",
    }
    assert Citation.objects.filter(case=kept_case).count() == 3
    assert Deadline.objects.filter(citation__in=twice["citations"]).exclude(case=kept_case).count() == 0
    assert Arrest.objects.get().case == kept_case and WitnessStatement.objects.get().case == kept_case
    assert kept_case.complaints.count() == 1 and kept_case.lawyers.get() == twice["lawyer"]
    assert list(twice["incident"].people_affected.all()) == [kept_case]
    evidence = twice["evidence"]
    evidence.refresh_from_db()
    assert evidence.case == kept_case
    assert evidence_open(evidence=evidence, by=coordinator, original=True).data == png_bytes()  # re-sealed
    kept_case.refresh_from_db()
    assert "Kept notes." in kept_case.lawyer_notes and "Old." in kept_case.lawyer_notes
    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.target_id == str(twice["kept"].public_id) and "Lopez" not in str(entry.details)
    assert "Old." not in str(merge.moved) and "Lopez" not in str(merge.moved)
    assert not [
        p
        for p in likely_duplicate_pairs(people=people_in_play(user=coordinator))
        if twice["other"] in (p.first, p.second)
    ]


def test_undo_puts_everything_back(twice, coordinator):
    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    person_merge_undo(merge=merge, by=coordinator)
    folded = Case.objects.get(pk=twice["folded"].pk)
    assert (folded.number, folded.public_id, folded.demonstrator) == (
        "2026-0102",
        twice["folded"].public_id,
        twice["other"],
    )
    assert folded.lawyer_notes == "Old." and list(folded.lawyers.all()) == [twice["lawyer"]]
    assert Case.objects.get(pk=twice["moved"].pk).demonstrator == twice["other"]
    assert Citation.objects.filter(case=folded).count() == 3 and Arrest.objects.get().case == folded
    assert Deadline.objects.filter(citation__case=folded).exclude(case=folded).count() == 0
    assert Deadline.objects.filter(case=folded).count() >= 3
    assert set(twice["incident"].people_affected.all()) == {folded, twice["kept_case"]}
    twice["kept_case"].refresh_from_db()
    assert twice["kept_case"].lawyer_notes == "Kept notes."
    evidence = twice["evidence"]
    evidence.refresh_from_db()
    assert (
        evidence.case == folded and evidence_open(evidence=evidence, by=coordinator, original=True).data == png_bytes()
    )
    assert AuditEntry.objects.filter(action="person.merge_undo").exists()
    with pytest.raises(ValidationError):
        person_merge_undo(merge=merge, by=coordinator)


def test_undo_is_refused_after_the_window(twice, coordinator, settings):
    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    later = timezone.now() + datetime.timedelta(days=settings.PERSON_MERGE_UNDO_DAYS + 1)
    with time_machine.travel(later), pytest.raises(ValidationError):
        person_merge_undo(merge=merge, by=coordinator)
    assert PersonMerge.objects.get().undone_at is None


def test_a_record_merged_away_cannot_be_merged_again(twice, coordinator):
    person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    with pytest.raises(ValidationError):
        person_merge(source=twice["other"], target=DemonstratorFactory(), by=coordinator)
    with pytest.raises(ValidationError):
        person_merge(source=twice["kept"], target=twice["kept"], by=coordinator)
    assert Demonstrator.objects.filter(pk=twice["other"].pk).exists()  # kept for the undo


def test_hotline_entries_about_the_folded_case_follow_it(twice, coordinator):
    from tests.custody.fakes import make_hotline_entry

    arrest = Arrest.objects.get(case=twice["folded"])
    entry = make_hotline_entry(event=twice["kept_case"].event, by=coordinator)
    entry.arrest = arrest
    entry.save(update_fields=["arrest"])
    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    entry.refresh_from_db()
    assert entry.arrest.case == twice["kept_case"]
    person_merge_undo(merge=merge, by=coordinator)
    entry.refresh_from_db()
    assert entry.arrest.case.pk == twice["folded"].pk


def test_the_merged_away_person_s_messages_move_and_come_back(twice, coordinator):
    """Rows other apps hang off a person (here a reminder message) move to the record kept before
    the folded case is removed: the removal's receivers must not take them with it."""
    from reminders.models import Message

    message = Message.objects.create(
        key="merge-test", kind="reminder", channel="sms", demonstrator=twice["other"], send_after=timezone.now()
    )
    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    message.refresh_from_db()
    assert message.demonstrator == twice["kept"]
    person_merge_undo(merge=merge, by=coordinator)
    message.refresh_from_db()
    assert message.demonstrator == twice["other"]


def test_purging_the_kept_case_clears_the_notes_a_merge_kept(twice, coordinator):
    from cases.signals import case_purging

    merge = person_merge(source=twice["other"], target=twice["kept"], by=coordinator)
    assert "Old." in merge.sealed_notes
    case_purging.send(sender=Case, case=twice["kept_case"], by=None)
    merge.refresh_from_db()
    assert not merge.sealed_notes
