"""Writes to citations: the lifecycle, money and deadlines. Views, the API, commands and tasks
call these; nothing else changes a citation's state (the admin shows lifecycle fields read-only).

Every service is keyword-only, runs in one transaction, locks the citation (`select_for_update`),
checks the move against citations.lifecycle, raises django's ValidationError with a clear
message when it is refused, records who and when (`status_changed_at`/`status_changed_by`),
writes an audit entry (no personal values) and recomputes the citation's deadlines. Each returns
the updated citation and also refreshes the instance it was given.

Public API (kept stable for the API, pages and packets):
- citation_create(case, by, number, kind, offense_code, issued_at, **fields) -> Citation
- citation_update(citation, by, **fields) -> Citation                (non-lifecycle fields)
- citation_record_response(citation, response, at, by) -> Citation   (plea / pay / dispute)
- citation_schedule_hearing(citation, hearing_at, courtroom, by) -> Citation
- citation_record_docketed(citation, docket_number, by) -> Citation
- citation_record_disposition(citation, disposition, decided_on, by) -> Citation
- citation_open_appeal_window(citation, by) -> Citation
- citation_record_appeal(citation, filed_on, by) -> Citation
- citation_close(citation, by, closed_on=None, appeal_waived=False) -> Citation
- payment_record(citation, amount, payer, paid_on, by, kind="payment", reference="") -> Payment
- citation_balance(citation) -> Balance                               (read; from citations.selectors)
- citation_mass_disposition(citations, disposition, decided_on, by, preview=False) -> MassDispositionResult
- citation_hearing_outcomes(outcomes, decided_on, by, preview=False) -> HearingOutcomesResult

The bulk services (mass disposition, a courtroom list's outcomes) run each case in its own
transaction and report what they skipped and why; with preview=True they write nothing.
- complaint_deadlines_recompute(complaint) -> None
- deadline_rule_save(rule, by) -> DeadlineRule                         (validates, recomputes)
- court_closure_save(court, day, name, source, uncertain, by) -> CourtClosure  (recomputes)
- court_closure_delete(closure, by) -> None                             (recomputes)
- clerk_hours_save(hours, by) -> ClerkOfficeHours                      (validates; wording only, no recompute)
- rule_review_record(rule, source_version, note, by) -> RuleReview     (the only way a rule is verified)
- complaint_force_date_set(complaint, force_used_on, by) -> ComplaintForceDate  (recomputes)
- citation_deadlines_recompute(by, kind="") -> (created, updated)        (every citation, or one kind)
"""

from __future__ import annotations

import datetime
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict, Unpack
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.audit import audit_record
from cases.models import Case, ExcessiveForceComplaint, Jurisdiction, Officer, Payer
from cases.permissions import may
from cases.types import User
from citations import lifecycle as lc
from citations.deadlines import (
    court_calendar,
    court_closed_day,
    sync_citation_deadlines,
    sync_citations_in_batches,
    sync_complaint_deadlines,
    sync_court_day_deadlines,
    sync_rule_deadlines,
)
from citations.models import (
    RULE_SUBSTANCE,
    Citation,
    CitationKind,
    CitationStatus,
    ClerkOfficeHours,
    ComplaintForceDate,
    Court,
    CourtClosure,
    Deadline,
    DeadlineKind,
    DeadlineRule,
    DeadlineStatus,
    Disposition,
    Payment,
    PaymentKind,
    Response,
    RuleReview,
)
from citations.selectors import Balance, RefundOwed, citation_balance, payer_totals, refunds_owed
from core.formatting import money

__all__ = [
    "Balance",
    "HearingOutcomesResult",
    "MassDispositionResult",
    "RefundOwed",
    "citation_balance",
    "citation_close",
    "citation_create",
    "citation_hearing_outcomes",
    "citation_mass_disposition",
    "citation_open_appeal_window",
    "citation_record_appeal",
    "citation_record_disposition",
    "citation_record_docketed",
    "citation_record_response",
    "citation_schedule_hearing",
    "citation_update",
    "complaint_deadlines_recompute",
    "complaint_force_date_set",
    "court_closure_delete",
    "court_closure_save",
    "deadline_rule_save",
    "payment_record",
    "rule_review_record",
]

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Fields that only the lifecycle services change.
LIFECYCLE_FIELDS = frozenset(
    {
        "status", "response", "responded_at", "hearing_at", "courtroom", "docket_number", "docketed",
        "disposition", "decided_on", "appealed_on", "closed_on", "status_changed_at", "status_changed_by",
    }
)  # fmt: skip


class _OwnFields(TypedDict, total=False):
    agency: str
    jurisdiction: str
    offense_subsection: str
    offense_description: str
    fine: Decimal
    costs: Decimal
    place: str
    issuing_officer: Officer | None
    officer_name_as_written: str
    officer_badge_as_written: str


class CitationChanges(_OwnFields, total=False):
    """What citation_update corrects: the citation's own fields, never its lifecycle's."""

    number: str
    kind: str
    offense_code: str
    issued_at: datetime.datetime


class CitationExtras(_OwnFields, total=False):
    """What citation_create takes beside its named arguments: the other own fields, and the
    hearing (a notice to appear) and docket number when the citation already has them."""

    hearing_at: datetime.datetime | None
    courtroom: str
    docket_number: str


