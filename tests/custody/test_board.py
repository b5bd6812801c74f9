"""The custody board: arrestees by stage, hours in custody with the alert past
CUSTODY_ALERT_HOURS, medical needs flagged, who waits outside, the ETag the watchers poll with,
moving someone to another stage; and a flat number of queries however many people are held."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cases.models import Arrest, AuditEntry, CustodyStatus
from custody.models import CustodyPlace, CustodyPlacement
from custody.selectors.board import board_for_event, board_version
from custody.services.assignments import jail_support_assign
from custody.services.board import arrest_move
from tests.custody.fakes import make_hotline_entry
from tests.factories import ArrestFactory, EventFactory


@pytest.fixture
def kettle(jail_support, coordinator):  # type: ignore[no-untyped-def]
    event = EventFactory(name="Kettle at 8th and Arch")
    jail_support_assign(user=jail_support, event=event, by=coordinator)
    return event


def _arrest(event, hours_ago: float, stage: str = CustodyStatus.ARRESTED, **person):  # type: ignore[no-untyped-def]
    at = timezone.now() - datetime.timedelta(hours=hours_ago)
    return ArrestFactory(case__event=event, arrested_at=at, custody_status=stage, **person)


def _person(board, arrest):  # type: ignore[no-untyped-def]
    return next(p for column in board.columns for p in column.people if p.arrest_id == arrest.public_id)


def test_every_arrestee_is_in_the_column_of_their_stage(kettle):
    held = _arrest(kettle, 2, CustodyStatus.HELD, case__demonstrator__legal_name="Ana Alvarez")
    out = _arrest(kettle, 5, CustodyStatus.CITED_RELEASED)
    board = board_for_event(event=kettle)
    assert [c.stage for c in board.columns] == list(CustodyStatus.values)
    by_stage = {c.stage: [p.arrest_id for p in c.people] for c in board.columns}
    assert by_stage[CustodyStatus.HELD] == [held.public_id]
    assert by_stage[CustodyStatus.CITED_RELEASED] == [out.public_id]
    assert _person(board, held).name == "Ana Alvarez"
    assert board.in_custody == 1


def test_the_alert_flags_only_people_still_held_past_the_setting(kettle, settings):
    settings.CUSTODY_ALERT_HOURS = 6
    long_held = _arrest(kettle, 7, CustodyStatus.PROCESSED)
    recent = _arrest(kettle, 1, CustodyStatus.IN_TRANSPORT)
    released = _arrest(kettle, 9, CustodyStatus.RELEASED)
    board = board_for_event(event=kettle)
    assert _person(board, long_held).overdue and not _person(board, recent).overdue
    assert not _person(board, released).overdue
    assert board.overdue == 1
    settings.CUSTODY_ALERT_HOURS = 8
    assert not _person(board_for_event(event=kettle), long_held).overdue


def test_medical_needs_and_who_waits_come_from_the_person_and_linked_entries(kettle, jail_support, coordinator):
    from custody.services.hotline import hotline_entry_link

    needs = _arrest(kettle, 1, case__demonstrator__special_needs="asthma inhaler")
    called = _arrest(kettle, 1)
    plain = _arrest(kettle, 1)
    entry = make_hotline_entry(event=kettle, by=jail_support, medical_needs="insulin", waiting_outside="Her sister")
    hotline_entry_link(entry=entry, arrest=called, by=coordinator)
    make_hotline_entry(event=kettle, by=jail_support, about="Green hat, taken at 9th")  # not identified yet
    board = board_for_event(event=kettle)
    assert _person(board, needs).medical and _person(board, called).medical and not _person(board, plain).medical
    assert _person(board, called).waiting == ["Her sister"]
    assert board.unidentified == 1


def test_the_version_changes_with_the_board_and_with_the_minute(kettle, jail_support, coordinator):
    now = timezone.now()
    arrest = _arrest(kettle, 1)
    version = board_version(event=kettle, now=now)
    assert board_version(event=kettle, now=now) == version
    arrest_move(arrest=arrest, stage=CustodyStatus.IN_TRANSPORT, by=jail_support)
    moved = board_version(event=kettle, now=now)
    assert moved != version
    make_hotline_entry(event=kettle, by=jail_support)
    assert board_version(event=kettle, now=now) != moved
    assert board_version(event=kettle, now=now + datetime.timedelta(minutes=1)) != board_version(event=kettle, now=now)


def test_a_move_records_stage_place_and_release(kettle, jail_support):
    arrest = _arrest(kettle, 3)
    district = CustodyPlace.objects.get(name="9th Police District")
    arrest_move(arrest=arrest, stage=CustodyStatus.HELD, place=district, by=jail_support)
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.HELD and arrest.released_at is None
    assert CustodyPlacement.objects.get(arrest=arrest).place == district
    arrest_move(arrest=arrest, stage=CustodyStatus.CITED_RELEASED, by=jail_support)
    arrest.refresh_from_db()
    assert arrest.released_at is not None
    assert CustodyPlacement.objects.get(arrest=arrest).place == district  # last known place kept
    assert AuditEntry.objects.filter(action="arrest.update", actor=jail_support).count() == 2


def test_a_second_release_from_a_stale_page_keeps_the_first_release_time(kettle, jail_support, coordinator):
    """Two people record the same release at once: the second works from a copy read before the
    first one's write, and must not replace the release time already recorded."""
    arrest = _arrest(kettle, 3, CustodyStatus.PROCESSED)
    stale = Arrest.objects.get(pk=arrest.pk)  # the second person's copy, read before the release
    first_time = timezone.now() - datetime.timedelta(minutes=30)
    arrest_move(arrest=arrest, stage=CustodyStatus.CITED_RELEASED, by=jail_support, at=first_time)
    arrest_move(arrest=stale, stage=CustodyStatus.RELEASED, by=coordinator, at=timezone.now())
    arrest.refresh_from_db()
    assert arrest.custody_status == CustodyStatus.RELEASED and arrest.released_at == first_time


