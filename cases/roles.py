"""The five roles. A user's role is the Django group they belong to; superusers are administrators.

Who may see what is decided in `cases.access` (and `citations.access`), nowhere else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Role(StrEnum):
    OBSERVER = "observer"
    LAWYER = "lawyer"
    ORGANIZER = "organizer"
    COORDINATOR = "coordinator"
    ADMINISTRATOR = "administrator"


# When an account is (wrongly) in several groups, the least privileged wins: a mistake in group
# membership must never widen what someone sees.
PRECEDENCE = [Role.ORGANIZER, Role.OBSERVER, Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR]
PRIVILEGED = {Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR}


def role_of(user: Any) -> Role | None:
    """The user's role, cached on the user object for the request; None for anonymous or no group."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_tracker_role", "unset")
    if cached != "unset":
        return cached
    role = role_from(group_names=set(user.groups.values_list("name", flat=True)), is_superuser=user.is_superuser)
    user._tracker_role = role
    return role


def role_from(*, group_names: Any, is_superuser: bool) -> Role | None:
    """The role that group membership and the superuser flag give (the least privileged group
    wins; a superuser without a group is an administrator), whether or not the account is active."""
    for candidate in PRECEDENCE:
        if candidate.value in group_names:
            return candidate
    return Role.ADMINISTRATOR if is_superuser else None


def roles_of_accounts(user_ids: Any) -> dict[int, Role | None]:
    """{user id: role} for these accounts as stored now, active or not, in two queries (the
    account-change receivers compare them before and after a change of groups)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ids = list(user_ids)
    names: dict[int, set[str]] = {pk: set() for pk in ids}
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list("user_id", "group__name"):
        names[user_id].add(name)
    flags = dict(User._default_manager.filter(pk__in=ids).values_list("pk", "is_superuser"))
    return {pk: role_from(group_names=names[pk], is_superuser=flags[pk]) for pk in ids if pk in flags}


def has_role(user: Any, *roles: Role) -> bool:
    return role_of(user) in roles


def sees_everything(user: Any) -> bool:
    return role_of(user) in (Role.COORDINATOR, Role.ADMINISTRATOR)


def users_with_role(role: Role) -> Any:
    """Active accounts whose role (by the same precedence as `role_of`) is `role`, in one query."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    weaker = [r.value for r in PRECEDENCE[: PRECEDENCE.index(role)]]
    qs = User._default_manager.filter(is_active=True)
    if role == Role.ADMINISTRATOR:
        qs = qs.filter(Q(groups__name=role.value) | Q(is_superuser=True, groups__isnull=True))
    else:
        qs = qs.filter(groups__name=role.value)
    return qs.exclude(pk__in=User._default_manager.filter(groups__name__in=weaker).values("pk")).distinct()