EDITABLE_FIELDS = CitationChanges.__required_keys__ | CitationChanges.__optional_keys__


# --- helpers -----------------------------------------------------------------------------


def _lock(citation: Citation) -> Citation:
    return Citation.objects.select_for_update(of=("self",)).select_related("case__event").get(pk=citation.pk)


def _copy_back(target: Citation, source: Citation) -> Citation:
    """Refresh the caller's instance so it does not hold a stale state."""
    if target is not source:
        for f in Citation._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))
    return source


def _event_tz(citation: Citation) -> datetime.tzinfo:
    return ZoneInfo(citation.case.event.time_zone)


def _today(citation: Citation) -> datetime.date:
    return timezone.now().astimezone(_event_tz(citation)).date()


def _issued_on(citation: Citation) -> datetime.date:
    return citation.issued_at.astimezone(_event_tz(citation)).date()


def _require_aware(value: Any, name: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ValidationError({name: _("Give a date and time.")})
    if timezone.is_naive(value):
        raise ValidationError({name: _("Give a date and time with its time zone.")})
    return value


def _require_date(value: Any, name: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError({name: _("Give a date (without a time).")})
    return value


def _check_court_open(citation: Citation, hearing_at: datetime.datetime, confirmed: bool) -> None:
    """A hearing on a weekend or on a day the court is (or may be) closed is recorded only once
    someone confirms it: the date was probably mistyped, or the court moved it (night and
    weekend courts exist, so it is asked, not refused). `court_closed_day` says why."""
    if confirmed:
        return
    day = hearing_at.astimezone(_event_tz(citation)).date()
    closed = court_closed_day(
        day, citation.jurisdiction, place=citation.case.event.jurisdiction, calendar=court_calendar()
    )
    if closed is None:
        return
    closure = closed.closure
    if closure is not None:
        why = (
            _("%(name)s: the court may be closed that day (not confirmed)")
            if closure.uncertain
            else _("%(name)s: the court is closed that day")
        ) % {"name": closure.name}
    else:
        why = _("a %(weekday)s: courts do not usually sit on a weekend") % {"weekday": date_format(day, "l")}
    raise ValidationError(
        {
            "hearing_at": ValidationError(
                _("The hearing falls on %(day)s, %(why)s. Check the date, or confirm that the court set it."),
                code="closed_day",
                params={"day": f"{day:%a %Y-%m-%d}", "why": why},
            )
        }
    )


def _check_move(citation: Citation, action: str) -> str:
    kind = lc.citation_track_kind(citation)
    to = lc.next_state(kind, action, citation.status)
    if to is None:
        raise ValidationError(lc.refusal(kind, action, citation.status))
    return to


def _finish(
    *, citation: Citation, original: Citation, by: User, action: str, before: str, fields: list[str], **details: Any
) -> Citation:
    citation.status_changed_at = timezone.now()
    citation.status_changed_by = by if getattr(by, "pk", None) else None
    citation.full_clean()
    citation.save(update_fields=[*fields, "status", "status_changed_at", "status_changed_by", "updated_at"])
    sync_citation_deadlines([citation])
    audit_record(actor=by, action=f"citation.{action}", target=citation, fields=fields, **_moved(before, citation))
    return _copy_back(original, citation)


def _moved(before: str, citation: Citation) -> dict[str, Any]:
    """The audit details of a status change ("from" is a keyword, so not an argument name)."""
    return {"from": before, "to": citation.status}


# --- create and edit ---------------------------------------------------------------------


@transaction.atomic
def citation_create(
    *,
    case: Case,
    by: User,
    number: str,
    kind: str,
    offense_code: str,
    issued_at: datetime.datetime,
    confirm_closed_day: bool = False,
    **fields: Unpack[CitationExtras],
) -> Citation:
    """A new citation on a case. `hearing_at`/`courtroom` (a notice to appear) and `docket_number`
    may be given at once; every other lifecycle field starts at its beginning. A hearing on a day
    the court is closed needs `confirm_closed_day=True`."""
    forbidden = (set(fields) & LIFECYCLE_FIELDS) - {"hearing_at", "courtroom", "docket_number"}
    unknown = set(fields) - EDITABLE_FIELDS - LIFECYCLE_FIELDS
    if forbidden or unknown:
        raise ValidationError(
            _("These fields cannot be set when creating a citation: %(fields)s.")
            % {"fields": sorted(forbidden | unknown)}
        )
    _require_aware(issued_at, "issued_at")
    hearing_at = fields.pop("hearing_at", None)
    courtroom = fields.pop("courtroom", "") or ""
    docket_number = (fields.pop("docket_number", "") or "").strip()
    if "jurisdiction" not in fields:
        fields["jurisdiction"] = (
            Jurisdiction.PENNSYLVANIA if kind == CitationKind.PA_SUMMARY else case.event.jurisdiction
        )
    citation = Citation(case=case, number=number, kind=kind, offense_code=offense_code, issued_at=issued_at, **fields)
    if hearing_at is not None:
        _require_aware(hearing_at, "hearing_at")
        track_kind = lc.citation_track_kind(citation)  # a notice to appear under Rule 1002 in Philadelphia
        to = lc.next_state(track_kind, lc.SCHEDULE_HEARING, CitationStatus.ISSUED)
        if to is None:
            raise ValidationError(lc.refusal(track_kind, lc.SCHEDULE_HEARING, CitationStatus.ISSUED))
        if hearing_at <= issued_at:
            raise ValidationError({"hearing_at": _("The hearing must come after the citation was issued.")})
        _check_court_open(citation, hearing_at, confirm_closed_day)
        citation.hearing_at, citation.courtroom, citation.status = hearing_at, courtroom.strip(), to
    if docket_number:
        citation.docket_number, citation.docketed = docket_number, True
    citation.status_changed_at = timezone.now()
    citation.status_changed_by = by if getattr(by, "pk", None) else None
    citation.full_clean()
    citation.save()
    sync_citation_deadlines([citation])
    audit_record(actor=by, action="citation.create", target=citation, status=citation.status)
    return citation


@transaction.atomic
def citation_update(*, citation: Citation, by: User, **fields: Unpack[CitationChanges]) -> Citation:
    """Correct a citation's non-lifecycle fields (number, offense, money, when issued...)."""
    bad = set(fields) - EDITABLE_FIELDS
    if bad:
        raise ValidationError(
            _("These fields change only through the lifecycle services: %(fields)s.") % {"fields": sorted(bad)}
        )
    locked = _lock(citation)
    if "kind" in fields and fields["kind"] != locked.kind and locked.status != CitationStatus.ISSUED:
        raise ValidationError({"kind": _("The kind can change only before anything was recorded on the citation.")})
    if "issued_at" in fields:
        _require_aware(fields["issued_at"], "issued_at")
    changes = {name: value for name, value in fields.items() if getattr(locked, name) != value}
    if not changes:
        return _copy_back(citation, locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    changed = list(changes)
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    sync_citation_deadlines([locked])
    audit_record(actor=by, action="citation.update", target=locked, fields=changed)
    return _copy_back(citation, locked)


# --- the lifecycle -----------------------------------------------------------------------


@transaction.atomic
def citation_record_response(*, citation: Citation, response: str, at: datetime.datetime, by: User) -> Citation:
    """A plea of not guilty (with collateral) or guilty (and paid); for a civil notice, paid or
    disputed."""
    locked = _lock(citation)
    to = _check_move(locked, lc.RESPOND)
    track = lc.track_for(lc.citation_track_kind(locked))
    if response not in track.responses:
        labels = dict(Response.choices)
        allowed = ", ".join(str(labels[r]) for r in sorted(track.responses))
        raise ValidationError(
            {
                "response": _("A %(track)s is answered by one of: %(allowed)s.")
                % {"track": track.label, "allowed": allowed}
            }
        )
    _require_aware(at, "at")
    if at < locked.issued_at:
        raise ValidationError({"at": _("The response cannot come before the citation was issued.")})
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("The response cannot be in the future.")})
    before = locked.status
    locked.response, locked.responded_at, locked.status = response, at, to
    return _finish(
        citation=locked, original=citation, by=by, action="respond", before=before, fields=["response", "responded_at"]
    )


@transaction.atomic
def citation_schedule_hearing(
    *, citation: Citation, hearing_at: datetime.datetime, courtroom: str, by: User, confirm_closed_day: bool = False
) -> Citation:
    """Set (or move) the hearing: a notice to appear's date, a summary trial, an administrative
    review, or a trial de novo after an appeal. A day the court is (or may be) closed needs
    `confirm_closed_day=True`."""
    locked = _lock(citation)
    to = _check_move(locked, lc.SCHEDULE_HEARING)
    track = lc.track_for(lc.citation_track_kind(locked))
    needs = track.hearing_after
    if locked.status == CitationStatus.ANSWERED and needs is not None and locked.response not in needs:
        labels = dict(Response.choices)
        after = " or ".join(str(labels[r]).lower() for r in sorted(needs))
        raise ValidationError(
            _("A %(track)s goes to a hearing only after: %(after)s.") % {"track": track.label, "after": after}
        )
    _require_aware(hearing_at, "hearing_at")
    if hearing_at <= locked.issued_at:
        raise ValidationError({"hearing_at": _("The hearing must come after the citation was issued.")})
    _check_court_open(locked, hearing_at, confirm_closed_day)
    courtroom = (courtroom or "").strip()
    before = locked.status
    locked.hearing_at, locked.courtroom, locked.status = hearing_at, courtroom, to
    return _finish(
        citation=locked,
        original=citation,
        by=by,
        action="schedule_hearing",
        before=before,
        fields=["hearing_at", "courtroom"],
    )


@transaction.atomic
def citation_record_docketed(*, citation: Citation, docket_number: str, by: User) -> Citation:
    """The citation has reached the court's system (paper ones take about two weeks)."""
    locked = _lock(citation)
    _check_move(locked, lc.DOCKET)
    docket_number = (docket_number or "").strip()
    if not docket_number:
        raise ValidationError({"docket_number": _("Give the docket number.")})
    if locked.docketed and locked.docket_number == docket_number:
        return _copy_back(citation, locked)  # a retry: nothing changes
    before = locked.status
    locked.docket_number, locked.docketed = docket_number, True
    return _finish(
        citation=locked,
        original=citation,
        by=by,
        action="docket",
        before=before,
        fields=["docket_number", "docketed"],
    )


def _decision_refusal(citation: Citation, disposition: str, decided_on: Any, today: datetime.date) -> str | None:
    """Why this decision cannot be recorded on this citation now, or None when it can."""
    kind = lc.citation_track_kind(citation)
    track = lc.track_for(kind)
    labels = dict(Disposition.choices)
    if disposition not in track.dispositions:
        allowed = ", ".join(str(labels[d]).lower() for d in sorted(track.dispositions))
        return _("A %(track)s can be decided only as: %(allowed)s.") % {"track": track.label, "allowed": allowed}
    voids_payment = (
        citation.status in (CitationStatus.DECIDED, CitationStatus.CLOSED)
        and citation.disposition == Disposition.PAID
        and disposition in lc.VOIDING
    )
    if not voids_payment:
        if lc.next_state(kind, lc.DECIDE, citation.status) is None:
            return lc.refusal(kind, lc.DECIDE, citation.status)
        if citation.status == CitationStatus.ISSUED and disposition not in lc.DROPPED:
            return _(
                "Before any plea or hearing a citation can only be dismissed, withdrawn or waived; "
                "record the plea or the hearing before '%(decision)s'."
            ) % {"decision": labels[disposition]}
    if disposition == Disposition.PAID and citation.response != Response.PAID:
        return _("Record that the notice was paid (the response) before deciding it as paid.")
    if decided_on < _issued_on(citation):
        return _("The decision cannot come before the citation was issued.")
    if citation.hearing_at is not None and disposition not in lc.DROPPED:
        hearing_on = citation.hearing_at.astimezone(_event_tz(citation)).date()
        if decided_on < hearing_on and not (citation.response == Response.GUILTY and disposition == Disposition.GUILTY):
            return _(
                "A decision of '%(decision)s' dated %(day)s comes before the hearing of %(hearing)s: record it on "
                "or after the hearing, or move the hearing first."
            ) % {"decision": labels[disposition], "day": f"{decided_on:%Y-%m-%d}", "hearing": f"{hearing_on:%Y-%m-%d}"}
    if decided_on > today:
        return _("The decision date cannot be in the future.")
    return None


@transaction.atomic
def citation_record_disposition(
    *, citation: Citation, disposition: str, decided_on: datetime.date, by: User
) -> Citation:
    """The decision: dismissed, withdrawn, waived, not guilty, guilty (or, for a notice, paid).
    A paid notice can later be waived, dismissed or withdrawn: the payment is then owed back."""
    locked = _lock(citation)
    _require_date(decided_on, "decided_on")
    problem = _decision_refusal(locked, disposition, decided_on, _today(locked))
    if problem:
        raise ValidationError(problem)
    before = locked.status
    locked.disposition, locked.decided_on, locked.status = disposition, decided_on, CitationStatus.DECIDED
    locked.closed_on = None
    return _finish(
        citation=locked,
        original=citation,
        by=by,
        action="decide",
        before=before,
        fields=["disposition", "decided_on", "closed_on"],
    )


def _require_conviction(citation: Citation, action: str) -> None:
    track = lc.track_for(citation.kind)
    if not track.appealable:
        raise ValidationError(_("Appeals are not tracked for a %(track)s.") % {"track": track.label})
    if citation.disposition != Disposition.GUILTY:
        raise ValidationError(
            _("Cannot %(action)s: only a conviction (guilty) is appealed.") % {"action": lc.ACTION_LABELS[action]}
        )


@transaction.atomic
def citation_open_appeal_window(*, citation: Citation, by: User) -> Citation:
    """Mark the 30-day appeal window as running after a conviction."""
    locked = _lock(citation)
    _require_conviction(locked, lc.OPEN_APPEAL_WINDOW)
    to = _check_move(locked, lc.OPEN_APPEAL_WINDOW)
    before = locked.status
    locked.status = to
    return _finish(citation=locked, original=citation, by=by, action="open_appeal_window", before=before, fields=[])


@transaction.atomic
def citation_record_appeal(*, citation: Citation, filed_on: datetime.date, by: User) -> Citation:
    """An appeal (for a trial de novo) was filed."""
    locked = _lock(citation)
    _require_conviction(locked, lc.APPEAL)
    to = _check_move(locked, lc.APPEAL)
    _require_date(filed_on, "filed_on")
    if locked.decided_on and filed_on < locked.decided_on:
        raise ValidationError({"filed_on": _("The appeal cannot be filed before the decision.")})
    if filed_on > _today(locked):
        raise ValidationError({"filed_on": _("The filing date cannot be in the future.")})
    before = locked.status
    locked.appealed_on, locked.status = filed_on, to
    return _finish(citation=locked, original=citation, by=by, action="appeal", before=before, fields=["appealed_on"])


@transaction.atomic
def citation_close(
    *, citation: Citation, by: User, closed_on: datetime.date | None = None, appeal_waived: bool = False
) -> Citation:
    """Nothing more will happen on this citation. While a conviction's appeal deadline is still
    open, closing needs `appeal_waived=True` (the client decided not to appeal)."""
    locked = _lock(citation)
    to = _check_move(locked, lc.CLOSE)
    today = _today(locked)
    closed_on = closed_on or today
    _require_date(closed_on, "closed_on")
    if closed_on > today:
        raise ValidationError({"closed_on": _("The closing date cannot be in the future.")})
    if locked.decided_on and closed_on < locked.decided_on:
        raise ValidationError({"closed_on": _("The citation cannot close before it was decided.")})
    if locked.status in (CitationStatus.DECIDED, CitationStatus.APPEAL_WINDOW) and not appeal_waived:
        window = Deadline.objects.filter(
            citation=locked, kind=DeadlineKind.APPEAL, status=DeadlineStatus.OPEN, due_on__gte=today
        ).first()
        if window is not None:
            raise ValidationError(
                _(
                    "The appeal window is open until %(day)s: record the appeal, wait, "
                    "or close with appeal_waived=True once the client has decided not to appeal."
                )
                % {"day": f"{window.due_on:%Y-%m-%d}"}
            )
    before = locked.status
    locked.closed_on, locked.status = closed_on, to
    return _finish(citation=locked, original=citation, by=by, action="close", before=before, fields=["closed_on"])


# --- money -------------------------------------------------------------------------------


def _money(value: Any, name: str = "amount") -> Decimal:
    if isinstance(value, (float, bool)):
        raise ValidationError({name: _("Give the amount as a decimal string or Decimal, not a float.")})
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValidationError({name: _("Not an amount of money.")}) from None
    if not amount.is_finite():
        raise ValidationError({name: _("Not an amount of money.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({name: _("Amounts are exact to the cent (at most two decimal places).")})
    if amount <= 0:
        raise ValidationError({name: _("The amount must be more than zero.")})
    if amount >= Decimal("100000000"):
        raise ValidationError({name: _("The amount is too large.")})
    return amount.quantize(CENT)


@transaction.atomic
def payment_record(
    *,
    citation: Citation,
    amount: Decimal | str | int,
    payer: str,
    paid_on: datetime.date,
    by: User,
    kind: str = PaymentKind.PAYMENT,
    reference: str = "",
) -> Payment:
    """Money paid on a citation (fine, costs or collateral) or refunded, exact to the cent. A
    payment that would pay more than is owed is refused; a refund cannot exceed what that payer
    has paid, net of earlier refunds."""
    locked = _lock(citation)
    amount = _money(amount)
    if payer not in Payer.values:
        raise ValidationError({"payer": _("The payer is one of: %(payers)s.") % {"payers": ", ".join(Payer.values)}})
    if kind not in PaymentKind.values:
        raise ValidationError({"kind": _("A payment or a refund.")})
    _require_date(paid_on, "paid_on")
    if paid_on < _issued_on(locked):
        raise ValidationError({"paid_on": _("Money cannot move on a citation before it was issued.")})
    if paid_on > _today(locked):
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    balance = citation_balance(citation=locked)
    if kind == PaymentKind.PAYMENT and balance.net + amount > balance.owed:
        raise ValidationError(
            {
                "amount": _(
                    "This payment of %(amount)s would overpay: %(owed)s is owed and "
                    "%(net)s is already paid (net), so at most %(most)s more can be paid."
                )
                % {
                    "amount": money(amount),
                    "owed": money(balance.owed),
                    "net": money(balance.net),
                    "most": money(max(balance.owed - balance.net, Decimal("0.00"))),
                }
            }
        )
    if kind == PaymentKind.REFUND:
        paid_by_payer = balance.by_payer.get(payer, Decimal("0.00"))
        if amount > paid_by_payer:
            raise ValidationError(
                {
                    "amount": _("A refund of %(amount)s exceeds the %(paid)s this payer has paid (net of refunds).")
                    % {"amount": money(amount), "paid": money(paid_by_payer)}
                }
            )
    payment = Payment(
        citation=locked,
        kind=kind,
        amount=amount,
        payer=payer,
        paid_on=paid_on,
        reference=(reference or "").strip(),
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    payment.full_clean()
    payment.save()
    audit_record(actor=by, action=f"payment.{kind}", target=locked, fields=["amount", "payer"], kind=kind)
    return payment


# --- mass disposition --------------------------------------------------------------------


@dataclass
class MassDispositionResult:
    """What a mass disposition did, or (preview) would do: the citations decided, those left
    alone with the reason, and the refunds owed on the decided ones (per payer)."""

    disposition: str
    decided: list[Citation] = field(default_factory=list)
    skipped: list[tuple[Citation, str]] = field(default_factory=list)
    refunds: list[RefundOwed] = field(default_factory=list)
    batch: str = ""
    preview: bool = False

    @property
    def refund_total(self) -> Decimal:
        return sum((r.amount for r in self.refunds), Decimal("0.00"))

    def refund_totals_by_payer(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for refund in self.refunds:
            totals[refund.payer] += refund.amount
        return dict(totals)


# Why a case of a bulk action was left alone when something unexpected stopped it: its own
# transaction rolled back, the others carried on (the error itself is in the log, not the report).
CASE_FAILED = gettext_lazy("An error stopped this case; nothing of it was saved. Try it again on its own.")


def _ids(citations: QuerySet[Citation] | Iterable[Citation]) -> list[int]:
    if isinstance(citations, QuerySet):
        return list(citations.order_by().values_list("pk", flat=True))
    return [c.pk for c in citations]


def _by_case(rows: list[Citation]) -> list[list[Citation]]:
    groups: dict[int, list[Citation]] = {}
    for row in rows:
        groups.setdefault(row.case_id, []).append(row)
    return list(groups.values())


def citation_mass_disposition(
    *,
    citations: QuerySet[Citation] | Iterable[Citation],
    disposition: str,
    decided_on: datetime.date,
    by: User,
    preview: bool = False,
    progress: Callable[[int, MassDispositionResult], None] | None = None,
    batch: str = "",
) -> MassDispositionResult:
    """One decision for many citations at once (e.g. the city waives every protest notice issued
    between two dates). Each case commits in its own transaction: a case that fails is rolled
    back alone and listed in `skipped`, the others are kept. Citations the decision cannot apply
    to (already decided otherwise, closed...) are left alone and listed in `skipped` with the
    reason. For those already paid, the refunds owed are computed per payer (nothing is paid out
    here: record each refund with payment_record when the money moves). With `preview`, the same
    report is computed and nothing is written. `progress`, if given, is called for each case
    inside that case's transaction (so what it records commits or rolls back with the case; for
    a case that failed, in a transaction of its own) with the number of citations handled so far
    and that case's part of the result (a background run records it: citations/runs.py).
    `batch`: the audit trail's batch id to use (a run taken up again keeps its own)."""
    _require_date(decided_on, "decided_on")
    if disposition not in Disposition.values or disposition == Disposition.PENDING:
        raise ValidationError({"disposition": _("Choose a decision.")})
    ids = _ids(citations)
    result = MassDispositionResult(disposition=disposition, batch=batch or uuid.uuid4().hex[:12], preview=preview)
    rows = list(Citation.objects.select_related("case__event").filter(pk__in=ids).order_by("case_id", "pk"))
    if preview:
        totals = payer_totals([c.pk for c in rows])
        for citation in rows:
            _decide_one(citation, disposition, decided_on, totals, result)
        return result
    handled = 0
    for group in _by_case(rows):
        decided, skipped, refunds = len(result.decided), len(result.skipped), len(result.refunds)
        handled += len(group)
        try:
            with transaction.atomic():
                _decide_case(group, disposition, decided_on, by, result)
                if progress is not None:
                    progress(handled, _case_part(result, decided, skipped, refunds))
        except Exception:
            logger.exception("mass disposition: case %s rolled back", group[0].case_id)
            del result.decided[decided:], result.skipped[skipped:], result.refunds[refunds:]
            result.skipped.extend((citation, str(CASE_FAILED)) for citation in group)
            if progress is not None:
                with transaction.atomic():
                    progress(handled, _case_part(result, decided, skipped, refunds))
    audit_record(
        actor=by,
        action="citation.mass_disposition",
        count=len(result.decided),
        outcome=disposition,
        batch=result.batch,
        rows=len(ids),
        errors=len(result.skipped),
    )
    return result


def _case_part(result: MassDispositionResult, decided: int, skipped: int, refunds: int) -> MassDispositionResult:
    """The part of `result` one case added (from the given lengths on)."""
    return MassDispositionResult(
        disposition=result.disposition, decided=result.decided[decided:], skipped=result.skipped[skipped:],
        refunds=result.refunds[refunds:], batch=result.batch,
    )  # fmt: skip


def _decide_one(
    citation: Citation,
    disposition: str,
    decided_on: datetime.date,
    totals: dict[int, dict[str, Decimal]],
    result: MassDispositionResult,
) -> bool:
    problem = _decision_refusal(citation, disposition, decided_on, _today(citation))
    if problem:
        result.skipped.append((citation, problem))
        return False
    result.decided.append(citation)
    owed = Decimal("0.00") if disposition in lc.NOTHING_OWED else citation.amount_due
    result.refunds.extend(refunds_owed(citation, owed=owed, paid=totals.get(citation.pk, {})))
    return True


def _decide_case(
    group: list[Citation], disposition: str, decided_on: datetime.date, by: User, result: MassDispositionResult
) -> None:
    """One case's citations of a mass disposition, inside that case's transaction."""
    locked = list(
        Citation.objects.select_for_update(of=("self",))
        .select_related("case__event")
        .filter(pk__in=[c.pk for c in group])
        .order_by("pk")
    )
    totals = payer_totals([c.pk for c in locked])
    now = timezone.now()
    by_user = by if getattr(by, "pk", None) else None
    decided: list[Citation] = []
    for citation in locked:
        before = citation.status
        if not _decide_one(citation, disposition, decided_on, totals, result):
            continue
        citation.disposition, citation.decided_on, citation.status = disposition, decided_on, CitationStatus.DECIDED
        citation.closed_on = None
        citation.status_changed_at, citation.status_changed_by, citation.updated_at = now, by_user, now
        citation.status_before = before  # type: ignore[attr-defined]  # for the audit entry below
        decided.append(citation)
    if not decided:
        return
    Citation.objects.bulk_update(
        decided,
        ["disposition", "decided_on", "status", "closed_on", "status_changed_at", "status_changed_by", "updated_at"],
    )
    sync_citation_deadlines(decided, now=now)
    for citation in decided:
        audit_record(
            actor=by,
            action="citation.decide",
            target=citation,
            fields=["disposition", "decided_on"],
            batch=result.batch,
            **_moved(citation.status_before, citation),  # type: ignore[attr-defined]  # set above
        )


# --- hearing outcomes for a courtroom list -------------------------------------------------


@dataclass
class HearingOutcomesResult:
    """What entering a courtroom list's outcomes did, or (preview) would do."""

    decided: list[tuple[Citation, str]] = field(default_factory=list)  # (citation, disposition)
    skipped: list[tuple[Citation, str]] = field(default_factory=list)  # (citation, why)
    batch: str = ""
    preview: bool = False


def citation_hearing_outcomes(
    *,
    outcomes: Iterable[tuple[Citation, str]],
    decided_on: datetime.date,
    by: User,
    preview: bool = False,
    progress: Callable[[int, HearingOutcomesResult], None] | None = None,
    batch: str = "",
) -> HearingOutcomesResult:
    """The outcomes of a whole courtroom list (one decision per citation, from a phone in court),
    each recorded by citation_record_disposition. Each case commits in its own transaction: a
    refused or failed row leaves that case's rows unsaved and listed in `skipped` with the
    reason, the other cases are kept. With `preview`, the refusals are computed and nothing is
    written. `progress`, if given, is called for each case inside that case's transaction (a
    case refused or rolled back: in a transaction of its own) with the number of citations
    handled so far and that case's part of the result (a background run records it:
    citations/runs.py). `batch`: the audit trail's batch id to use."""
    _require_date(decided_on, "decided_on")
    chosen = [(citation, disposition) for citation, disposition in outcomes if disposition]
    result = HearingOutcomesResult(batch=batch or uuid.uuid4().hex[:12], preview=preview)
    fresh = Citation.objects.select_related("case__event").in_bulk([c.pk for c, _d in chosen])
    groups: dict[int, list[tuple[Citation, str]]] = {}
    for citation, disposition in chosen:
        current = fresh.get(citation.pk)
        if current is None:
            continue
        groups.setdefault(current.case_id, []).append((current, disposition))
    handled = 0
    for group in groups.values():
        if preview:
            for citation, disposition in group:
                problem = _outcome_refusal(citation, disposition, decided_on)
                if problem:
                    result.skipped.append((citation, problem))
                else:
                    result.decided.append((citation, disposition))
            continue
        handled += len(group)
        try:
            with transaction.atomic():
                for citation, disposition in group:
                    citation_record_disposition(
                        citation=citation, disposition=disposition, decided_on=decided_on, by=by
                    )
                if progress is not None:
                    progress(handled, HearingOutcomesResult(decided=list(group), batch=result.batch))
        except ValidationError as exc:
            why = " ".join(exc.messages)
            left = [(citation, why) for citation, _d in group]
        except Exception:
            logger.exception("hearing outcomes: case %s rolled back", group[0][0].case_id)
            left = [(citation, str(CASE_FAILED)) for citation, _d in group]
        else:
            result.decided.extend(group)
            continue
        result.skipped.extend(left)
        if progress is not None:
            with transaction.atomic():
                progress(handled, HearingOutcomesResult(skipped=left, batch=result.batch))
    if not preview:
        audit_record(
            actor=by,
            action="citation.hearing_outcomes",
            count=len(result.decided),
            batch=result.batch,
            rows=len(chosen),
            errors=len(result.skipped),
        )
    return result


def _outcome_refusal(citation: Citation, disposition: str, decided_on: datetime.date) -> str | None:
    if disposition not in Disposition.values or disposition == Disposition.PENDING:
        return str(_("Choose a decision."))
    return _decision_refusal(citation, disposition, decided_on, _today(citation))


# --- complaints and rules ----------------------------------------------------------------


@transaction.atomic
def complaint_deadlines_recompute(*, complaint: ExcessiveForceComplaint) -> None:
    """Recompute a complaint's deadlines (civil claim, oversight window). Connected to complaint
    and incident saves in citations.apps, so the cases app needs to know nothing of deadlines."""
    sync_complaint_deadlines([complaint])


@transaction.atomic
def deadline_rule_save(*, rule: DeadlineRule, by: User) -> DeadlineRule:
    """Save a (new or edited) rule after validating it, then recompute every deadline it makes
    or made: coordinators change rules without a deploy."""
    creating = rule.pk is None
    before = DeadlineRule.objects.filter(pk=rule.pk).first() if rule.pk else None
    if before is None:
        rule.verified, rule.verified_at = False, None  # only a review verifies a rule
    elif any(getattr(before, name) != getattr(rule, name) for name in RULE_SUBSTANCE):
        rule.verified, rule.verified_at = False, None  # the review vouched for the old text
    else:
        rule.verified, rule.verified_at = before.verified, before.verified_at
    rule.full_clean()
    rule.save()
    created, updated = sync_rule_deadlines(rule)
    audit_record(
        actor=by,
        action="deadline_rule.create" if creating else "deadline_rule.update",
        target=rule,
        count=created + updated,
    )
    return rule


# --- the court calendar ------------------------------------------------------------------


@transaction.atomic
def court_closure_save(
    *, court: str, day: datetime.date, name: str, source: str, uncertain: bool, by: User
) -> CourtClosure:
    """Enter (or correct) the day a court is closed, with its source, then recompute every
    deadline that may land on it or have rolled past it."""
    if court not in Court.values:
        raise ValidationError({"court": _("Choose a court.")})
    _require_date(day, "day")
    closure = CourtClosure.objects.select_for_update().filter(court=court, day=day).first()
    creating = closure is None
    if closure is None:
        closure = CourtClosure(court=court, day=day)
    closure.name, closure.source, closure.uncertain = (name or "").strip(), (source or "").strip(), bool(uncertain)
    closure.entered_by = by if getattr(by, "pk", None) else None
    closure.full_clean()
    closure.save()
    count = sum(sync_court_day_deadlines(day))
    audit_record(
        actor=by,
        action="court_closure.create" if creating else "court_closure.update",
        target=closure,
        count=count,
    )
    return closure


@transaction.atomic
def court_closure_delete(*, closure: CourtClosure, by: User) -> None:
    """The court is open that day after all: remove the closure and recompute the deadlines."""
    day = closure.day
    CourtClosure.objects.filter(pk=closure.pk).delete()
    count = sum(sync_court_day_deadlines(day))
    audit_record(actor=by, action="court_closure.delete", count=count, kind=closure.court, outcome=f"{day:%Y-%m-%d}")


@transaction.atomic
def clerk_hours_save(*, hours: ClerkOfficeHours, by: User) -> ClerkOfficeHours:
    """Enter (or correct) a court clerk's office hours, with their source. Due days do not move:
    only what a filing's "due" says does, so nothing is recomputed."""
    creating = hours.pk is None
    hours.source = (hours.source or "").strip()
    hours.entered_by = by if getattr(by, "pk", None) else None
    hours.full_clean()
    hours.save()
    audit_record(actor=by, action="clerk_hours.create" if creating else "clerk_hours.update", target=hours)
    return hours


@transaction.atomic
def citation_deadlines_recompute(*, by: User | None, kind: str = "") -> tuple[int, int]:
    """Recompute the deadlines of every citation (of `kind`, when given), for example after an
    upgrade changed how rules are chosen (Rule 1002 for statewide-track citations in
    Philadelphia): deadlines no rule wants any more are cancelled, new ones made. Audited."""
    if kind and kind not in CitationKind.values:
        raise ValidationError({"kind": _("Choose a citation kind.")})
    citations = Citation.objects.filter(kind=kind) if kind else Citation.objects.all()
    created, updated = sync_citations_in_batches(citations)
    audit_record(actor=by, action="deadlines.recompute", kind=kind, count=created + updated)
    return created, updated


# --- reviews of the rules ----------------------------------------------------------------


@transaction.atomic
def rule_review_record(*, rule: DeadlineRule, source_version: str, note: str, by: User) -> RuleReview:
    """A lawyer or coordinator signs the rule as checked against `source_version` of its source:
    the rule is verified from now until its substance is edited."""
    if not may(by, "deadlines.review"):
        raise ValidationError(_("Only a lawyer or a coordinator can sign a rule as checked."))
    source_version = (source_version or "").strip()
    if not source_version:
        raise ValidationError({"source_version": _("Say which version of the source you checked.")})
    locked = DeadlineRule.objects.select_for_update().get(pk=rule.pk)
    now = timezone.now()
    review = RuleReview(
        rule=locked,
        reviewed_by=by,
        reviewer_label=by.get_username(),
        reviewed_at=now,
        source_version=source_version,
        note=(note or "").strip(),
    )
    review.full_clean()
    review.save()
    DeadlineRule.objects.filter(pk=locked.pk).update(verified=True, verified_at=now)
    rule.verified, rule.verified_at = True, now
    audit_record(actor=by, action="deadline_rule.review", target=locked)
    return review


@transaction.atomic
def complaint_force_date_set(
    *, complaint: ExcessiveForceComplaint, force_used_on: datetime.date, by: User
) -> ComplaintForceDate:
    """The day force was used, for a complaint no incident report backs: the civil-claim clock
    starts from it."""
    _require_date(force_used_on, "force_used_on")
    tz = ZoneInfo(complaint.case.event.time_zone)
    if force_used_on > timezone.now().astimezone(tz).date():
        raise ValidationError({"force_used_on": _("The day force was used cannot be in the future.")})
    record, _created = ComplaintForceDate.objects.update_or_create(
        complaint=complaint,
        defaults={"force_used_on": force_used_on, "entered_by": by if getattr(by, "pk", None) else None},
    )
    sync_complaint_deadlines([complaint])
    audit_record(actor=by, action="complaint.force_date", target=complaint, fields=["force_used_on"])
    return record
