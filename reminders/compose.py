"""What a message says, in the recipient's language, composed from the records at the moment it is
sent (and when the outbox shows it); never stored.

A reminder to a person gives the date, the time and the place of each matter due that day, and
never the charge, the citation or the case: a phone's lock screen is seen by others. Messages to
the team name the case number and the kind of deadline (`citations.selectors.deadline_title`),
never a person's name, in each recipient's language (a person's `language_of`; an account's
`cases.selectors.account_language`)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from cases.models import Demonstrator
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


def _item(deadline: Deadline) -> str:
    local = _local(deadline)
    if deadline.kind == DeadlineKind.APPEAR:
        place = (deadline.citation.courtroom if deadline.citation else "") or _("the courtroom on your notice")
        return _("court date at %(time)s, %(place)s") % {"time": time_format(local.time(), "g:i A"), "place": place}
    if deadline.kind == DeadlineKind.RESPOND:
        return _("your answer to the ticket is due by the end of the day")
    if deadline.kind == DeadlineKind.PAY_OR_DISPUTE:
        return _("last day to pay or dispute the notice")
    return _("last day to file an appeal")


def _footer() -> str:
    phone = settings.REMINDERS_TEAM_PHONE
    text = _("Questions: call your legal team at %(phone)s.") % {"phone": phone} if phone else ""
    stop = _("Reply STOP to stop these messages, HELP for help.")
    return f"{text} {stop}".strip()


def reminder_text(deadlines: list[Deadline], *, language: str, changed: bool = False) -> tuple[str, str]:
    """(subject, body) of one person's reminder for the matters due on one day (or, `changed`,
    the new day of a matter that moved)."""
    ordered = sorted(deadlines, key=lambda d: (d.due_at, d.pk))
    with translation.override(language):
        day = date_text(_local(ordered[0]).date(), "long_weekday_day")
        if changed:
            head = _("Your legal support team: a date of yours has changed. New date: %(date)s:") % {"date": day}
            subject = _("Your date has changed")
        else:
            head = _("Reminder from your legal support team for %(date)s:") % {"date": day}
            subject = _("Reminder: %(date)s") % {"date": day}
        items = "; ".join(_item(deadline) for deadline in ordered)
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


def missed_alert_text(deadline: Deadline, *, language: str) -> tuple[str, str]:
    """(subject, body) of the alert to a team member when a deadline passed unmet, in their
    language (`cases.selectors.account_language`)."""
    with translation.override(language):
        title = deadline_title(deadline)
        subject = _("Deadline passed unmet: %(title)s") % {"title": title}
        body = _("The deadline %(title)s passed on %(date)s with nothing recorded. Open the case: %(link)s") % {
            "title": title,
            "date": deadline.due_on.isoformat(),
            "link": case_link(deadline),
        }
        return str(subject), str(body)


def hearing_moved_text(citation: Citation, previous_at: datetime.datetime | None, *, language: str) -> tuple[str, str]:
    """(subject, body) of the alert to a lawyer whose client's hearing moved, in their language."""
    with translation.override(language):
        tz = ZoneInfo(citation.case.event.time_zone)
        was = previous_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if previous_at else _("not set")
        now = citation.hearing_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if citation.hearing_at else _("not set")
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
    """(subject, body) of a lawyer's morning digest, in their language."""
    with translation.override(language):
        subject = _("Due in the next 7 days (%(date)s)") % {"date": today.isoformat()}
        lines = [f"- {d.due_on.isoformat()}  {deadline_title(d)}" for d in deadlines]
        body = "\n".join(lines) if lines else _("Nothing is due in the next 7 days.")
        return str(subject), str(body)
