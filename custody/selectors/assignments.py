"""Reads of the jail-support assignments: who is assigned to which event (the coordinator's page)."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.permissions import may
from cases.roles import Role, users_with_role
from cases.types import AnyUser, User
from custody.models import JailSupportAssignment


def jail_support_assignment_list(*, user: AnyUser) -> QuerySet[JailSupportAssignment]:
    """Every assignment, for whoever may assign (coordinators); none for anyone else."""
    if not may(user, "custody.assign"):
        return JailSupportAssignment.objects.none()
    return JailSupportAssignment.objects.select_related("user", "event").order_by("event__name", "user__username")


def jail_support_accounts() -> QuerySet[User]:
    """The accounts a coordinator may assign: active, with the jail-support role (by precedence)."""
    return users_with_role(Role.JAIL_SUPPORT).order_by("username")
