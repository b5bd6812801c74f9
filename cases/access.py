"""Who sees what: the one module that scopes every query by role.

Every view, API endpoint, packet, export and task fetches personal records through these
functions (citations/access.py builds on them for citations, deadlines and payments). Rules:
- observer: the incidents they reported and the evidence they uploaded to them; no client file;
- lawyer: the cases assigned to them and everything under those cases; an incident in which one
  of their clients was affected, but of its attachments (witness statements, evidence, arrests
  seen) only those not tied to someone else's case;
- organizer: no personal record at all (aggregates only, see citations/dashboard.py);
- coordinator and administrator: everything (and every read is audited by the caller);
- anyone without a role, or suspended (inactive): nothing.
Out of scope and missing answer the same 404 (`get_visible_or_404`). docs/security.md has the
full matrix and the tests that hold each row.
"""

from __future__ import annotations

import datetime
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from cases.audit import audit_record
from cases.models import (
    Arrest,
    ArrestSeen,
    AuditEntry,
    Case,
    Demonstrator,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    Incident,
    Officer,
    WitnessStatement,
)
from cases.permissions import may
from cases.roles import Role, role_of, sees_everything
from cases.selectors import incident_ids_concerning
from cases.types import AnyUser, User

M = TypeVar("M", bound=Model)


def _in_role(user: AnyUser | None, role: Role) -> User | None:
    """`user` when signed in with `role`, else None (the record lookups below take a User)."""
    return user if user is not None and user.is_authenticated and role_of(user) == role else None


def _lawyer_cases(user: User) -> QuerySet[Case]:
    return Case.objects.filter(lawyers=user)


def case_list_visible_to(*, user: AnyUser) -> QuerySet[Case]:
    qs = Case.objects.select_related("event", "demonstrator")
    if sees_everything(user):
        return qs
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return qs.filter(pk__in=_lawyer_cases(lawyer).values("pk"))
    return qs.none()


def demonstrator_list_visible_to(*, user: AnyUser) -> QuerySet[Demonstrator]:
    if sees_everything(user):
        return Demonstrator.objects.all()
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return Demonstrator.objects.filter(cases__lawyers=lawyer).distinct()
    return Demonstrator.objects.none()


def event_list_visible_to(*, user: AnyUser) -> QuerySet[Event]:
    """Events are not personal: every signed-in role may list them (observers pick one)."""
    if not may(user, "events.read"):
        return Event.objects.none()
    return Event.objects.all()


def arrest_list_visible_to(*, user: AnyUser) -> QuerySet[Arrest]:
    return Arrest.objects.select_related("case").filter(case__in=case_list_visible_to(user=user).values("pk"))


def observer_readback_since() -> datetime.datetime:
    """Lost-phone rule: an observer reads back their own reports and uploads only for
    settings.OBSERVER_READBACK_HOURS after creating them; after that a stolen phone (or token)
    can still send new reports but cannot page through old ones."""
    return timezone.now() - datetime.timedelta(hours=settings.OBSERVER_READBACK_HOURS)


def incident_list_visible_to(*, user: AnyUser) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("event", "reporter")
    if sees_everything(user):
        return qs
    if (observer := _in_role(user, Role.OBSERVER)) is not None:
        return qs.filter(reporter=observer, created_at__gte=observer_readback_since())
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return qs.filter(pk__in=incident_ids_concerning(_lawyer_cases(lawyer).values("pk")))
    return qs.none()


def officer_list_visible_to(*, user: AnyUser) -> QuerySet[Officer]:
    """Officers are public employees acting in public; every working role may look them up."""
    if may(user, "officers.read"):
        return Officer.objects.all()
    return Officer.objects.none()


def complaint_list_visible_to(*, user: AnyUser) -> QuerySet[ExcessiveForceComplaint]:
    return ExcessiveForceComplaint.objects.select_related("case").filter(
        case__in=case_list_visible_to(user=user).values("pk")
    )


