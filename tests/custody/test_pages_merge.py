"""The merge queue, the side-by-side page, the merge and its undo from pages, the API and the
command: roles, audit of the reads, query counts flat."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from cases.models import AuditEntry, Case
from custody.models import PersonMerge
from custody.services.merge import person_merge
from tests.api.conftest import client_with_token
from tests.auth import signed_in
from tests.factories import CaseFactory, DemonstratorFactory, EventFactory


@pytest.mark.django_db
def test_the_queue_lists_the_pair_and_audits_the_read(coordinator, pair):
    event, first, second = pair
    page = signed_in(coordinator).get(f"/coordination/people/duplicates/?event={event.public_id}")
    body = page.content.decode()
    assert page.status_code == 200 and "Jon Smith" in body and "John Smith" in body
    assert f"/coordination/people/merge/{first.public_id}/{second.public_id}/" in body
    assert "same e-mail" in body and "similar name at this event" in body
    assert AuditEntry.objects.filter(action="demonstrator.list", details__query_kind="merge_queue").exists()


@pytest.mark.django_db
def test_the_queue_audits_the_names_of_its_recent_merges(coordinator, pair):
    """With no pair left to compare, the queue still shows the kept record of each recent merge:
    that name is a read of personal data like the pairs'."""
    event, first, second = pair
    person_merge(source=second, target=first, by=coordinator)
    AuditEntry.objects.filter(action="demonstrator.list").delete()
    page = signed_in(coordinator).get(f"/coordination/people/duplicates/?event={event.public_id}")
    body = page.content.decode()
    assert "Undo this merge" in body and "Jon Smith" in body and "/coordination/people/merge/" not in body
    [entry] = AuditEntry.objects.filter(action="demonstrator.list", details__query_kind="merge_queue")
    assert entry.actor == coordinator and entry.details["count"] == 1


@pytest.mark.django_db
def test_a_page_number_past_any_limit_is_an_empty_page_not_an_error(coordinator, pair):
    client = signed_in(coordinator)
    page = client.get(f"/coordination/people/duplicates/?event={pair[0].public_id}&page={'9' * 30}")
    assert page.status_code == 200 and "/coordination/people/merge/" not in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("pairs", [1, 12])
def test_the_queue_query_count_is_flat(coordinator, pairs, django_assert_max_num_queries):
    event = EventFactory()
    for i in range(pairs):
        for _ in range(2):  # the same phone, names far apart
            person = DemonstratorFactory(legal_name=f"Person {uuid.uuid4().hex}", phone=f"215-555-{i:04d}")
            CaseFactory(event=event, demonstrator=person)
    client = signed_in(coordinator)
    # session, user, authenticator, role; the events and the chosen one; one grouping query and one
    # fetch per blind index (5 + 5); the event's names; the records paired; the undoable merges;
    # the audit entry (head, insert, update); the session save
    with django_assert_max_num_queries(26):
        page = client.get(f"/coordination/people/duplicates/?event={event.public_id}")
    assert page.status_code == 200 and page.content.decode().count("/coordination/people/merge/") == pairs


@pytest.mark.django_db
def test_merge_from_the_page_then_undo(coordinator, pair):
    event, first, second = pair
    client = signed_in(coordinator)
    url = f"/coordination/people/merge/{first.public_id}/{second.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "2026-0201" in page.content.decode() and "2026-0202" in page.content.decode()
    assert client.post(url, {"keep": "first"}).status_code == 400  # not confirmed
    done = client.post(url, {"keep": "first", "confirm": "on"})
    assert done.status_code == 302
    assert list(Case.objects.filter(demonstrator=first).values_list("number", flat=True)) == ["2026-0201"]
    merge = PersonMerge.objects.get()
    assert client.get(url).status_code == 404  # the merged-away record is out of play
    undone = client.post(f"/coordination/people/merges/{merge.public_id}/undo/")
    assert undone.status_code == 302
    assert set(Case.objects.values_list("demonstrator", flat=True)) == {first.pk, second.pk}


@pytest.mark.django_db
def test_lawyers_cannot_merge(lawyer, pair):
    _event, first, second = pair
    assert signed_in(lawyer).get(f"/coordination/people/merge/{first.public_id}/{second.public_id}/").status_code == 403
    refused = client_with_token(lawyer).post(
        "/api/v1/people/merges/", {"merged_person": str(second.public_id), "kept_person": str(first.public_id)}
    )
    assert refused.status_code == 403 and not PersonMerge.objects.exists()


@pytest.mark.django_db
def test_the_api_merges_and_undoes(coordinator, pair):
    _event, first, second = pair
    client = client_with_token(coordinator)
    made = client.post(
        "/api/v1/people/merges/",
        {"merged_person": str(second.public_id), "kept_person": str(first.public_id)},
        format="json",
    )
    assert made.status_code == 201 and made.json()["cases_folded"] == 1
    assert Case.objects.count() == 1
    undone = client.post(f"/api/v1/people/merges/{made.json()['id']}/undo/")
    assert undone.status_code == 200 and undone.json()["undone_at"]
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_the_command_lists_merges_and_undoes(pair):
    _event, first, second = pair
    out = io.StringIO()
    call_command("merge_people", "--list", stdout=out)
    assert f"{first.public_id} {second.public_id}" in out.getvalue() and "Smith" not in out.getvalue()
    call_command("merge_people", str(second.public_id), str(first.public_id), stdout=out)
    merge = PersonMerge.objects.get()
    assert merge.source == second and Case.objects.count() == 1
    call_command("merge_people", "--undo", str(merge.public_id), stdout=out)
    assert Case.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("merge_people", str(first.public_id), str(first.public_id), stdout=out)
