"""What a message says, in the recipient's language, composed from the records at the moment it is
sent (and when the outbox shows it); never stored.

A reminder to a person gives the date, the time and the place of each matter due that day, and
never the charge, the citation or the case: a phone's lock screen is seen by others. Messages to
the team name the case number and the kind of deadline (`citations.selectors.deadline_title`),
never a person's name, in each recipient's language (a person's `language_of`; an account's
`cases.selectors.account_language`).

What "due" means comes from `citations.deadlines.due_wording` (a payment must be received by the
day, mailed a week earlier; a filing is made before the clerk's office closes) and where a
deadline comes from from `deadline_provenance`: both in the team's e-mails, only the meaning of
"due" in a person's reminder (a rule number can reveal the kind of charge). Dates are written in
the recipient's language (`core.formatting.date_text`)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Demonstrator
from citations.deadlines import RECEIVED_BY, ClerkHours, ClerkHoursTable, deadline_provenance, due_wording
from citations.models import Citation, Deadline, DeadlineKind
from citations.selectors import deadline_title
from core.formatting import date_text

REMINDED_KINDS = (DeadlineKind.APPEAR, DeadlineKind.RESPOND, DeadlineKind.PAY_OR_DISPUTE, DeadlineKind.APPEAL)


def language_of(demonstrator: Demonstrator) -> str:
    """'es' for a person who prefers Spanish (however it was written down), else 'en'."""
    value = (demonstrator.preferred_language or "").strip().casefold()
    return "es" if value.startswith(("es", "span", "espa", "cast")) else "en"


def _local(deadline: Deadline) -> datetime.datetime:
    return deadline.due_at.astimezone(ZoneInfo(deadline.case.event.time_zone))


def _item(deadline: Deadline, clerk_hours: ClerkHoursTable | None) -> str:
    local = _local(deadline)
    if deadline.kind == DeadlineKind.APPEAR:
        place = (deadline.citation.courtroom if deadline.citation else "") or _("the courtroom on your notice")
        return _("court date at %(time)s, %(place)s") % {"time": date_text(local, "clock"), "place": place}
    wording = due_wording(deadline, clerk_hours=clerk_hours)
    if wording.code == RECEIVED_BY and wording.mail_by is not None:
        if wording.mail_by < timezone.now().astimezone(local.tzinfo).date():
            # The week for the post has gone by when this is sent: never advise a day already past.
            return _(
                "last day to pay or dispute the notice: it must be received by then, so it is too late to mail it;"
                " deliver it in person or call your legal team"
            )
        return _(
            "last day to pay or dispute the notice: it must be received by then, so if you mail it, mail it by %(date)s"
        ) % {"date": date_text(wording.mail_by, "short_weekday")}
    closes = _filing_close(wording.hours)
    if deadline.kind == DeadlineKind.RESPOND:
        return _("your answer to the ticket must reach the clerk's office %(closes)s") % {"closes": closes}
    return _("last day to file an appeal, at the clerk's office %(closes)s") % {"closes": closes}


def _filing_close(hours: ClerkHours | None) -> str:
    """ "before it closes at 4:00 PM that day" when the clerk's hours are entered and confirmed,
    else "before it closes that day" (never guess an hour)."""
    if hours is None or hours.uncertain:
        return str(_("before it closes that day (not at midnight)"))
    closes = datetime.datetime.combine(datetime.date.min, hours.closes)
    return str(_("before it closes at %(time)s that day") % {"time": date_text(closes, "clock")})


def _footer() -> str:
    phone = settings.REMINDERS_TEAM_PHONE
    text = _("Questions: call your legal team at %(phone)s.") % {"phone": phone} if phone else ""
    stop = _("Reply STOP to stop these messages, HELP for help.")
    return f"{text} {stop}".strip()


def reminder_text(
    deadlines: list[Deadline], *, language: str, changed: bool = False, clerk_hours: ClerkHoursTable | None = None
) -> tuple[str, str]:
    """(subject, body) of one person's reminder for the matters due on one day (or, `changed`,
    the new day of a matter that moved). `clerk_hours` (`clerk_hours_table()`, read once per
    batch) gives a filing the hour the clerk's office closes."""
    ordered = sorted(deadlines, key=lambda d: (d.due_at, d.pk))
    with translation.override(language):
        day = date_text(_local(ordered[0]).date(), "long_weekday_day")
        if changed:
            head = _("Your legal support team: a date of yours has changed. New date: %(date)s:") % {"date": day}
            subject = _("Your date has changed")
        else:
            head = _("Reminder from your legal support team for %(date)s:") % {"date": day}
            subject = _("Reminder: %(date)s") % {"date": day}
        items = "; ".join(_item(deadline, clerk_hours) for deadline in ordered)
        return str(subject), f"{head} {items}. {_footer()}"