def _lawyer_attachment_scope(user: User) -> Q:
    """What a lawyer may see of rows that hang off a case, a complaint or an incident: anything
    tied to their cases, and incident material that belongs to no one's case or complaint (a
    statement or file tied to another client's case is that client's file, even when it also
    names a shared incident).

    Built once per user object (like its role): it is SQL over the user's id, not data, and a
    packet's context and images use it three times."""
    scope: Q | None = getattr(user, "_tracker_attachment_scope", None)
    if scope is None:
        cases = _lawyer_cases(user).values("pk")
        incidents = incident_list_visible_to(user=user).values("pk")
        scope = (
            Q(case__in=cases)
            | Q(complaint__case__in=cases)
            | (Q(incident__in=incidents) & Q(case__isnull=True) & Q(complaint__isnull=True))
        )
        user._tracker_attachment_scope = scope
    return scope


def statement_list_visible_to(*, user: AnyUser) -> QuerySet[WitnessStatement]:
    if sees_everything(user):
        return WitnessStatement.objects.all()
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return WitnessStatement.objects.filter(_lawyer_attachment_scope(lawyer))
    return WitnessStatement.objects.none()


def arrest_seen_list_visible_to(*, user: AnyUser) -> QuerySet[ArrestSeen]:
    """Arrests an observer saw (with the person's description): the reporter sees their own
    incident's; a lawyer only those matched to their clients' cases."""
    if sees_everything(user):
        return ArrestSeen.objects.all()
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return ArrestSeen.objects.filter(case__in=_lawyer_cases(lawyer).values("pk"))
    if role_of(user) == Role.OBSERVER:
        return ArrestSeen.objects.filter(incident__in=incident_list_visible_to(user=user).values("pk"))
    return ArrestSeen.objects.none()


def incident_cases_visible_to(*, user: AnyUser, incident: Incident) -> QuerySet[Case]:
    """The people affected by an incident that `user` may know about (a lawyer: only their
    clients; the other affected people's case numbers are someone else's file)."""
    return case_list_visible_to(user=user).filter(incidents=incident)


def evidence_list_visible_to(*, user: AnyUser) -> QuerySet[Evidence]:
    if sees_everything(user):
        return Evidence.objects.all()
    if (lawyer := _in_role(user, Role.LAWYER)) is not None:
        return Evidence.objects.filter(_lawyer_attachment_scope(lawyer))
    if (observer := _in_role(user, Role.OBSERVER)) is not None:
        # What they uploaded to their own recent incidents.
        return Evidence.objects.filter(
            incident__reporter=observer, uploaded_by=observer, created_at__gte=observer_readback_since()
        )
    return Evidence.objects.none()


def audit_entry_list_visible_to(*, user: AnyUser) -> QuerySet[AuditEntry]:
    """The audit trail: coordinators and administrators only (it says who looked at whom)."""
    if may(user, "audit.read"):
        return AuditEntry.objects.select_related("actor")
    return AuditEntry.objects.none()


def get_visible_or_404(
    queryset: QuerySet[M], public_id: UUID | str, *, user: AnyUser | None = None, request: HttpRequest | None = None
) -> M:
    """The object if it is in the caller's scope; the same 404 whether missing or forbidden.

    Given `user`, a refusal of a record that does exist (out of scope) is written to the audit
    trail as `access.denied` (ASVS v5.0.0-16.3.2); the caller still sees the plain 404."""
    try:
        return queryset.get(public_id=public_id)
    except (ObjectDoesNotExist, ValueError, TypeError):
        _audit_denied(queryset, public_id, user, request)
        raise Http404 from None
    except Exception as exc:  # invalid UUID strings raise ValidationError
        if isinstance(exc, ValidationError):
            raise Http404 from None
        raise


def _audit_denied(
    queryset: QuerySet[M], public_id: UUID | str, user: AnyUser | None, request: HttpRequest | None
) -> None:
    if user is None:
        return
    try:
        target = queryset.model._default_manager.filter(public_id=public_id).only("pk", "public_id").first()
    except (ValueError, TypeError):
        return
    except Exception:  # a malformed id: nothing exists under it  # noqa: BLE001
        return
    if target is not None:
        audit_record(actor=user, action="access.denied", target=target, request=request)


def case_for(*, user: AnyUser, case_id: UUID | str) -> Case:
    return get_visible_or_404(case_list_visible_to(user=user), case_id, user=user)
