"""The hotline and jail-support log: a quick entry is stored once per client UUID (the phone's
queue retries), personal text is sealed, the caller's contact kept only with consent, and jail
support reads and writes only the logs of its events."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEntry
from custody.access import hotline_entry_list_visible_to
from custody.models import CustodyPlace, HotlineEntry
from custody.selectors.hotline import LINK_MATCHES_SHOWN
from custody.services.assignments import jail_support_assign
from custody.services.hotline import HotlineConflict, HotlineInput, hotline_entry_create, hotline_entry_link
from tests.custody.fakes import make_hotline_entry
from tests.factories import ArrestFactory, EventFactory
from tests.pages import query_count


@pytest.fixture
def night(jail_support, coordinator):  # type: ignore[no-untyped-def]
    kettle, other = EventFactory(name="Kettle at 8th and Arch"), EventFactory(name="Another night")
    jail_support_assign(user=jail_support, event=kettle, by=coordinator)
    return kettle, other


def test_a_retry_with_the_same_client_uuid_returns_the_stored_entry(jail_support, night):
    data = HotlineInput(event=night[0], about="Red jacket, about 20", medical_needs="insulin")
    key = uuid.uuid4()
    first, created = hotline_entry_create(by=jail_support, client_uuid=key, data=data)
    again, created_again = hotline_entry_create(by=jail_support, client_uuid=key, data=data)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and HotlineEntry.objects.count() == 1


def test_the_same_client_uuid_with_other_content_is_a_conflict(jail_support, coordinator, night):
    key = uuid.uuid4()
    hotline_entry_create(by=jail_support, client_uuid=key, data=HotlineInput(event=night[0], about="Ana"))
    with pytest.raises(HotlineConflict):
        hotline_entry_create(by=jail_support, client_uuid=key, data=HotlineInput(event=night[0], about="Bo"))
    with pytest.raises(HotlineConflict):  # another account reusing the id
        hotline_entry_create(by=coordinator, client_uuid=key, data=HotlineInput(event=night[0], about="Ana"))


def test_jail_support_writes_and_reads_only_the_log_of_its_events(jail_support, coordinator, lawyer, night):
    kettle, other = night
    with pytest.raises(ValidationError):
        hotline_entry_create(by=jail_support, client_uuid=uuid.uuid4(), data=HotlineInput(event=other, about="X"))
    with pytest.raises(PermissionDenied):
        hotline_entry_create(by=lawyer, client_uuid=uuid.uuid4(), data=HotlineInput(event=kettle, about="X"))
    mine = make_hotline_entry(event=kettle, by=jail_support)
    theirs = make_hotline_entry(event=other, by=coordinator)
    assert list(hotline_entry_list_visible_to(user=jail_support)) == [mine]
    assert set(hotline_entry_list_visible_to(user=coordinator)) == {mine, theirs}
    assert not hotline_entry_list_visible_to(user=lawyer).exists()


def test_the_callers_contact_is_kept_only_with_consent(jail_support, night):
    without = make_hotline_entry(event=night[0], by=jail_support, caller_contact="215-555-0100")
    with_consent = make_hotline_entry(
        event=night[0], by=jail_support, caller_contact="215-555-0101", contact_consent=True
    )
    assert without.caller_contact in ("", None) and with_consent.caller_contact == "215-555-0101"


def test_personal_text_is_sealed_in_the_database(jail_support, night):
    entry = make_hotline_entry(
        event=night[0], by=jail_support, about="Quorvella Trinmask", medical_needs="Quorvella insulin",
        waiting_outside="Quorvella's sister", caller_name="Quorvella Caller",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM custody_hotlineentry WHERE id = %s", [entry.pk])
        row = cursor.fetchone()
    assert "quorvella" not in repr(row).casefold()


def test_linking_is_for_coordinators_and_only_within_the_event(jail_support, coordinator, night):
    kettle, other = night
    entry = make_hotline_entry(event=kettle, by=jail_support)
    here, elsewhere = ArrestFactory(case__event=kettle), ArrestFactory(case__event=other)
    with pytest.raises(PermissionDenied):
        hotline_entry_link(entry=entry, arrest=here, by=jail_support)
    with pytest.raises(ValidationError):
        hotline_entry_link(entry=entry, arrest=elsewhere, by=coordinator)
    assert hotline_entry_link(entry=entry, arrest=here, by=coordinator).arrest == here
    assert AuditEntry.objects.filter(action="hotline.link").count() == 1


def test_the_phone_queue_gets_201_then_200_then_409(jail_support, client_for, night):
    kettle = night[0]
    client = client_for(jail_support)
    url = f"/custody/events/{kettle.public_id}/hotline/new/"
    place = CustodyPlace.objects.get(name="9th Police District")
    body = {
        "client_uuid": str(uuid.uuid4()), "kind": "call", "received_at": "2026-07-01T23:10",
        "about": "Red jacket, about 20, taken at 8th and Arch", "place": str(place.public_id),
        "medical_needs": "Needs insulin by 2 a.m.", "waiting_outside": "Her sister, at the door",
    }  # fmt: skip
    json = {"HTTP_ACCEPT": "application/json"}
    assert client.post(url, body, **json).status_code == 201
    assert client.post(url, body, **json).status_code == 200
    assert client.post(url, {**body, "about": "Someone else"}, **json).status_code == 409
    assert HotlineEntry.objects.count() == 1
    assert client.post(url, {**body, "client_uuid": str(uuid.uuid4()), "about": ""}, **json).status_code == 400
    log = client.get(f"/custody/events/{kettle.public_id}/hotline/").content.decode()
    assert "Needs insulin by 2 a.m." in log and "9th Police District" in log
    assert AuditEntry.objects.filter(action="hotline.list", actor=jail_support).exists()


def test_another_events_log_is_a_404_for_jail_support(jail_support, client_for, night):
    other = night[1]
    client = client_for(jail_support)
    assert client.get(f"/custody/events/{other.public_id}/hotline/").status_code == 404
    assert client.get(f"/custody/events/{other.public_id}/hotline/new/").status_code == 404
    assert client.get(f"/custody/events/{other.public_id}/").status_code == 404


def test_the_log_reads_in_a_fixed_number_of_queries(jail_support, client_for, night, django_assert_max_num_queries):
    kettle = night[0]
    client = client_for(jail_support)
    make_hotline_entry(event=kettle, by=jail_support)
    client.get(f"/custody/events/{kettle.public_id}/hotline/")  # warm the session and the role
    with django_assert_max_num_queries(14) as one:
        client.get(f"/custody/events/{kettle.public_id}/hotline/")
    for _ in range(30):
        make_hotline_entry(event=kettle, by=jail_support)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/custody/events/{kettle.public_id}/hotline/").status_code == 200


def test_the_service_worker_keeps_the_empty_form_and_never_the_log(jail_support, client_for, night):
    kettle, other = night
    client = client_for(jail_support)
    response = client.get(f"/custody/events/{kettle.public_id}/hotline/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert f'var PAGES = ["/custody/events/{kettle.public_id}/hotline/new/"];' in body
    assert "var LISTS = [];" in body and "/static/js/observer.js" in body
    assert f'"/custody/events/{kettle.public_id}/hotline/"' not in body  # the log stays off the phone
    assert 'request.method !== "GET"' in body  # entries (POSTs) are never cached
    assert f"tracker-hotline-{kettle.public_id}-" in body  # its own caches, not another event's
    assert client.get(f"/custody/events/{other.public_id}/hotline/sw.js").status_code == 404
    form = client.get(f"/custody/events/{kettle.public_id}/hotline/new/").content.decode()
    assert f'data-sw="/custody/events/{kettle.public_id}/hotline/sw.js"' in form


def test_the_service_worker_changes_when_a_place_is_renamed(jail_support, client_for, night):
    client = client_for(jail_support)
    url = f"/custody/events/{night[0].public_id}/hotline/sw.js"
    before = client.get(url).content
    assert client.get(url).content == before  # the same worker while nothing changed
    CustodyPlace.objects.filter(name="9th Police District").update(name="9th District (Race St)")
    assert client.get(url).content != before  # so phones fetch the form with the new name


# --- linking an entry: the arrest is found by a search, never picked from every arrest ---------


def _post_count(client, url: str, body: dict[str, str]) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, body)
    assert response.status_code == 200, response.status_code
    return len(queries), response.content.decode()


def test_the_arrest_is_found_by_case_number_or_exact_name_within_the_event(coordinator, client_for, night):
    kettle, other = night
    entry = make_hotline_entry(event=kettle, by=coordinator, about="Red jacket, about 20")
    arrest = ArrestFactory(case__event=kettle, case__demonstrator__legal_name="Quorvella Trinmask")
    ArrestFactory(case__event=other, case__demonstrator__legal_name="Quorvella Trinmask")  # another night
    ArrestFactory.create_batch(3, case__event=kettle)
    client = client_for(coordinator)
    url = f"/custody/hotline/{entry.public_id}/link/"

    for text in ("quorvella  trinmask", arrest.case.number):
        page = client.post(url, {"q": text}).content.decode()
        assert page.count('name="arrest"') == 1 and str(arrest.public_id) in page
    assert 'name="arrest"' not in client.post(url, {"q": "Quorvella"}).content.decode()  # exact names only
    searches = AuditEntry.objects.filter(action="case.search", actor=coordinator).order_by("id")
    assert [e.details["count"] for e in searches] == [1, 1, 0]
    assert all(e.fields == ["legal_name", "preferred_name"] for e in searches)
    assert not any("quorvella" in repr(e.details).casefold() for e in searches)  # never the text

    response = client.post(url, {"arrest": str(arrest.public_id)})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.arrest == arrest


def test_an_empty_search_is_refused_and_lists_nobody(coordinator, client_for, night):
    entry = make_hotline_entry(event=night[0], by=coordinator)
    ArrestFactory(case__event=night[0])
    response = client_for(coordinator).post(f"/custody/hotline/{entry.public_id}/link/", {"q": "  "})
    assert response.status_code == 400 and 'name="arrest"' not in response.content.decode()


def test_the_log_offers_a_search_not_every_arrest(coordinator, client_for, night):
    kettle = night[0]
    make_hotline_entry(event=kettle, by=coordinator)
    ArrestFactory.create_batch(3, case__event=kettle, case__demonstrator__legal_name="Zephyrine Oldcastle")
    page = client_for(coordinator).get(f"/custody/events/{kettle.public_id}/hotline/").content.decode()
    entries = page.split('id="hotline-entries"')[1].split("</ul>")[0]
    assert "Zephyrine" not in page and "<select" not in entries and 'name="arrest"' not in entries
    assert 'method="post"' in page and 'name="q"' in page  # a name goes in the body, never the URL


def test_finding_an_arrest_costs_the_same_queries_at_any_event_size(coordinator, client_for, night):
    kettle = night[0]
    entry = make_hotline_entry(event=kettle, by=coordinator)
    wanted = ArrestFactory(case__event=kettle, case__demonstrator__legal_name="Quorvella Trinmask")
    client = client_for(coordinator)
    url, log = f"/custody/hotline/{entry.public_id}/link/", f"/custody/events/{kettle.public_id}/hotline/"
    client.post(url, {"q": "warm up the session"})
    small = [_post_count(client, url, {"q": "Quorvella Trinmask"}), _post_count(client, url, {"q": "2099-9999"})]
    small_log = query_count(client, log)
    ArrestFactory.create_batch(40, case__event=kettle, case__demonstrator__legal_name="Quorvella Trinmask")
    large = [_post_count(client, url, {"q": "Quorvella Trinmask"}), _post_count(client, url, {"q": "2099-9999"})]
    assert [n for n, _page in large] == [n for n, _page in small]
    assert query_count(client, log) == small_log
    assert small[0][1].count('name="arrest"') == 1 and str(wanted.public_id) in small[0][1]
    assert large[0][1].count('name="arrest"') == LINK_MATCHES_SHOWN  # at most a page of matches
    assert "Only the first 20 matches are shown" in large[0][1]
