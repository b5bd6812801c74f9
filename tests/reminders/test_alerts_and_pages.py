"""Alerts to the team (a deadline passed unmet, a hearing moved), the lawyers' digest, the outbox
page in both languages, the consent page, and the `send_reminders` command."""

from __future__ import annotations

import io
import re

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEntry
from citations import services as citation_services
from citations.models import CitationKind, Deadline, DeadlineKind
from reminders.models import AlertKind, DigestSubscription, Message, TeamAlert
from reminders.services import digests_plan, reminders_plan, team_alerts_raise
from reminders.tasks import messages_dispatch
from tests.factories import CaseFactory
from tests.reminders.conftest import local

# An alert run: the deadlines, their lawyers, the alerts already raised, the coordinators (one
# query); then a savepoint, the alerts, the alerts read back, the e-mails already planned, the new
# ones, the release. The same for 3 missed deadlines as for 12.
QUERIES_PER_ALERT_RUN = 10


def _answer_due(coordinator, phl_event, lawyer, someone, number="PA-1"):  # type: ignore[no-untyped-def]
    """A 10-day answer with a warrant risk in Philadelphia: a traffic citation's (a non-traffic
    summary citation there follows Rule 1002: a notice to appear, no 10-day answer)."""
    case = CaseFactory(event=phl_event, demonstrator=someone, lawyers=[lawyer])
    citation = citation_services.citation_create(
        case=case, by=coordinator, number=number, kind=CitationKind.TRAFFIC, offense_code="18 Pa.C.S. § 5502",
        issued_at=local(2026, 6, 1, 22, 30), fine="50.00",
    )  # fmt: skip
    return citation, Deadline.objects.get(citation=citation, kind=DeadlineKind.RESPOND)


def test_a_missed_deadline_alerts_lawyers_and_coordinators_warrant_risk_first(
    clock, person, phl_event, coordinator, lawyer, client_for, team_emails
):
    clock(2026, 6, 2, 12, 0)
    _citation, deadline = _answer_due(coordinator, phl_event, lawyer, person())
    assert deadline.warrant_risk
    clock(2026, 6, 12, 12, 0)  # the ten days have passed
    assert team_alerts_raise() == 1
    assert team_alerts_raise() == 0  # once
    messages_dispatch()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lawyer.email, coordinator.email])
    assert all("warrant risk" in m.subject for m in mail.outbox)
    assert all(deadline.case.number in m.body for m in mail.outbox)
    alert = TeamAlert.objects.get()
    assert alert.kind == AlertKind.MISSED
    page = client_for(lawyer).get("/")
    assert deadline.case.number in page.content.decode()
    assert "Warrant risk" in page.content.decode()


def test_an_unassigned_lawyer_sees_no_alert(
    clock, person, phl_event, coordinator, lawyer, other_lawyer, client_for, team_emails
):
    clock(2026, 6, 2, 12, 0)
    _citation, deadline = _answer_due(coordinator, phl_event, lawyer, person())
    clock(2026, 6, 12, 12, 0)
    team_alerts_raise()
    messages_dispatch()
    assert other_lawyer.email not in [m.to[0] for m in mail.outbox]
    assert deadline.case.number not in client_for(other_lawyer).get("/").content.decode()


def test_a_moved_hearing_alerts_the_lawyer(clock, person, hearing, coordinator, lawyer, team_emails):
    clock(2026, 6, 2, 12, 0)
    citation = hearing(person(), local(2026, 6, 20, 9, 30))
    assert not TeamAlert.objects.exists()  # setting a first hearing is not a change
    citation_services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 7, 2, 10, 0), courtroom="Courtroom 7", by=coordinator
    )
    alert = TeamAlert.objects.get()
    assert (alert.kind, alert.previous_at, alert.current_at) == (
        AlertKind.HEARING_MOVED,
        local(2026, 6, 20, 9, 30),
        local(2026, 7, 2, 10, 0),
    )
    messages_dispatch()
    (email,) = mail.outbox
    assert email.to == [lawyer.email]
    assert "from Sat 20 Jun 2026 09:30 to Thu 2 Jul 2026 10:00" in email.body  # the locale date style


