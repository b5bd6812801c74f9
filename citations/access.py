"""Who sees which citations, deadlines, payments and calendar feeds: built on cases.access, so
the rule stays one rule (a lawyer: the cases assigned to them; coordinators and administrators:
everything; observers, organizers and anyone else: nothing personal, so nothing here)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cases.access import case_list_visible_to
from cases.roles import Role, role_of, sees_everything
from cases.types import AnyUser
from citations.models import Citation, Deadline, Payment


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


def sees_personal_columns(user: AnyUser) -> bool:
    """Whether exports for this user may carry names, birth dates and phones (of the cases in the
    user's scope): assigned lawyers and coordinators (and administrators)."""
    return role_of(user) in (Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR)


def may_import_citations(user: AnyUser) -> bool:
    """Bulk imports create people and cases: coordinators (and administrators) only."""
    return sees_everything(user)


def may_export_citations(user: AnyUser) -> bool:
    return role_of(user) in (Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR)


def may_have_calendar_feed(user: AnyUser) -> bool:
    """Calendar feeds carry a lawyer's own deadlines and hearings."""
    return role_of(user) == Role.LAWYER
