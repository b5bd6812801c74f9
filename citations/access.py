"""Who sees which citations, deadlines and payments: built on cases.access, so the rule stays
one rule (a lawyer: the cases assigned to them; coordinators and administrators:
everything; observers, organizers and anyone else: nothing personal, so nothing here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cases.access import case_list_visible_to, event_list_visible_to
from cases.permissions import may
from cases.roles import sees_everything
from cases.types import AnyUser
from citations.models import BulkAction, BulkRun, Citation, Deadline, Payment


def _in_visible_cases(queryset: QuerySet[Any], *, user: AnyUser, path: str) -> QuerySet[Any]:
    """Rows whose case (at `path`) the user may see. Everything for those who see every case,
    with no filter at all: a `case IN (every case)` test would only slow each COUNT and page."""
    if sees_everything(user):
        return queryset
    return queryset.filter(**{f"{path}__in": case_list_visible_to(user=user).values("pk")})


def citation_list_visible_to(*, user: AnyUser) -> QuerySet[Citation]:
    return _in_visible_cases(Citation.objects.select_related("case", "case__event"), user=user, path="case")


def deadline_list_visible_to(*, user: AnyUser) -> QuerySet[Deadline]:
    return _in_visible_cases(
        Deadline.objects.select_related("case", "case__event", "rule", "citation", "complaint"), user=user, path="case"
    )


def payment_list_visible_to(*, user: AnyUser) -> QuerySet[Payment]:
    return _in_visible_cases(Payment.objects.select_related("citation"), user=user, path="citation__case")


RUN_OPERATIONS: dict[str, str] = {
    BulkAction.MASS_DISPOSITION: "citations.mass_disposition",
    BulkAction.ASSIGN: "cases.bulk_assign",
    BulkAction.HEARING_OUTCOMES: "citations.hearing_outcomes",
}


def bulk_run_visible_to(*, user: AnyUser, action: str) -> QuerySet[BulkRun]:
    """Background runs of one bulk action, for those who may run one: a mass disposition over the
    events they may see; the others, those they asked for (everyone's, for those who see every
    case)."""
    if not may(user, RUN_OPERATIONS[action]):
        return BulkRun.objects.none()
    runs = BulkRun.objects.select_related("event").filter(action=action)
    if action == BulkAction.MASS_DISPOSITION:
        return runs.filter(event__in=event_list_visible_to(user=user))
    if sees_everything(user):
        return runs
    return runs.filter(requested_by_id=getattr(user, "pk", None))


def sees_personal_columns(user: AnyUser) -> bool:
    """Whether exports for this user may carry names, birth dates and phones (of the cases in the
    user's scope): whoever may read people (the permission table's `demonstrators.read`)."""
    return may(user, "demonstrators.read")
