"""The six roles. A user's role is the Django group they belong to; superusers are administrators.

Who may see what is decided in `cases.access` (and `citations.access`), nowhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q

if TYPE_CHECKING:  # the user model's module is above this one; annotations only
    from django.db.models import QuerySet

    from cases.types import AnyUser, User


class Role(StrEnum):
    OBSERVER = "observer"
    JAIL_SUPPORT = "jail_support"
    LAWYER = "lawyer"
    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    ADMINISTRATOR = "administrator"


# When an account is (wrongly) in several groups, the least privileged wins: a mistake in group
# membership must never widen what someone sees.
# Jail support sits above observers (it reads the custody board and hotline log of its assigned
# events: names and medical needs) and below lawyers (no case file, no citation).
PRECEDENCE = [Role.ORGANIZER, Role.OBSERVER, Role.JAIL_SUPPORT, Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR]
PRIVILEGED = {Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR}


def role_of(user: AnyUser | None) -> Role | None:
    """The user's role, cached on the user object for the request; None for anonymous or no group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, "_tracker_role"):  # (request.user is a lazy object: ask it, not its __dict__)
        return user._tracker_role
    role = role_from(group_names=set(user.groups.values_list("name", flat=True)), is_superuser=user.is_superuser)
    user._tracker_role = role
    return role


def role_from(*, group_names: Collection[str], is_superuser: bool) -> Role | None:
    """The role that group membership and the superuser flag give (the least privileged group
    wins; a superuser without a group is an administrator), whether or not the account is active."""
    for candidate in PRECEDENCE:
        if candidate.value in group_names:
            return candidate
    return Role.ADMINISTRATOR if is_superuser else None


def roles_of_accounts(user_ids: Iterable[int]) -> dict[int, Role | None]:
    """{user id: role} for these accounts as stored now, active or not, in two queries (the
    account-change receivers compare them before and after a change of groups)."""
    user_model = get_user_model()
    ids = list(user_ids)
    names: dict[int, set[str]] = {pk: set() for pk in ids}
    memberships = user_model.groups.through.objects.filter(user_id__in=ids).values_list("user_id", "group__name")
    for user_id, name in memberships:
        names[user_id].add(name)
    flags = dict(user_model._default_manager.filter(pk__in=ids).values_list("pk", "is_superuser"))
    return {pk: role_from(group_names=names[pk], is_superuser=flags[pk]) for pk in ids if pk in flags}


def has_role(user: AnyUser | None, *roles: Role) -> bool:
    return role_of(user) in roles


def sees_everything(user: AnyUser | None) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMINISTRATOR)


def users_with_role(role: Role) -> QuerySet[User]:
    """Active accounts whose role (by the same precedence as `role_of`) is `role`, in one query."""
    user_model = get_user_model()
    weaker = [r.value for r in PRECEDENCE[: PRECEDENCE.index(role)]]
    qs = user_model._default_manager.filter(is_active=True)
    if role == Role.ADMINISTRATOR:
        qs = qs.filter(Q(groups__name=role.value) | Q(is_superuser=True, groups__isnull=True))
    else:
        qs = qs.filter(groups__name=role.value)
    return qs.exclude(pk__in=user_model._default_manager.filter(groups__name__in=weaker).values("pk")).distinct()
