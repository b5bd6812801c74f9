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
