""" "Not the same person": a suggested pair marked as different people leaves the merge queue for
good (whatever new reason would pair them) until the mark is undone; from the page, the API and
the command, audited, recorded by ids only. The queue over every event is a fixed number of
queries however many events there are, and close spellings are compared within blocks, finding
what comparing every pair finds."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEntry, Demonstrator
from custody.models import DuplicateDismissal
from custody.selectors.duplicates import close_pairs, likely_duplicate_pairs, people_in_play, unmerged
from custody.services.merge import duplicate_dismiss, person_merge
from tests.api.conftest import client_with_token
from tests.auth import signed_in
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory


def _queued(user, event) -> set[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {(p.first.pk, p.second.pk) for p in likely_duplicate_pairs(people=people_in_play(user=user), event=event)}


@pytest.mark.django_db
def test_a_pair_marked_on_the_page_leaves_the_queue_until_put_back(coordinator, pair):
    event, first, second = pair
    client = signed_in(coordinator)
    queue = f"/coordination/people/duplicates/?event={event.public_id}"
    dismiss = f"/coordination/people/not-duplicates/{second.public_id}/{first.public_id}/"
    assert (
        f"/coordination/people/not-duplicates/{first.public_id}/{second.public_id}/"
        in client.get(queue).content.decode()
    )
    done = client.post(dismiss)
    assert done.status_code == 302
    mark = DuplicateDismissal.objects.get()
    assert (mark.first, mark.second, mark.dismissed_by) == (first, second, coordinator)  # lower id first, who
    assert _queued(coordinator, event) == set()
    body = client.get(queue).content.decode()
    assert f"/coordination/people/merge/{first.public_id}/{second.public_id}/" not in body
    assert f"/coordination/people/not-duplicates/{mark.public_id}/undo/" in body  # listed to put back

    # For good: a new shared phone would pair them again, and does not.
    Demonstrator.objects.filter(pk__in=[first.pk, second.pk]).update(
        phone_index=first._meta.get_field("phone_index").index_for("215-555-0101")
    )
    assert _queued(coordinator, event) == set()
    entry = AuditEntry.objects.get(action="person.duplicate_dismiss")
    assert entry.target_id == str(first.public_id) and entry.details == {"from": str(second.public_id)}
    assert "Smith" not in str(entry.details)

    assert client.post(f"/coordination/people/not-duplicates/{mark.public_id}/undo/").status_code == 302
    assert _queued(coordinator, event) == {(first.pk, second.pk)}
    assert AuditEntry.objects.filter(action="person.duplicate_dismiss_undo").count() == 1
    assert client.post(f"/coordination/people/not-duplicates/{mark.public_id}/undo/").status_code == 404


@pytest.mark.django_db
def test_marking_is_refused_to_lawyers_and_a_record_against_itself(coordinator, lawyer, pair):
    _event, first, second = pair
    url = f"/coordination/people/not-duplicates/{first.public_id}/{second.public_id}/"
    assert signed_in(lawyer).post(url).status_code == 403
    client = signed_in(coordinator)
    client.post(f"/coordination/people/not-duplicates/{first.public_id}/{first.public_id}/")
    assert not DuplicateDismissal.objects.exists()


@pytest.mark.django_db
def test_a_merge_leaves_marks_in_place_and_still_works(coordinator, pair):
    event, first, second = pair
    third = DemonstratorFactory(legal_name="Jon Smyth")
    CaseFactory(event=event, demonstrator=third)
    duplicate_dismiss(first=first, second=third, by=coordinator)
    person_merge(source=first, target=second, by=coordinator)  # the marked record merged away
    mark = DuplicateDismissal.objects.get()
    assert (mark.first_id, mark.second_id) == (first.pk, third.pk)


@pytest.mark.django_db
def test_the_api_marks_once_and_puts_back(coordinator, lawyer, pair):
    event, first, second = pair
    client = client_with_token(coordinator)
    body = {"first_person": str(first.public_id), "second_person": str(second.public_id)}
    made = client.post("/api/v1/people/merges/dismissals/", body, format="json")
    assert made.status_code == 201 and made.json()["first_person"] == str(first.public_id)
    again = client.post("/api/v1/people/merges/dismissals/", body, format="json")
    assert again.json()["id"] == made.json()["id"] and DuplicateDismissal.objects.count() == 1
    assert _queued(coordinator, event) == set()
    assert client_with_token(lawyer).post("/api/v1/people/merges/dismissals/", body, format="json").status_code == 403
    undone = client.post(f"/api/v1/people/merges/dismissals/{made.json()['id']}/undo/")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert _queued(coordinator, event) == {(first.pk, second.pk)}


@pytest.mark.django_db
def test_the_command_marks_and_puts_back(pair):
    _event, first, second = pair
    out = io.StringIO()
    call_command("merge_people", str(first.public_id), str(second.public_id), "--different", stdout=out)
    mark = DuplicateDismissal.objects.get()
    assert mark.dismissed_by is None and "Smith" not in out.getvalue()
    listed = io.StringIO()
    call_command("merge_people", "--list", stdout=listed)
    assert "0 likely duplicate pair(s)." in listed.getvalue()
    call_command("merge_people", "--undo-different", str(mark.public_id), stdout=out)
    listed = io.StringIO()
    call_command("merge_people", "--list", stdout=listed)
    assert f"{first.public_id} {second.public_id}" in listed.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("events", [1, 6])
def test_the_queue_over_every_event_is_a_fixed_number_of_queries(events):
    counts = []
    for size in (events, events + 4):
        for _ in range(size - Demonstrator.objects.count() // 2):
            event = EventFactory()
            tag = uuid.uuid4().hex[:6]
            for name in ("Dana Whitfield", "Dana Whitfeld"):
                CaseFactory(event=event, demonstrator=DemonstratorFactory(legal_name=f"{name} {tag}"))
        DuplicateDismissal.objects.all().delete()
        with CaptureQueriesContext(connection) as seen:
            pairs = likely_duplicate_pairs(people=unmerged(Demonstrator.objects.all()))
        assert len(pairs) == size  # one close spelling per event
        counts.append(len(seen))
    # one query per blind index (5), the names of every event's people, the dismissals, the records paired
    assert counts[0] == counts[1] == 8


def test_blocked_comparison_finds_what_every_pair_finds():
    rng = random.Random(7)
    given = ["Maria", "John", "Aisha", "Luis", "Mei", "Omar", "Sofia", "Jamal", "Kevin", "Fatima", "Diego", "Grace"]
    family = ["Garcia", "Smith", "Johnson", "Lopez", "Nguyen", "Brown", "Martinez", "Davis", "Wilson", "Hernandez"]

    def typo(name: str) -> str:
        chars = list(name)
        at = rng.randrange(len(chars))
        [chars.pop, lambda i: chars.insert(i, "x"), lambda i: chars.__setitem__(i, "q")][rng.randrange(3)](at)
        return "".join(chars)

    people = [(i, f"{rng.choice(given)} {rng.choice(family)}", "") for i in range(300)]
    people += [(1000 + i, typo(people[i][1]), "") for i in range(100)]
    people += [(2000, "Jon Smith", ""), (2001, "John Smith", ""), (2002, "Lopez, María", "Maria Lopez")]
    from rapidfuzz import fuzz

    from custody.selectors.duplicates import comparable  # noqa: PLC0415 - the reference below only

    every_pair: dict[tuple[int, int], float] = {}
    names = [(pk, comparable(n)) for pk, legal, preferred in people for n in (legal, preferred) if len(n) >= 3]
    for a, name_a in names:
        for b, name_b in names:
            score = fuzz.ratio(name_a, name_b)
            if a < b and score >= 85:
                every_pair[(a, b)] = max(every_pair.get((a, b), 0.0), score)
    blocked = close_pairs(people)
    assert set(blocked) == set(every_pair) and len(blocked) > 100
    assert all(abs(blocked[key] - every_pair[key]) <= 1 for key in blocked)
    assert (2000, 2001) in blocked
