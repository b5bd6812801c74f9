"""Consent: opt-in recorded with when and how; STOP honoured at once; no reminder to anyone who
has not consented on any path. Webhooks: Twilio's signature (its documented example), 403 without
it, a replay refused."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client

from cases.models import AuditEntry
from citations import services as citation_services
from reminders.channels import TwilioProvider, twilio_signature, twilio_signature_valid
from reminders.models import ConsentMethod, ContactChannel, ContactConsent, Message, MessageKind, MessageStatus
from reminders.services import consent_record, message_send, reminders_plan
from reminders.tasks import messages_dispatch
from tests.reminders.conftest import local
from tests.reminders.fake_provider import TOKEN


def test_twilio_signature_matches_the_documented_example():
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature(url, params, "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert twilio_signature_valid(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345")
    assert not twilio_signature_valid(url, {**params, "Digits": "9"}, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "12345")
    assert not twilio_signature_valid(url, params, None, "12345")
    assert not twilio_signature_valid(url, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "")


def test_opt_in_is_recorded_with_when_how_and_who(person, coordinator):
    someone = person(sms=True)
    row = ContactConsent.objects.get(demonstrator=someone)
    assert (row.channel, row.granted, row.method, row.recorded_by) == ("sms", True, "intake_form", coordinator)
    assert row.recorded_at is not None
    assert someone.consent_contact_sms is True
    assert AuditEntry.objects.filter(action="reminders.consent").exists()


def _post(client: Client, path: str, params: dict[str, str], *, sign: bool = True):  # type: ignore[no-untyped-def]
    url = f"https://tracker.example.org{path}"
    headers = {"HTTP_X_TWILIO_SIGNATURE": twilio_signature(url, params, TOKEN)} if sign else {}
    return client.post(path, params, **headers)


def test_stop_by_text_is_honoured_at_once(clock, fake_sms, person, hearing):
    clock(2026, 6, 2, 12, 0)
    someone = person(phone="215-555-0199", email=True)
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()  # planned for SMS and e-mail, not sent yet
    response = _post(
        Client(), "/reminders/sms/inbound/", {"MessageSid": "SMin1", "From": "+12155550199", "Body": "Stop"}
    )
    assert response.status_code == 200
    assert b"no more reminders" in response.content
    messages_dispatch()
    assert fake_sms.received == []  # the waiting SMS was suppressed in the same transaction
    assert len(mail.outbox) == 1  # e-mail consent stands
    someone.refresh_from_db()
    assert someone.consent_contact_sms is False
    last = ContactConsent.objects.filter(demonstrator=someone, channel="sms").first()
    assert (last.granted, last.method, last.recorded_by) == (False, ConsentMethod.SMS_KEYWORD, None)
    sms = Message.objects.get(channel="sms")
    assert sms.status == MessageStatus.SUPPRESSED


def test_a_stop_that_failed_to_record_is_taken_when_the_provider_retries(fake_sms, person, monkeypatch):
    someone = person(phone="215-555-0198")
    params = {"MessageSid": "SMretry", "From": "+12155550198", "Body": "STOP"}

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the database went away")

    monkeypatch.setattr("web.views.reminders.inbound_sms", broken)
    with pytest.raises(RuntimeError):
        _post(Client(), "/reminders/sms/inbound/", params)
    monkeypatch.undo()
    response = _post(Client(), "/reminders/sms/inbound/", params)  # the provider's retry
    assert response.status_code == 200
    someone.refresh_from_db()
    assert someone.consent_contact_sms is False


def test_help_is_answered_in_the_persons_language(fake_sms, person, settings):
    settings.REMINDERS_TEAM_PHONE = "215-555-0000"
    person(phone="215-555-0142", language="es")
    response = _post(Client(), "/reminders/sms/inbound/", {"MessageSid": "SMh", "From": "+12155550142", "Body": "HELP"})
    assert "215-555-0000" in response.content.decode()
    assert "Responda STOP" in response.content.decode()


def test_webhooks_refuse_a_missing_or_wrong_signature(fake_sms, person):
    someone = person(phone="215-555-0177")
    params = {"MessageSid": "SMx", "From": "+12155550177", "Body": "STOP"}
    assert _post(Client(), "/reminders/sms/inbound/", params, sign=False).status_code == 403
    forged = Client().post("/reminders/sms/inbound/", params, HTTP_X_TWILIO_SIGNATURE="AAAA")
    assert forged.status_code == 403
    someone.refresh_from_db()
    assert someone.consent_contact_sms is True


def test_webhook_replays_are_refused(clock, fake_sms, person, hearing):
    someone = person()
    hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    messages_dispatch()
    message = Message.objects.get()
    path = f"/reminders/sms/status/?t={int(time.time())}"
    params = {"MessageSid": message.provider_id, "MessageStatus": "delivered"}
    assert _post(Client(), path, params).status_code == 204
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED
    assert _post(Client(), path, params).status_code == 409
    stale = f"/reminders/sms/status/?t={int(time.time()) - 4 * 24 * 3600}"
    assert _post(Client(), stale, {**params, "MessageStatus": "failed"}).status_code == 403


@pytest.mark.parametrize(
    "who",
    ["never_asked", "sms_flag_only", "opted_out", "email_withdrawn", "purged"],
)
def test_no_reminder_reaches_a_person_without_consent_on_any_path(
    who, clock, fake_sms, person, hearing, coordinator, django_capture_on_commit_callbacks
):
    """Planning, sending (a message planned before consent was withdrawn), the date-changed
    message (when a reminder of the old date falls due, and at the moment of the move) and the
    outbox preview all ask for consent: nothing leaves for these people."""
    if who == "never_asked":
        someone = person(sms=False)
    elif who == "sms_flag_only":  # the intake flag alone, no recorded opt-in
        someone = person(sms=False)
        someone.consent_contact_sms = True
        someone.save()
    else:
        someone = person(sms=True, email=True)
    citation = hearing(someone, local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    planned = reminders_plan()
    if who == "opted_out":
        consent_record(demonstrator=someone, channel="sms", granted=False, method="verbal", by=coordinator)
        consent_record(demonstrator=someone, channel="email", granted=False, method="verbal", by=coordinator)
    elif who == "email_withdrawn":
        consent_record(demonstrator=someone, channel="sms", granted=False, method="team", by=coordinator)
        # withdrawn behind the services' back: the send path reads consent again itself
        someone.contact_preference.email = False
        someone.contact_preference.save()
    elif who == "purged":
        type(someone).objects.filter(pk=someone.pk).update(purged_at=local(2026, 6, 19, 8))
    for message in Message.objects.all():  # a stale task, still queued, runs anyway
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.PENDING)
        assert message_send(message_id=message.pk) == MessageStatus.SUPPRESSED
    with django_capture_on_commit_callbacks(execute=True):  # the hearing moves: told at once, if consenting
        citation_services.citation_schedule_hearing(
            citation=citation, hearing_at=local(2026, 7, 2, 10, 0), courtroom="Courtroom 7", by=coordinator
        )
    assert not Message.objects.filter(kind=MessageKind.DATE_CHANGED, status=MessageStatus.PENDING).exists()
    messages_dispatch()
    assert fake_sms.received == []
    assert mail.outbox == []
    if who in ("never_asked", "sms_flag_only"):
        assert planned == 0
    assert not Message.objects.filter(status__in=[MessageStatus.SENT, MessageStatus.DELIVERED]).exists()
    assert ContactChannel.SMS  # the channel choices exist (import used)


def test_the_sms_adapter_refuses_a_base_url_that_is_not_http():
    with pytest.raises(ValueError):
        TwilioProvider(base_url="file:///etc", account_sid="AC1", auth_token="t")  # noqa: S106 - a dummy
    assert TwilioProvider(base_url="https://api.twilio.com", account_sid="AC1", auth_token="t").url == (  # noqa: S106
        "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    )
