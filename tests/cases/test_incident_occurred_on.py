"""Incident.occurred_on: the stored local date dashboards group on."""

import datetime

from tests.factories import EventFactory, IncidentFactory


def test_occurred_on_is_the_local_date_in_the_event_time_zone(db):
    event = EventFactory(time_zone="America/Los_Angeles")
    incident = IncidentFactory(event=event, occurred_at=datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC))
    incident.refresh_from_db()
    assert incident.occurred_on == datetime.date(2026, 3, 1)


def test_occurred_on_follows_occurred_at_even_with_update_fields(db):
    incident = IncidentFactory(occurred_at=datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC))
    incident.occurred_at = datetime.datetime(2026, 3, 5, 18, 0, tzinfo=datetime.UTC)
    incident.save(update_fields=["occurred_at"])
    incident.refresh_from_db()
    assert incident.occurred_on == datetime.date(2026, 3, 5)


# --- The event's time zone corrected: its incidents' days follow ------------------------------


def _two_incidents(event):  # type: ignore[no-untyped-def]
    late = IncidentFactory(event=event, occurred_at=datetime.datetime(2026, 5, 2, 3, 30, tzinfo=datetime.UTC))
    noon = IncidentFactory(event=event, occurred_at=datetime.datetime(2026, 5, 2, 16, 0, tzinfo=datetime.UTC))
    return late, noon


def _days(*incidents):  # type: ignore[no-untyped-def]
    for incident in incidents:
        incident.refresh_from_db()
    return [incident.occurred_on for incident in incidents]


def test_correcting_the_time_zone_moves_the_days_of_the_incidents_near_midnight(
    coordinator, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from cases.services import event_update

    event = EventFactory(time_zone="America/New_York")
    other = EventFactory(time_zone="America/New_York")
    late, noon = _two_incidents(event)
    elsewhere, _ = _two_incidents(other)
    assert _days(late, noon) == [datetime.date(2026, 5, 1), datetime.date(2026, 5, 2)]  # 23:30 and 12:00 in New York
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, by=coordinator, time_zone="Europe/Berlin")
    assert _days(late, noon) == [datetime.date(2026, 5, 2), datetime.date(2026, 5, 2)]  # 05:30 and 18:00 in Berlin
    assert _days(elsewhere) == [datetime.date(2026, 5, 1)]  # another event's incidents stay


def test_only_a_time_zone_change_queues_the_recompute_and_the_save_reads_the_event_once(
    coordinator, django_capture_on_commit_callbacks, monkeypatch
):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import receivers
    from cases.services import event_update

    queued: list[int] = []
    monkeypatch.setattr(
        receivers, "recompute_incident_days_task", type("Spy", (), {"enqueue": staticmethod(queued.append)})
    )
    event = EventFactory(time_zone="America/New_York")
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as captured:
        event_update(event=event, by=coordinator, place="Love Park")
    assert queued == []
    # Where the event stood before the save is read once, for this app and the citations app alike.
    assert len([q for q in captured if q["sql"].startswith('SELECT "cases_event"."time_zone"')]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        event_update(event=event, by=coordinator, time_zone="Europe/Berlin")
    assert queued == [event.pk]


def test_the_recompute_writes_only_the_days_that_moved(db, django_assert_num_queries):  # type: ignore[no-untyped-def]
    from cases.models import Event
    from cases.services import incident_days_recompute

    event = EventFactory(time_zone="America/New_York")
    late, noon = _two_incidents(event)
    Event.objects.filter(pk=event.pk).update(time_zone="Europe/Berlin")  # as the save would, without its signals
    with django_assert_num_queries(3):  # the event, the incidents' times, one UPDATE for the day that moved
        assert incident_days_recompute(event_id=event.pk) == 1
    assert _days(late, noon) == [datetime.date(2026, 5, 2), datetime.date(2026, 5, 2)]
    assert incident_days_recompute(event_id=event.pk) == 0
    assert incident_days_recompute(event_id=event.pk + 1000) == 0  # gone: nothing to do


def test_an_incident_edited_during_the_recompute_keeps_the_day_its_save_computed(db, monkeypatch):  # type: ignore[no-untyped-def]
    from cases import services
    from cases.models import Event

    event = EventFactory(time_zone="America/New_York")
    late, _ = _two_incidents(event)
    Event.objects.filter(pk=event.pk).update(time_zone="Europe/Berlin")
    real = services.local_date
    edited = []

    def edit_meanwhile(moment, zone):  # type: ignore[no-untyped-def]
        if not edited:  # another request moves the late incident to noon (UTC) on 3 May, and saves it
            incident = type(late).objects.get(pk=late.pk)
            incident.occurred_at = datetime.datetime(2026, 5, 3, 12, 0, tzinfo=datetime.UTC)
            incident.save()
            edited.append(incident)
        return real(moment, zone)

    monkeypatch.setattr(services, "local_date", edit_meanwhile)
    services.incident_days_recompute(event_id=event.pk)
    assert _days(late) == [datetime.date(2026, 5, 3)]  # its own save's day, not the one computed from the old time


def test_a_time_zone_corrected_through_the_api_moves_the_days(coordinator, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    from tests.api.conftest import client_with_token

    event = EventFactory(time_zone="America/New_York")
    late, _ = _two_incidents(event)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_with_token(coordinator).patch(
            f"/api/v1/events/{event.public_id}/", {"time_zone": "UTC"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert _days(late) == [datetime.date(2026, 5, 2)]
