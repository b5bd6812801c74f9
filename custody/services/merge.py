"""Merging two records of one person, and undoing it.

`person_merge(source, target)` moves everything of `source` to `target`: each of the source's
cases moves to the target; where both have a case for the same event, the source's case is folded
into the target's (its citations, deadlines, arrests, complaints, statements, evidence, the
incidents that concern it, its lawyers, and every other row any app hangs off a case) and then
removed. Rows other apps hang off a person (hotline entries...) move too. What moved is kept by
id in a `PersonMerge` row (no plaintext), so `person_merge_undo` can put it all back until
`undo_until` (settings.PERSON_MERGE_UNDO_DAYS).

`duplicate_dismiss(first, second)` records the other answer: two records the queue pairs are
different people (a `DuplicateDismissal`, ids only); the pair leaves the queue until
`duplicate_dismissal_undo`. A merge leaves dismissals where they are (they name the records, not
what moved between them).

The relations are found from the models themselves (`_meta.related_objects`), so a model added
later that points at a case or a person moves with them without a change here. Stored packets of
a folded case are renders of the old case: they go with it (the `case_purging` receivers delete
them and their files). Evidence files are re-sealed under their new case's data key.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import datakeys
from cases.audit import audit_record
from cases.models import Case, Demonstrator, Evidence
from cases.services import evidence_reseal
from cases.signals import case_purging
from cases.types import User
from custody.models import DuplicateDismissal, PersonMerge

# Rows hanging off a case that are renders of it, not part of it: removed with a folded case.
NOT_MOVED = {"documents.storedpacket"}


def _case_relations() -> list[models.ForeignObjectRel]:
    """Every one-to-many relation into Case (citations, arrests, ...), any app's."""
    return [
        rel
        for rel in Case._meta.related_objects
        if rel.one_to_many and rel.related_model._meta.label_lower not in NOT_MOVED
    ]


def _case_m2m() -> list[models.ForeignObjectRel]:
    """Many-to-many relations into Case declared elsewhere (the incidents that concern a case)."""
    return [rel for rel in Case._meta.related_objects if rel.many_to_many]


def _person_relations() -> list[models.ForeignObjectRel]:
    """One-to-many relations into Demonstrator other than cases and merges (hotline entries...)."""
    return [
        rel
        for rel in Demonstrator._meta.related_objects
        if rel.one_to_many and rel.related_model not in (Case, PersonMerge, DuplicateDismissal)
    ]


def _from(person: Demonstrator) -> dict[str, Any]:
    """The audit detail naming the other record ("from" is a keyword, so passed as a mapping)."""
    return {"from": str(person.public_id)}


def _m2m(rel: models.ForeignObjectRel) -> tuple[type[models.Model], str, str]:
    """A many-to-many relation into Case: its through model, its case column, its other column."""
    field = cast("models.ManyToManyField[Any, Any]", rel.field)
    through = cast("type[models.Model]", field.remote_field.through)
    return through, field.m2m_reverse_field_name(), field.m2m_field_name()


def _label(rel: models.ForeignObjectRel) -> str:
    return f"{rel.related_model._meta.label_lower}.{rel.field.name}"


def _evidence_scopes(case: Case) -> dict[int, str]:
    """The data-key scope each evidence file of `case` (its own, its complaints') is sealed under."""
    files = Evidence.objects.filter(models.Q(case=case) | models.Q(complaint__case=case)).select_related(
        "case", "complaint__case", "incident"
    )
    return {evidence.pk: datakeys.scope_of_evidence(evidence) for evidence in files}


def _reseal(scopes: dict[int, str]) -> None:
    for evidence in Evidence.objects.filter(pk__in=list(scopes)).select_related("case", "complaint__case", "incident"):
        evidence_reseal(evidence=evidence, from_scope=scopes[evidence.pk])


def _fold_case(*, folded: Case, into: Case) -> dict[str, Any]:
    """Move everything of `folded` to `into`; return what moved (ids) and what `folded` was."""
    scopes = _evidence_scopes(folded)
    record: dict[str, Any] = {
        "case": {
            "id": folded.pk,
            "public_id": str(folded.public_id),
            "number": folded.number,
            "event": folded.event_id,
            "opened_on": folded.opened_on.isoformat(),
            "closed_on": folded.closed_on.isoformat() if folded.closed_on else None,
            "retention_until": folded.retention_until.isoformat() if folded.retention_until else None,
            "status": folded.status,
            "lawyers": sorted(folded.lawyers.values_list("pk", flat=True)),
        },
        "into": into.pk,
        "rows": {},
        "links": {},
    }
    for rel in _case_relations():
        manager = rel.related_model._base_manager
        ids = sorted(manager.filter(**{rel.field.name: folded}).values_list("pk", flat=True))
        if ids:
            manager.filter(pk__in=ids).update(**{rel.field.name: into})
            record["rows"][_label(rel)] = ids
    for rel in _case_m2m():
        through, case_column, other_column = _m2m(rel)
        already = set(through._default_manager.filter(**{case_column: into}).values_list(other_column, flat=True))
        links = list(through._default_manager.filter(**{case_column: folded}).values_list(other_column, flat=True))
        new = [other for other in links if other not in already]
        through._default_manager.bulk_create([through(**{case_column: into, f"{other_column}_id": o}) for o in new])
        record["links"][_label(rel)] = {"all": sorted(links), "added": sorted(new)}
    into.lawyers.add(*folded.lawyers.all())
    _reseal(scopes)
    return record