def help_text(*, language: str) -> str:
    with translation.override(language):
        phone = settings.REMINDERS_TEAM_PHONE
        text = _("Legal support reminders.")
        if phone:
            text += " " + _("Call %(phone)s.") % {"phone": phone}
        stop = _("Reply STOP to stop these messages.")
        return f"{text} {stop}"


def stopped_text(*, language: str) -> str:
    with translation.override(language):
        return _("You will get no more reminders from your legal support team. Reply START to get them again.")


def case_link(deadline: Deadline) -> str:
    path = reverse("desk-case", args=[deadline.case.public_id])
    return f"{settings.REMINDERS_PUBLIC_BASE_URL.rstrip('/')}{path}"


def provenance_lines(deadline: Deadline) -> list[str]:
    """Where a team e-mail's deadline comes from (`deadline_provenance`, the one home), in the
    active language: the rule and its source, whether a lawyer has checked it, and an unconfirmed
    court closure. Reads `deadline.rule` (join it)."""
    p = deadline_provenance(deadline)
    lines = [
        _("Rule %(code)s: %(description)s") % {"code": p.rule_code, "description": p.description},
        _("Source: %(source)s") % {"source": p.source},
    ]
    if p.verified and p.verified_at is not None:
        lines.append(_("Checked by a lawyer on %(date)s.") % {"date": date_text(p.verified_at.date(), "long_day")})
    else:
        lines.append(_("Not checked by a lawyer yet: verify the rule against its source."))
    if p.uncertain_closure_on is not None:
        lines.append(
            _("The court may be closed on %(date)s (not confirmed): check.")
            % {"date": date_text(p.uncertain_closure_on, "weekday")}
        )
    return [str(line) for line in lines]


def missed_alert_text(deadline: Deadline, *, language: str) -> tuple[str, str]:
    """(subject, body) of the alert to a team member when a deadline passed unmet, in their
    language (`cases.selectors.account_language`), with where the deadline comes from."""
    with translation.override(language):
        title = deadline_title(deadline)
        subject = _("Deadline passed unmet: %(title)s") % {"title": title}
        body = _("The deadline %(title)s passed on %(date)s with nothing recorded. Open the case: %(link)s") % {
            "title": title,
            "date": date_text(deadline.due_on, "weekday"),
            "link": case_link(deadline),
        }
        return str(subject), "\n".join([str(body), "", *provenance_lines(deadline)])


def hearing_moved_text(citation: Citation, previous_at: datetime.datetime | None, *, language: str) -> tuple[str, str]:
    """(subject, body) of the alert to a lawyer whose client's hearing moved, in their language."""
    with translation.override(language):
        tz = ZoneInfo(citation.case.event.time_zone)
        was = date_text(previous_at.astimezone(tz), "weekday_time") if previous_at else _("not set")
        now = date_text(citation.hearing_at.astimezone(tz), "weekday_time") if citation.hearing_at else _("not set")
        path = reverse("desk-case", args=[citation.case.public_id])
        subject = _("Hearing date changed: %(case)s") % {"case": citation.case.number}
        body = _("The hearing of case %(case)s moved from %(was)s to %(now)s. Open the case: %(link)s") % {
            "case": citation.case.number,
            "was": was,
            "now": now,
            "link": f"{settings.REMINDERS_PUBLIC_BASE_URL.rstrip('/')}{path}",
        }
        return str(subject), str(body)


def digest_text(deadlines: list[Deadline], *, today: datetime.date, language: str) -> tuple[str, str]:
    """(subject, body) of a lawyer's morning digest, in their language: each deadline with where
    it comes from (`deadlines` with `rule` joined)."""
    with translation.override(language):
        subject = _("Due in the next 7 days (%(date)s)") % {"date": date_text(today, "day")}
        lines = []
        for d in deadlines:
            lines.append(f"- {date_text(d.due_on, 'weekday')}  {deadline_title(d)}")
            lines.extend(f"  {line}" for line in provenance_lines(d))
        body = "\n".join(lines) if lines else _("Nothing is due in the next 7 days.")
        return str(subject), str(body)
