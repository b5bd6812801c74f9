"""Signal receivers of the cases app: sign-in auditing, incidents' local days following their
event's time zone, account changes from any path (cases.account_changes decides what they end)
and the role groups' permissions after every migrate; connected in CasesConfig.ready."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from cases.account_changes import device_deleted, roles_after, roles_before, saved, stored_state
from cases.audit import audit_record
from cases.models import Event
from cases.roles import Role
from cases.tasks import recompute_incident_days_task
from cases.types import User
from core.authn import subject_hash


@receiver(user_logged_in, dispatch_uid="cases.audit_login")
def audit_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session["tracker_login_at"] = timezone.now().timestamp()
    audit_record(actor=user, action="auth.login", request=request)


@receiver(user_login_failed, dispatch_uid="cases.audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    audit_record(
        actor=None,
        action="auth.login_failed",
        request=request,
        subject=subject_hash(credentials.get("username")),
        path=getattr(request, "path", "")[:100] if request is not None else "",
    )


@receiver(user_logged_out, dispatch_uid="cases.audit_logout")
def audit_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.logout", request=request)


def audit_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    # axes hands over what it locks on: already the keyed hash (core.authn.lockout_username)
    audit_record(actor=None, action="auth.locked_out", request=request, subject=username)


def event_saving(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Remember where the event stood before this save, (time zone, jurisdiction), or None for a
    new one: its post_save receivers here and in the citations app (deadlines count days in that
    zone and jurisdiction) compare it with what was saved. One read for all of them."""
    instance._place_before = None
    if raw or instance.pk is None:
        return
    before = Event.objects.filter(pk=instance.pk).values_list("time_zone", "jurisdiction").first()
    instance._place_before = tuple(before) if before else None


def event_zone_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """The time zone was corrected: each incident's local day (the dashboard's force per day) is
    computed again, in the background once the change commits."""
    before = getattr(instance, "_place_before", None)
    if raw or created or before is None or before[0] == instance.time_zone:
        return
    event_id = instance.pk
    transaction.on_commit(lambda: recompute_incident_days_task.enqueue(event_id))


# --- Account changes, from any path (cases.account_changes decides what they end) ---------------


def user_saving(sender: Any, instance: Any, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    instance._account_before = None if raw else stored_state(instance, update_fields=update_fields)


def user_saved(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    before = instance.__dict__.pop("_account_before", None)
    if not raw:
        saved(instance, before=before, created=created, update_fields=update_fields)


def user_groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any = None, **kwargs: Any
) -> None:
    """Group membership is the role: compare each affected account's role before and after."""
    if action.startswith("pre_"):
        if not reverse:
            user_ids = [instance.pk]
        elif pk_set is not None:
            user_ids = list(pk_set)
        else:  # group.user_set.clear()
            user_ids = list(instance.user_set.values_list("pk", flat=True))
        instance.__dict__.setdefault("_roles_before", {}).update(roles_before(user_ids))
    elif action.startswith("post_"):
        roles_after(instance.__dict__.pop("_roles_before", {}))


def otp_device_deleted(sender: Any, instance: Any, origin: Any = None, **kwargs: Any) -> None:
    device_deleted(device=instance, origin=origin)


# --- The role groups' permissions ----------------------------------------------------------------


def sync_role_permissions(sender: Any, **kwargs: Any) -> None:
    """Keep the role groups' model permissions in step after every migrate (idempotent)."""
    staff_apps = ["cases", "citations", "documents", "auth", "django_tasks_db"]
    all_perms = Permission.objects.filter(content_type__app_label__in=staff_apps)
    # Coordinators get no permission on accounts or groups: every account change goes through the
    # account services (cases.services.account_*), never the admin.
    account_perms = Q(content_type__app_label="auth") | Q(content_type__app_label="cases", content_type__model="user")
    Group.objects.get_or_create(name=Role.ADMINISTRATOR.value)[0].permissions.set(all_perms)
    Group.objects.get_or_create(name=Role.COORDINATOR.value)[0].permissions.set(all_perms.exclude(account_perms))
    for role in (Role.OBSERVER, Role.JAIL_SUPPORT, Role.LAWYER, Role.ORGANIZER):
        Group.objects.get_or_create(name=role.value)