def _notes_of(cases: list[Case]) -> dict[str, dict[str, str]]:
    return {
        str(case.public_id): {"lawyer_notes": case.lawyer_notes or "", "close_note": case.close_note or ""}
        for case in cases
    }


@transaction.atomic
def person_merge(*, source: Demonstrator, target: Demonstrator, by: User | None) -> PersonMerge:
    """Merge `source` into `target` (see the module docstring); `target` is the record kept."""
    if source.pk == target.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    locked = {p.pk: p for p in Demonstrator.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    if source.purged_at or target.purged_at:
        raise ValidationError(_("A purged record cannot be merged."))
    if PersonMerge.objects.filter(source__in=[source, target], undone_at__isnull=True).exists():
        raise ValidationError(_("One of these records was already merged into another."))
    source_cases = list(Case.objects.select_for_update().filter(demonstrator=source).order_by("id"))
    target_cases = {c.event_id: c for c in Case.objects.select_for_update().filter(demonstrator=target)}
    folded_cases = [c for c in source_cases if c.event_id in target_cases]
    notes_before = _notes_of(folded_cases + [target_cases[c.event_id] for c in folded_cases])
    moved: dict[str, Any] = {"cases": [], "folded": [], "person_rows": {}}
    try:
        # The person's own rows first (messages, consents...): the `case_purging` receivers sent for
        # a folded case below clear what their app keeps for that case's person.
        for rel in _person_relations():
            manager = rel.related_model._base_manager
            ids = sorted(manager.filter(**{rel.field.name: source}).values_list("pk", flat=True))
            if ids:
                manager.filter(pk__in=ids).update(**{rel.field.name: target})
                moved["person_rows"][_label(rel)] = ids
        for case in source_cases:
            if case.event_id not in target_cases:
                case.demonstrator = target
                case.save(update_fields=["demonstrator", "updated_at"])
                moved["cases"].append(case.pk)
                continue
            into = target_cases[case.event_id]
            moved["folded"].append(_fold_case(folded=case, into=into))
            if case.lawyer_notes:
                heading = _("From case %(n)s:") % {"n": case.number}
                into.lawyer_notes = "\n\n".join(
                    part for part in (into.lawyer_notes or "", f"{heading}\n{case.lawyer_notes}") if part
                )
                into.save(update_fields=["lawyer_notes", "updated_at"])
            case_purging.send(sender=Case, case=case, by=by)
            case.delete()
    except IntegrityError as exc:
        raise ValidationError(
            _("These records cannot be merged automatically: %(e)s") % {"e": type(exc).__name__}
        ) from exc
    now = timezone.now()
    merge = PersonMerge.objects.create(
        source=source,
        target=target,
        moved=moved,
        sealed_notes=json.dumps(notes_before) if folded_cases else "",
        merged_by=by if by is not None and by.pk else None,
        merged_at=now,
        undo_until=now + datetime.timedelta(days=settings.PERSON_MERGE_UNDO_DAYS),
    )
    audit_record(
        actor=by,
        action="person.merge",
        target=target,
        cases=len(moved["cases"]) + len(moved["folded"]),
        **_from(source),
        count=sum(len(rows) for f in moved["folded"] for rows in f["rows"].values()),
    )
    return merge


@transaction.atomic
def person_merge_undo(*, merge: PersonMerge, by: User | None) -> PersonMerge:
    """Put back what `merge` moved: the source's cases, each folded case (same number and id) with
    its rows, and the rows hanging off the person. Refused once `undo_until` has passed."""
    merge = PersonMerge.objects.select_for_update().select_related("source", "target").get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was already undone."))
    if timezone.now() > merge.undo_until:
        raise ValidationError(_("This merge can no longer be undone: its window has passed."))
    source, target = merge.source, merge.target
    moved = merge.moved
    notes = json.loads(merge.sealed_notes) if merge.sealed_notes else {}
    relations = {_label(rel): rel for rel in _case_relations()}
    links = {_label(rel): rel for rel in _case_m2m()}
    Case.objects.filter(pk__in=moved.get("cases", []), demonstrator=target).update(
        demonstrator=source, updated_at=timezone.now()
    )
    for folded in moved.get("folded", []):
        facts = folded["case"]
        if Case.objects.filter(event_id=facts["event"], demonstrator=source).exists():
            raise ValidationError(_("The earlier record has a case for that event again; undo by hand."))
        restored = Case(
            pk=facts["id"],
            public_id=facts["public_id"],
            number=facts["number"],
            event_id=facts["event"],
            demonstrator=source,
            opened_on=datetime.date.fromisoformat(facts["opened_on"]),
            closed_on=datetime.date.fromisoformat(facts["closed_on"]) if facts["closed_on"] else None,
            retention_until=datetime.date.fromisoformat(facts["retention_until"]) if facts["retention_until"] else None,
            status=facts["status"],
            lawyer_notes=notes.get(facts["public_id"], {}).get("lawyer_notes", ""),
            close_note=notes.get(facts["public_id"], {}).get("close_note", ""),
        )
        restored.save(force_insert=True)
        restored.lawyers.set(facts["lawyers"])
        into = Case.objects.get(pk=folded["into"])
        scopes = _evidence_scopes(into)
        for label, ids in folded["rows"].items():
            rel = relations.get(label)
            if rel is not None:
                rel.related_model._base_manager.filter(pk__in=ids, **{rel.field.name: into}).update(
                    **{rel.field.name: restored}
                )
        for label, linked in folded["links"].items():
            rel = links.get(label)
            if rel is None:
                continue
            through, case_column, other_column = _m2m(rel)
            through._default_manager.bulk_create(
                [through(**{case_column: restored, f"{other_column}_id": o}) for o in linked["all"]]
            )
            through._default_manager.filter(**{case_column: into, f"{other_column}__in": linked["added"]}).delete()
        before = notes.get(str(into.public_id))
        if before is not None:
            into.lawyer_notes = before["lawyer_notes"]
            into.save(update_fields=["lawyer_notes", "updated_at"])
        _reseal(scopes)  # (files that stayed with `into` keep their scope and are left alone)
    for label, ids in moved.get("person_rows", {}).items():
        for rel in _person_relations():
            if _label(rel) == label:
                rel.related_model._base_manager.filter(pk__in=ids, **{rel.field.name: target}).update(
                    **{rel.field.name: source}
                )
    merge.undone_at = timezone.now()
    merge.undone_by = by if by is not None and by.pk else None
    merge.sealed_notes = ""
    merge.save(update_fields=["undone_at", "undone_by", "sealed_notes"])
    audit_record(actor=by, action="person.merge_undo", target=source, **_from(target))
    return merge


@transaction.atomic
def duplicate_dismiss(*, first: Demonstrator, second: Demonstrator, by: User | None) -> DuplicateDismissal:
    """Mark two records as different people: the merge queue no longer pairs them. Asked again
    for a pair already dismissed, the standing dismissal is returned (nothing written)."""
    if first.pk == second.pk:
        raise ValidationError(_("A record is always the same person as itself."))
    low, high = sorted((first, second), key=lambda person: person.pk)
    locked = list(Demonstrator.objects.select_for_update().filter(pk__in=[low.pk, high.pk]).order_by("pk"))
    if len(locked) != 2 or any(person.purged_at for person in locked):
        raise ValidationError(_("A purged record cannot be compared."))
    standing = DuplicateDismissal.objects.filter(first=low, second=high, undone_at__isnull=True).first()
    if standing is not None:
        return standing
    dismissal = DuplicateDismissal.objects.create(
        first=low, second=high, dismissed_by=by if by is not None and by.pk else None
    )
    audit_record(actor=by, action="person.duplicate_dismiss", target=low, **_from(high))
    return dismissal


@transaction.atomic
def duplicate_dismissal_undo(*, dismissal: DuplicateDismissal, by: User | None) -> DuplicateDismissal:
    """Put the pair back in the queue (when it still matches)."""
    dismissal = DuplicateDismissal.objects.select_for_update().select_related("first", "second").get(pk=dismissal.pk)
    if dismissal.undone_at is not None:
        raise ValidationError(_("This was already undone."))
    dismissal.undone_at = timezone.now()
    dismissal.undone_by = by if by is not None and by.pk else None
    dismissal.save(update_fields=["undone_at", "undone_by"])
    audit_record(actor=by, action="person.duplicate_dismiss_undo", target=dismissal.first, **_from(dismissal.second))
    return dismissal
