"""What "due" means in a person's reminder (a filing before the clerk's office closes, a payment
received by the day and mailed a week earlier), and where each deadline comes from in the team's
e-mails (rule, source, whether a lawyer checked it, an unconfirmed closure), in both languages,
with dates in the recipient's date style and no query per message for the rule."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citations import services as citation_services
from citations.models import CitationKind, ClerkOfficeHours, Deadline, DeadlineKind
from reminders.compose import digest_text, missed_alert_text
from reminders.models import DigestSubscription, Message
from reminders.services import digests_plan, messages_send, reminders_plan, team_alerts_raise
from reminders.tasks import messages_dispatch
from tests.factories import CaseFactory
from tests.reminders.conftest import local

RULE_TABLE = 'FROM "citations_deadlinerule"'


def _citation(kind, someone, phl_event, coordinator, lawyer, number):  # type: ignore[no-untyped-def]
    case = CaseFactory(event=phl_event, demonstrator=someone, lawyers=[lawyer])
    return citation_services.citation_create(
        case=case, by=coordinator, number=number, kind=kind, offense_code="18 Pa.C.S. § 5502",
        offense_description="Failure to disperse", issued_at=local(2026, 6, 1, 22, 30), fine="50.00",
    )  # fmt: skip


def _reminder_before(clock, fake_sms, due_on: datetime.date, *, days: int = 1) -> str:  # type: ignore[no-untyped-def]
    sent_on = due_on - datetime.timedelta(days=days)
    clock(sent_on.year, sent_on.month, sent_on.day, 9, 0)
    reminders_plan()
    messages_dispatch()
    (sent,) = fake_sms.received
    return str(sent.body)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("English", "your answer to the ticket must reach the clerk's office before it closes that day (not at midnight)"),
        ("Español", "su respuesta a la multa debe llegar a la secretaría del tribunal antes de que cierre ese día (no a medianoche)"),
    ],
)  # fmt: skip
def test_an_answer_is_due_before_the_clerks_office_closes_not_at_the_end_of_the_day(
    clock, fake_sms, person, phl_event, coordinator, lawyer, language, expected
):
    """The seeded Philadelphia hours are not confirmed: no hour is given, only "before it closes"."""
    clock(2026, 6, 2, 12, 0)
    someone = person(language=language)
    citation = _citation(CitationKind.TRAFFIC, someone, phl_event, coordinator, lawyer, "T-1")
    respond = Deadline.objects.get(citation=citation, kind=DeadlineKind.RESPOND)
    body = _reminder_before(clock, fake_sms, respond.due_on)
    assert expected in body
    assert "end of the day" not in body and "final del día" not in body
    for secret in (respond.rule.code, "Pa.R", "403", "5502", "disperse", citation.number, citation.case.number):
        assert secret not in body


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("English", "must reach the clerk's office before it closes at 4:00 PM that day"),
        ("Español", "antes de que cierre a las 16:00 ese día"),
    ],
)  # fmt: skip
def test_confirmed_clerks_hours_give_the_closing_hour(
    clock, fake_sms, person, phl_event, coordinator, lawyer, administrator, language, expected
):
    hours = ClerkOfficeHours.objects.get(court="phl-fjd")
    hours.uncertain, hours.closes = False, datetime.time(16, 0)
    hours.source = "https://www.courts.phila.gov/municipal/criminal/ (checked)"
    citation_services.clerk_hours_save(hours=hours, by=administrator)
    clock(2026, 6, 2, 12, 0)
    citation = _citation(CitationKind.TRAFFIC, person(language=language), phl_event, coordinator, lawyer, "T-2")
    respond = Deadline.objects.get(citation=citation, kind=DeadlineKind.RESPOND)
    body = _reminder_before(clock, fake_sms, respond.due_on)
    assert expected in body
    assert "courts.phila.gov" not in body  # the source is for the team, not the phone's lock screen


@pytest.mark.parametrize(
    ("language", "days_before", "expected"),
    [
        ("English", 7, "it must be received by then, so if you mail it, mail it by Thu 4 Jun"),
        ("Español", 7, "debe recibirse ese día, así que si lo envía por correo, envíelo a más tardar el jue 4 jun"),
        ("English", 1, "it must be received by then, so it is too late to mail it; deliver it in person or call your legal team"),
        ("Español", 1, "debe recibirse ese día, así que ya es tarde para enviarlo por correo; entréguelo en persona o llame a su equipo legal"),
    ],
)  # fmt: skip
def test_a_payment_must_be_received_by_the_day_and_mailed_a_week_earlier(
    clock, fake_sms, person, phl_event, coordinator, lawyer, language, days_before, expected
):
    """The mail-by day is a week before the last day; a reminder sent after it has gone by never
    advises mailing by a day already past."""
    clock(2026, 6, 2, 12, 0)
    citation = _citation(CitationKind.PHL_CVN, person(language=language), phl_event, coordinator, lawyer, "C-1")
    pay = Deadline.objects.get(citation=citation, kind=DeadlineKind.PAY_OR_DISPUTE)
    assert pay.due_on == datetime.date(2026, 6, 11)
    body = _reminder_before(clock, fake_sms, pay.due_on, days=days_before)
    assert expected in body
    assert pay.rule.code not in body and "Philadelphia" not in body


def _missed(clock, person, phl_event, coordinator, lawyer, count: int) -> list[Deadline]:  # type: ignore[no-untyped-def]
    clock(2026, 6, 2, 12, 0)
    return [
        Deadline.objects.get(
            citation=_citation(CitationKind.TRAFFIC, person(), phl_event, coordinator, lawyer, f"M-{count}-{i}"),
            kind=DeadlineKind.RESPOND,
        )
        for i in range(count)
    ]


def test_a_missed_deadline_alert_says_where_the_deadline_comes_from_in_each_language(
    clock, person, phl_event, coordinator, lawyer, team_emails
):
    lawyer.language = "es"
    lawyer.save(update_fields=["language"])
    (deadline,) = _missed(clock, person, phl_event, coordinator, lawyer, 1)
    rule = deadline.rule
    clock(2026, 6, 12, 12, 0)
    team_alerts_raise()
    messages_dispatch()
    by_address = {m.to[0]: m for m in mail.outbox}
    english, spanish = by_address[coordinator.email].body, by_address[lawyer.email].body
    assert "passed on Thu 11 Jun 2026 with nothing recorded" in english
    assert f"Rule {rule.code}: {rule.description}" in english
    assert f"Source: {rule.source}" in english
    assert "Not checked by a lawyer yet: verify the rule against its source." in english
    assert "venció el jue 11 jun 2026 sin nada registrado" in spanish
    assert f"Regla {rule.code}: {rule.description}" in spanish
    assert f"Fuente: {rule.source}" in spanish
    assert "Aún no comprobada por una persona abogada" in spanish
    assert "2026-06-11" not in english + spanish


def test_a_checked_rule_and_an_unconfirmed_closure_are_said(clock, person, phl_event, coordinator, lawyer):
    (deadline,) = _missed(clock, person, phl_event, coordinator, lawyer, 1)
    clock(2026, 6, 5, 10, 0)
    citation_services.rule_review_record(rule=deadline.rule, source_version="2026 edition", note="ok", by=lawyer)
    deadline = Deadline.objects.select_related("case__event", "rule").get(pk=deadline.pk)
    deadline.uncertain_closure_on = datetime.date(2026, 6, 19)
    _subject, english = missed_alert_text(deadline, language="en")
    _subject, spanish = missed_alert_text(deadline, language="es")
    assert "Checked by a lawyer on June 5, 2026." in english and "Not checked" not in english
    assert "The court may be closed on Fri 19 Jun 2026 (not confirmed): check." in english
    assert "Comprobada por una persona abogada el 5 de junio de 2026." in spanish
    assert "Puede que el tribunal esté cerrado el vie 19 jun 2026 (sin confirmar): compruébelo." in spanish


def test_sending_alerts_reads_no_rule_of_its_own_and_costs_the_same_per_message(
    clock, person, phl_event, coordinator, lawyer, team_emails
):
    def queries_for(count: int) -> int:
        Message.objects.all().delete()
        _missed(clock, person, phl_event, coordinator, lawyer, count)
        clock(2026, 6, 12, 12, 0)
        team_alerts_raise()
        ids = list(Message.objects.filter(status="pending").values_list("pk", flat=True))
        assert len(ids) == 2 * count  # the lawyer, the coordinator
        with CaptureQueriesContext(connection) as captured:
            messages_send(message_ids=ids)
        assert not [q for q in captured.captured_queries if RULE_TABLE in q["sql"]]
        assert all("Source: " in m.body or "Fuente: " in m.body for m in mail.outbox)
        mail.outbox.clear()
        return len(captured.captured_queries)

    few, many = queries_for(2), queries_for(5)
    assert (many - few) % (2 * (5 - 2)) == 0 and many - few <= 6 * 2 * (5 - 2)


def test_the_digest_gives_each_deadline_its_rule_and_check_in_the_date_style(
    clock, person, phl_event, coordinator, lawyer, team_emails
):
    deadlines = _missed(clock, person, phl_event, coordinator, lawyer, 2)
    DigestSubscription.objects.create(user=lawyer)
    clock(2026, 6, 8, 7, 0)
    digests_plan()
    with CaptureQueriesContext(connection) as captured:
        messages_dispatch()
    assert not [q for q in captured.captured_queries if RULE_TABLE in q["sql"]]
    (digest,) = mail.outbox
    assert digest.subject == "Due in the next 7 days (8 Jun 2026)"
    rule = deadlines[0].rule
    assert digest.body.count("- Thu 11 Jun 2026  ") == 2
    assert digest.body.count(f"  Rule {rule.code}: {rule.description}") == 2
    assert digest.body.count("  Not checked by a lawyer yet") == 2
    _subject, spanish = digest_text(
        list(Deadline.objects.filter(pk__in=[d.pk for d in deadlines]).select_related("case", "rule")),
        today=datetime.date(2026, 6, 8),
        language="es",
    )
    assert spanish.count("- jue 11 jun 2026  ") == 2 and spanish.count(f"  Regla {rule.code}") == 2
