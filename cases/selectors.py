"""Reads about a case that several callers need, each written once so they all get one answer.

- which incidents concern a case: a person affected, an arrest seen matched to the case, or an
  incident cited by one of its complaints (`incident_ids_concerning`, `incidents_concerning`);
- which statements and files are a case's attachments: tied to the case, to one of its
  complaints, or to an incident concerning it (`case_attachments`);
- which people carry a name, matched exactly through the blind indexes (`person_named`);
- the language an account's e-mails are written in (`account_language`).

These say nothing about who may see the rows: scope stays in cases/access.py (its
`*_visible_to` functions), and callers apply these filters to the querysets it gives them. The
desk page, the packets and their inputs stamp, retention, subject access and the API's lawyer
scope all read these.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, TypeAlias

from django.conf import settings
from django.db.models import Q, QuerySet

from cases.fields import blind_index_fields
from cases.models import ArrestSeen, Case, Demonstrator, ExcessiveForceComplaint, Incident
from cases.types import User

PersonAffected = Incident.people_affected.through
ComplaintIncident = ExcessiveForceComplaint.incidents.through

# Rows of `{"incident_id": ...}` (or of `{"pk": ...}` for cases), from one table or a UNION of several.
IdRows: TypeAlias = QuerySet[Any, Mapping[str, object]]


def incident_ids_concerning(cases: Case | QuerySet[Case] | IdRows) -> IdRows:
    """The ids of the incidents that concern these cases (one case, or a queryset of cases or of
    their ids): people affected, arrests seen, complaints. One UNION of three indexed lookups;
    the same test written as an OR across the three joins made the database scan every incident
    (docs/performance.md) for each lawyer's list and each packet."""
    lookup = "case__in" if isinstance(cases, QuerySet) else "case"
    affected = PersonAffected.objects.filter(**{lookup: cases}).values("incident_id")
    seen = ArrestSeen.objects.filter(**{lookup: cases}).values("incident_id")
    complained = ComplaintIncident.objects.filter(**{f"excessiveforcecomplaint__{lookup}": cases}).values("incident_id")
    return affected.union(seen, complained)


def case_incident_pairs(cases: QuerySet[Case]) -> list[tuple[int, int]]:
    """(case id, incident id) for every incident concerning each of these cases, by the same three
    links as `incident_ids_concerning`, in one UNION (the plaintiff roster reads it for a whole
    event at once)."""
    affected = PersonAffected.objects.filter(case__in=cases).values_list("case_id", "incident_id")
    seen = ArrestSeen.objects.filter(case__in=cases).values_list("case_id", "incident_id")
    complained = ComplaintIncident.objects.filter(excessiveforcecomplaint__case__in=cases).values_list(
        "excessiveforcecomplaint__case_id", "incident_id"
    )
    return [(case_id, incident_id) for case_id, incident_id in affected.union(seen, complained)]


def incidents_concerning(case: Case) -> QuerySet[Incident]:
    """The incidents that concern `case` (unscoped: filter a `*_visible_to` queryset with
    `pk__in=incident_ids_concerning(case)` where the reader's scope matters)."""
    return Incident.objects.filter(pk__in=incident_ids_concerning(case))


def case_attachments(
    case: Case,
    *,
    incident_ids: Collection[int] | None = None,
    complaint_ids: Collection[int] | None = None,
    via: str = "",
) -> Q:
    """The filter for a case's attachments (witness statements, evidence): tied to the case, to
    one of its complaints, or to an incident concerning it.

    `incident_ids` and `complaint_ids`: the ids the caller has already read (the incidents
    concerning the case, its complaints), so the filter needs no join or subquery for them.
    `via`: the relation that leads to the attachment (`"evidence"` to filter photo derivatives)."""
    prefix = f"{via}__" if via else ""
    incidents = incident_ids_concerning(case) if incident_ids is None else incident_ids
    complaints = (
        Q(**{f"{prefix}complaint__case": case})
        if complaint_ids is None
        else Q(**{f"{prefix}complaint__in": complaint_ids})
    )
    return Q(**{f"{prefix}case": case}) | complaints | Q(**{f"{prefix}incident__in": incidents})


def person_named(name: str, *, via: str = "") -> Q:
    """The filter for people whose legal or preferred name is `name` (normalised: case, accents
    of composition, spacing), through the keyed blind indexes: the names themselves stay
    encrypted. `via`: the relation that leads to the person (`"demonstrator"` to filter cases)."""
    index = {f.name: f for f in blind_index_fields(Demonstrator)}
    prefix = f"{via}__" if via else ""
    condition = Q()
    for field in ("legal_name_index", "preferred_name_index"):
        value = index[field].index_for(name)
        if value:
            condition |= Q(**{f"{prefix}{field}": value})
    return condition or Q(**{f"{prefix}pk__in": []})  # no name, nobody


def account_language(user: User) -> str:
    """The language an account's e-mails are written in: its own choice, else the site's."""
    chosen = user.language
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