def test_held_needs_a_named_place(kettle, jail_support):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        arrest_move(arrest=_arrest(kettle, 1), stage=CustodyStatus.HELD, by=jail_support)


def test_the_page_moves_someone_and_refuses_another_events_arrest(kettle, jail_support, client_for):
    client = client_for(jail_support)
    arrest = _arrest(kettle, 1)
    elsewhere = _arrest(EventFactory(name="Elsewhere"), 1)
    district = CustodyPlace.objects.get(name="9th Police District")
    response = client.post(
        f"/custody/arrests/{arrest.public_id}/stage/", {"stage": "held", "place": str(district.public_id)}
    )
    assert response.status_code == 302
    arrest.refresh_from_db()
    assert arrest.custody_status == "held"
    assert client.get(f"/custody/arrests/{elsewhere.public_id}/stage/").status_code == 404
    assert client.post(f"/custody/arrests/{elsewhere.public_id}/stage/", {"stage": "released"}).status_code == 404


def test_watchers_get_304_until_the_board_changes(kettle, jail_support, client_for, time_machine):
    # Within one minute: the tag also changes with the minute (the hours shown move with time).
    minute = timezone.now().replace(second=0, microsecond=0)
    time_machine.move_to(minute + datetime.timedelta(seconds=1), tick=False)
    client = client_for(jail_support)
    arrest = _arrest(kettle, 1, case__demonstrator__legal_name="Ana Alvarez")
    page = client.get(f"/custody/events/{kettle.public_id}/")
    assert page.status_code == 200 and "Ana Alvarez" in page.content.decode()
    etag = page["ETag"]
    partial_url = f"/custody/events/{kettle.public_id}/board/"
    assert client.get(partial_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    time_machine.move_to(minute + datetime.timedelta(seconds=30), tick=False)
    assert client.get(partial_url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # later, nothing changed
    arrest_move(arrest=arrest, stage=CustodyStatus.RELEASED, by=jail_support)
    fresh = client.get(partial_url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert AuditEntry.objects.filter(action="custody.board.read", actor=jail_support).count() == 2


@pytest.mark.parametrize("people", [1, 40])
def test_the_board_page_reads_in_a_fixed_number_of_queries(
    kettle, jail_support, client_for, people, django_assert_max_num_queries
):
    """Session, user, second factor and role groups (4), the event (1), the version (2), the
    arrests (1), the hotline entries (1), the audit entry and its chain head (3), and the session's
    idle expiry written back in its savepoint (3): 15 for one person or forty."""
    for i in range(people):
        _arrest(kettle, i % 20, CustodyStatus.values[i % len(CustodyStatus.values)])
    make_hotline_entry(event=kettle, by=jail_support)
    client = client_for(jail_support)
    with django_assert_max_num_queries(15):
        assert client.get(f"/custody/events/{kettle.public_id}/").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(f"/custody/events/{kettle.public_id}/board/").status_code == 200


def test_coordinators_get_a_record_release_link_for_people_still_held(kettle, coordinator, jail_support, client_for):
    held = _arrest(kettle, 1, CustodyStatus.HELD)
    out = _arrest(kettle, 1, CustodyStatus.RELEASED)
    page = client_for(coordinator).get(f"/custody/events/{kettle.public_id}/").content.decode()
    assert f"/coordination/custody/{held.public_id}/release/" in page
    assert f"/coordination/custody/{out.public_id}/release/" not in page
    volunteer = client_for(jail_support).get(f"/custody/events/{kettle.public_id}/").content.decode()
    assert "/release/" not in volunteer


def test_names_and_places_on_the_board_are_escaped(kettle, jail_support, client_for):
    _arrest(kettle, 1, case__demonstrator__legal_name="<b>Bold</b> & <script>x</script>")
    page = client_for(jail_support).get(f"/custody/events/{kettle.public_id}/").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in page and "<script>x" not in page
