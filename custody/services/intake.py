"""Intake in one step, and a release recorded into the case: the writes the intake desk makes.

`intake_register` registers a person (or reuses one a coordinator chose from the duplicate
suggestions), their case for the event (reused when the person already has one there), an
arrest and any citations, in one transaction: a refusal anywhere leaves nothing behind. It does
not re-implement any rule: people and cases through `cases.services` (which allocates the case
number), citations through `citations.services.citation_create` (which computes their deadlines).

`release_record` records a release from custody: the arrest's release (time, with or without a
citation), the citations handed over and their deadlines, in one step.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.audit import audit_record
from cases.models import Arrest, Case, CustodyStatus, Demonstrator, Event
from cases.services import (
    ArrestChanges,
    DemonstratorFields,
    arrest_create,
    arrest_update,
    case_create,
    demonstrator_create,
)
from cases.types import User
from citations.models import Citation
from citations.services import CitationExtras, citation_create


class CitationRequired(TypedDict):
    number: str
    kind: str
    offense_code: str
    issued_at: datetime.datetime


class IntakeCitation(CitationRequired, CitationExtras, total=False):
    """One citation as the intake desk or a release records it: `citation_create`'s arguments."""


@dataclass
class IntakeResult:
    person: Demonstrator
    case: Case
    arrest: Arrest | None
    citations: list[Citation] = field(default_factory=list)
    person_created: bool = False
    case_created: bool = False


def _citations_create(*, case: Case, citations: Sequence[IntakeCitation], by: User) -> list[Citation]:
    """Every citation, or a ValidationError naming each refused one ("citations.0", ...) so a
    form can show them all at once; the caller's transaction then rolls back the rest."""
    made: list[Citation] = []
    errors: dict[str, list[str]] = {}
    for position, given in enumerate(citations):
        try:
            made.append(citation_create(case=case, by=by, **given))
        except ValidationError as exc:
            errors[f"citations.{position}"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return made


@transaction.atomic
def intake_register(
    *,
    by: User,
    event: Event,
    person: DemonstratorFields | None = None,
    existing_person: Demonstrator | None = None,
    arrest: ArrestChanges | None = None,
    citations: Sequence[IntakeCitation] = (),
) -> IntakeResult:
    """Register one person's night at once. Give either `person` (a new record's fields) or
    `existing_person` (a record chosen from the suggestions; its details are left as they are)."""
    if (person is None) == (existing_person is None):
        raise ValidationError(_("Give a new person's details or choose an existing person, not both."))
    if existing_person is not None:
        # The row lock makes two desks registering the same person for the same event at once
        # wait for each other: the second finds the first's case instead of failing on it.
        chosen = Demonstrator.objects.select_for_update().get(pk=existing_person.pk)
        if chosen.purged_at is not None:
            raise ValidationError(_("This person's record was purged; register them anew."))
        person_created = False
    elif person is not None:
        chosen = demonstrator_create(by=by, **person)
        person_created = True
    else:  # (unreachable: one of the two was checked above)
        raise ValidationError(_("Give a new person's details or choose an existing person, not both."))
    case = Case.objects.select_for_update().filter(event=event, demonstrator=chosen).first()
    case_created = case is None
    if case is None:
        case = case_create(event=event, demonstrator=chosen, by=by)
    arrest_made = arrest_create(by=by, case=case, **arrest) if arrest else None
    made = _citations_create(case=case, citations=citations, by=by)
    audit_record(
        actor=by,
        action="intake.register",
        target=case,
        created=[name for name, new in (("person", person_created), ("case", case_created)) if new],
        count=len(made),
    )
    return IntakeResult(
        person=chosen,
        case=case,
        arrest=arrest_made,
        citations=made,
        person_created=person_created,
        case_created=case_created,
    )


@dataclass
class ReleaseResult:
    arrest: Arrest
    case: Case
    citations: list[Citation] = field(default_factory=list)


@transaction.atomic
def release_record(
    *,
    arrest: Arrest,
    by: User,
    released_at: datetime.datetime,
    citations: Sequence[IntakeCitation] = (),
    property_returned: bool | None = None,
) -> ReleaseResult:
    """Record that the person of `arrest` was released at `released_at`: with the citations given
    (they join the arrest's case, with their deadlines) the arrest reads "cited and released",
    without any "released". Recording it again corrects the time and adds the new citations."""
    locked = Arrest.objects.select_for_update().select_related("case__event").get(pk=arrest.pk)
    case = locked.case
    if case.status == "closed":
        raise ValidationError(_("This case is closed; reopen it before recording a release."))
    if released_at < locked.arrested_at:
        raise ValidationError({"released_at": _("The release must come after the arrest.")})
    made = _citations_create(case=case, citations=citations, by=by)
    cited = bool(made) or locked.custody_status == CustodyStatus.CITED_RELEASED or case.citations.exists()
    changes: ArrestChanges = {
        "released_at": released_at,
        "custody_status": CustodyStatus.CITED_RELEASED if cited else CustodyStatus.RELEASED,
    }
    if property_returned is not None:
        changes["property_returned"] = property_returned
    updated = arrest_update(arrest=locked, by=by, **changes)
    audit_record(actor=by, action="custody.release", target=updated, count=len(made), status=updated.custody_status)
    arrest.refresh_from_db()
    return ReleaseResult(arrest=updated, case=case, citations=made)