def test_lawyers_who_ask_get_a_morning_digest(clock, person, hearing, lawyer, other_lawyer, team_emails):
    clock(2026, 6, 2, 12, 0)
    hearing(person(), local(2026, 6, 20, 9, 30))
    DigestSubscription.objects.create(user=lawyer)
    clock(2026, 6, 15, 6, 59)
    assert digests_plan() == 0
    clock(2026, 6, 15, 7, 0)
    assert digests_plan() == 1
    assert digests_plan() == 0
    messages_dispatch()
    (email,) = mail.outbox
    assert email.to == [lawyer.email]
    assert "- Sat 20 Jun 2026  " in email.body and "Appear at the hearing" in email.body
    assert "Rule phl-nta-appear: " in email.body and "Not checked by a lawyer yet" in email.body


def test_the_outbox_shows_what_would_be_sent_in_both_languages(clock, person, hearing, client_for, coordinator):
    clock(2026, 6, 2, 12, 0)
    hearing(person(sms=True), local(2026, 6, 20, 9, 30), courtroom="Courtroom 3")
    hearing(person(sms=True, language="Spanish"), local(2026, 6, 20, 9, 30), courtroom="Courtroom 4")
    clock(2026, 6, 19, 9, 0)
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "planned=2" in out.getvalue() and "queued=2" in out.getvalue()
    client = client_for(coordinator)
    page = client.get("/reminders/outbox/").content.decode()
    assert "Courtroom 3" in page and "Saturday 20 June" in page
    assert "Courtroom 4" in page and "sábado 20 de junio" in page.lower()  # Spanish order
    assert "Handed to the provider" in page
    client.post("/i18n/setlang/", {"language": "es"})
    spanish = client.get("/reminders/outbox/").content.decode()
    assert "Bandeja de salida" in spanish


def test_the_consent_page_records_an_opt_in(person, client_for, lawyer, phl_event):
    someone = person(sms=False)
    CaseFactory(event=phl_event, demonstrator=someone, lawyers=[lawyer])
    client = client_for(lawyer)
    url = f"/reminders/people/{someone.public_id}/consent/"
    assert client.get(url).status_code == 200
    assert AuditEntry.objects.filter(action="reminders.consent_read", actor=lawyer).exists()
    response = client.post(url, {"channel": "sms", "granted": "1", "method": "verbal"})
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.consent_contact_sms and someone.contact_preference.sms
    assert "Said so to the legal team" in client.get(url).content.decode()
    assert Message.objects.count() == 0


