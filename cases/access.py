"""Who sees what: the one module that scopes every query by role.

Every view, API endpoint, packet, export and task fetches personal records through these
functions. Rules:
- observer: the incidents they reported (and what hangs off them); no client file;
- lawyer: the cases assigned to them and everything under those cases;
- organizer: no personal record at all (aggregates only, see citations.selectors dashboard);
- coordinator and administrator: everything (and every read is audited by the caller).
Out of scope and missing answer the same 404 (`get_visible_or_404`).
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from cases.models import (
    Arrest,
    Case,
    Demonstrator,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    Incident,
    Officer,
    WitnessStatement,
)
from cases.roles import Role, role_of, sees_everything

M = TypeVar("M", bound=Model)


def _lawyer_cases(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(lawyers=user)


def case_list_visible_to(*, user: Any) -> QuerySet[Case]:
    role = role_of(user)
    qs = Case.objects.select_related("event", "demonstrator")
    if sees_everything(user):
        return qs
    if role == Role.LAWYER:
        return qs.filter(pk__in=_lawyer_cases(user).values("pk"))
    return qs.none()


def demonstrator_list_visible_to(*, user: Any) -> QuerySet[Demonstrator]:
    role = role_of(user)
    if sees_everything(user):
        return Demonstrator.objects.all()
    if role == Role.LAWYER:
        return Demonstrator.objects.filter(cases__lawyers=user).distinct()
    return Demonstrator.objects.none()


def event_list_visible_to(*, user: Any) -> QuerySet[Event]:
    """Events are not personal: every signed-in role may list them (observers pick one)."""
    if role_of(user) is None:
        return Event.objects.none()
    return Event.objects.all()


def arrest_list_visible_to(*, user: Any) -> QuerySet[Arrest]:
    return Arrest.objects.select_related("case").filter(case__in=case_list_visible_to(user=user).values("pk"))


def incident_list_visible_to(*, user: Any) -> QuerySet[Incident]:
    role = role_of(user)
    qs = Incident.objects.select_related("event", "reporter")
    if sees_everything(user):
        return qs
    if role == Role.OBSERVER:
        return qs.filter(reporter=user)
    if role == Role.LAWYER:
        cases = _lawyer_cases(user).values("pk")
        return qs.filter(
            pk__in=Incident.objects.filter(
                Q(people_affected__in=cases) | Q(arrests_seen__case__in=cases) | Q(complaints__case__in=cases)
            ).values("pk")
        )
    return qs.none()


def officer_list_visible_to(*, user: Any) -> QuerySet[Officer]:
    """Officers are public employees acting in public; every working role may look them up."""
    if role_of(user) in (Role.OBSERVER, Role.LAWYER, Role.COORDINATOR, Role.ADMINISTRATOR):
        return Officer.objects.all()
    return Officer.objects.none()


def complaint_list_visible_to(*, user: Any) -> QuerySet[ExcessiveForceComplaint]:
    return ExcessiveForceComplaint.objects.select_related("case").filter(
        case__in=case_list_visible_to(user=user).values("pk")
    )


def statement_list_visible_to(*, user: Any) -> QuerySet[WitnessStatement]:
    if sees_everything(user):
        return WitnessStatement.objects.all()
    if role_of(user) == Role.LAWYER:
        cases = _lawyer_cases(user).values("pk")
        incidents = incident_list_visible_to(user=user).values("pk")
        return WitnessStatement.objects.filter(
            Q(case__in=cases) | Q(complaint__case__in=cases) | Q(incident__in=incidents)
        )
    return WitnessStatement.objects.none()


def evidence_list_visible_to(*, user: Any) -> QuerySet[Evidence]:
    role = role_of(user)
    if sees_everything(user):
        return Evidence.objects.all()
    if role == Role.LAWYER:
        cases = _lawyer_cases(user).values("pk")
        incidents = incident_list_visible_to(user=user).values("pk")
        return Evidence.objects.filter(Q(case__in=cases) | Q(complaint__case__in=cases) | Q(incident__in=incidents))
    if role == Role.OBSERVER:
        # What they uploaded to their own incidents (the API limits how long they may read it back).
        return Evidence.objects.filter(incident__reporter=user, uploaded_by=user)
    return Evidence.objects.none()


def get_visible_or_404(queryset: QuerySet[M], public_id: UUID | str) -> M:
    """The object if it is in the caller's scope; the same 404 whether missing or forbidden."""
    try:
        return queryset.get(public_id=public_id)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    except Exception as exc:  # invalid UUID strings raise ValidationError
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise Http404 from None
        raise


def case_for(*, user: Any, case_id: UUID | str) -> Case:
    return get_visible_or_404(case_list_visible_to(user=user), case_id)
