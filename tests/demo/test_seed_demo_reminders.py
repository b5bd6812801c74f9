"""The demo leaves reminders planned in both languages (the outbox shows them), and a missed
answer with a warrant risk alerting the lawyer on their home page."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cases.models import User
from reminders.models import AlertKind, ContactConsent, Message, MessageStatus, TeamAlert
from reminders.services import messages_preview
from tests.auth import mfa_verify_client


@pytest.mark.django_db
def test_seed_demo_plans_reminders_and_raises_an_alert(client):
    call_command("seed_demo", password="a-long-demo-password")
    assert ContactConsent.objects.filter(channel="sms", granted=True).count() >= 20
    planned = Message.objects.filter(kind="reminder", status=MessageStatus.PENDING)
    assert planned.count() >= 5
    texts = messages_preview(list(planned))
    bodies = " ".join(text.body for text in texts if text is not None)
    assert "Reminder from your legal support team" in bodies
    assert "Recordatorio de su equipo de apoyo legal" in bodies
    alert = TeamAlert.objects.get(kind=AlertKind.MISSED)
    assert alert.warrant_risk
    lawyer = User.objects.get(username="lawyer")
    client.force_login(lawyer, backend="django.contrib.auth.backends.ModelBackend")
    mfa_verify_client(client, lawyer)
    home = client.get("/").content.decode()
    assert alert.case.number in home and "Warrant risk" in home
    call_command("seed_demo", password="a-long-demo-password")  # idempotent
    assert TeamAlert.objects.count() == 1