def test_the_outbox_reads_people_and_dates_once_however_many_messages(
    clock, person, hearing, client_for, coordinator, django_assert_max_num_queries
):
    clock(2026, 6, 2, 12, 0)
    for _ in range(3):
        hearing(person(), local(2026, 6, 20, 9, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    client = client_for(coordinator)
    client.get("/reminders/outbox/")  # warm: the session, the translations
    with CaptureQueriesContext(connection) as few:
        assert client.get("/reminders/outbox/").status_code == 200
    clock(2026, 6, 2, 12, 0)
    for _ in range(9):
        hearing(person(), local(2026, 6, 20, 10, 30))
    clock(2026, 6, 19, 9, 0)
    reminders_plan()
    assert Message.objects.count() == 12
    # the session and user, the audit entry, the messages, their people (three), their deadlines
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/reminders/outbox/").status_code == 200


def test_an_alert_run_costs_the_same_few_queries_for_3_or_12_missed_deadlines(
    clock, person, phl_event, coordinator, lawyer, team_emails, django_assert_num_queries
):
    """The coordinators are read once per run, the lawyers once per page: the deadlines, their
    lawyers, the alerts already raised, the coordinators, then in one transaction the alerts,
    their e-mails (those that exist, the new ones)."""

    def run_with(count: int) -> None:
        TeamAlert.objects.all().delete()
        clock(2026, 6, 2, 12, 0)
        while Deadline.objects.filter(kind=DeadlineKind.RESPOND).count() < count:
            _answer_due(coordinator, phl_event, lawyer, person(), number=f"PA-{count}-{Deadline.objects.count()}")
        clock(2026, 6, 12, 12, 0)
        with django_assert_num_queries(QUERIES_PER_ALERT_RUN):
            assert team_alerts_raise() == count
        assert Message.objects.filter(alert__isnull=False).count() == 2 * count  # the lawyer, the coordinator

    run_with(3)
    run_with(12)


def test_each_team_member_gets_an_alert_in_their_own_language(
    clock, person, phl_event, coordinator, lawyer, team_emails
):
    lawyer.language = "es"
    lawyer.save(update_fields=["language"])  # the coordinator chose nothing: the site's English
    clock(2026, 6, 2, 12, 0)
    _answer_due(coordinator, phl_event, lawyer, person())
    clock(2026, 6, 12, 12, 0)
    team_alerts_raise()
    messages_dispatch()
    by_address = {m.to[0]: m for m in mail.outbox}
    spanish, english = by_address[lawyer.email], by_address[coordinator.email]
    assert spanish.subject.startswith("Plazo vencido sin cumplir:") and "riesgo de orden de arresto" in spanish.subject
    assert "sin nada registrado. Abra el caso" in spanish.body
    assert english.subject.startswith("Deadline passed unmet:") and "(warrant risk)" in english.subject
    assert "Open the case" in english.body
    languages = dict(Message.objects.values_list("user_id", "language"))
    assert languages == {lawyer.pk: "es", coordinator.pk: "en"}


def test_a_moved_hearing_alert_and_the_digest_follow_the_lawyers_language(
    clock, person, hearing, coordinator, lawyer, team_emails
):
    lawyer.language = "es"
    lawyer.save(update_fields=["language"])
    clock(2026, 6, 2, 12, 0)
    citation = hearing(person(), local(2026, 6, 20, 9, 30))
    citation_services.citation_schedule_hearing(
        citation=citation, hearing_at=local(2026, 6, 18, 10, 0), courtroom="Courtroom 7", by=coordinator
    )
    messages_dispatch()
    (moved,) = mail.outbox
    assert moved.subject.startswith("Cambió la fecha de la audiencia")
    assert "de sáb 20 jun 2026 09:30 a jue 18 jun 2026 10:00" in moved.body
    DigestSubscription.objects.create(user=lawyer)
    clock(2026, 6, 15, 7, 0)
    digests_plan()
    messages_dispatch()
    digest = mail.outbox[-1]
    assert digest.subject == "Vence en los próximos 7 días (15 jun 2026)"
    assert (
        "- jue 18 jun 2026  " in digest.body and "Regla phl-nta-appear: " in digest.body and "Comparecer" in digest.body
    )
    assert "· Appear at the hearing" not in digest.body  # the rule's own text and source are data, as entered


def test_a_team_member_chooses_the_language_of_their_emails(client_for, lawyer):
    client = client_for(lawyer)
    page = client.get("/account/language/").content.decode()
    assert re.search(r'<input[^>]*value="en"[^>]*checked', page)  # the site's language until chosen
    assert client.post("/account/language/", {"language": "fr"}).status_code == 400
    response = client.post("/account/language/", {"language": "es"})
    assert response.status_code == 302
    lawyer.refresh_from_db()
    assert lawyer.language == "es"
    assert AuditEntry.objects.filter(action="account.language", actor=lawyer).exists()
    assert "/account/language/" in client.get("/account/security/").content.decode()
