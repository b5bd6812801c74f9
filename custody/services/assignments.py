"""Assigning jail-support accounts to events (coordinators): what a jail-support volunteer may
see is exactly the events assigned here (custody/access.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.audit import audit_record
from cases.models import Event
from cases.permissions import may
from cases.roles import Role, role_of
from cases.types import User
from custody.models import JailSupportAssignment


def _check_coordinator(by: User) -> None:
    if not may(by, "custody.assign"):
        raise ValidationError(_("Only coordinators and administrators assign jail support."))


@transaction.atomic
def jail_support_assign(*, user: User, event: Event, by: User) -> JailSupportAssignment:
    """Give a jail-support account the board and hotline log of `event` (idempotent)."""
    _check_coordinator(by)
    if not user.is_active or role_of(user) != Role.JAIL_SUPPORT:
        raise ValidationError(_("Only an active jail-support account can be assigned to an event."))
    assignment, created = JailSupportAssignment.objects.get_or_create(
        user=user, event=event, defaults={"assigned_by": by}
    )
    if created:
        audit_record(actor=by, action="custody.jail_support.assign", target=event, role=Role.JAIL_SUPPORT.value)
    return assignment


@transaction.atomic
def jail_support_unassign(*, user: User, event: Event, by: User) -> bool:
    """Take `event` away from a jail-support account; False when it was not assigned."""
    _check_coordinator(by)
    deleted, _rows = JailSupportAssignment.objects.filter(user=user, event=event).delete()
    if deleted:
        audit_record(actor=by, action="custody.jail_support.unassign", target=event, role=Role.JAIL_SUPPORT.value)
    return bool(deleted)
