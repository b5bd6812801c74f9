"""seed_demo shows a group claim in progress: allegations per officer, one decided, on a roster."""

import pytest
from django.core.management import call_command

from cases.models import Event, User
from claims.models import Allegation
from claims.selectors import plaintiff_roster, unidentified_hurt_count
from custody.models import HotlineEntry


@pytest.mark.django_db
def test_the_demo_shows_a_group_claim_in_progress():
    call_command("seed_demo", password="a-long-demo-password")
    allegations = Allegation.objects.all()
    assert allegations.count() >= 2
    assert allegations.filter(finding="sustained", discipline="suspension", decided_on__isnull=False).count() == 1
    assert allegations.filter(finding="pending").exists()
    assert all(a.body_case_number for a in allegations)
    event = Event.objects.get(
        cases__complaints__allegations__isnull=False, cases__complaints__allegations__finding="sustained"
    )
    roster = plaintiff_roster(event=event, user=User.objects.get(username="coordinator"))
    assert len(roster) >= 20
    assert any(row.complaint_filed for row in roster) and any(row.officers for row in roster)
    assert all(row.days_left is not None and row.days_left > 600 for row in roster)
    # The night: a hotline call about someone hit with a baton, linked to her arrest, puts her on
    # that event's roster; a call about someone hurt who is not identified yet is only counted.
    night = HotlineEntry.objects.filter(hurt_by_force=True).values_list("event", flat=True).first()
    night_event = Event.objects.get(pk=night)
    night_rows = plaintiff_roster(event=night_event, user=User.objects.get(username="coordinator"))
    assert [r.name for r in night_rows if r.hurt_on_hotline] == ["Lena Fischer"]
    assert unidentified_hurt_count(event=night_event) == 1
    call_command("seed_demo", password="a-long-demo-password")
    assert Allegation.objects.count() == allegations.count()
