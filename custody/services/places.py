"""Writes of the places of custody (police districts, central booking): data a coordinator keeps
on a page, not code. A place is added, renamed or corrected, retired (no longer offered by the
hotline and board forms, still shown where it is recorded) or reinstated; it is deleted only
while nothing names it, so a placement or a hotline entry never loses its place. Every change is
audited. Places are public buildings: their names are not personal data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.audit import audit_record
from cases.permissions import may
from cases.types import User
from custody.models import CustodyPlace, PlaceKind
from custody.selectors.places import custody_place_in_use

NAME_MAX = CustodyPlace._meta.get_field("name").max_length or 120
ADDRESS_MAX = CustodyPlace._meta.get_field("address").max_length or 200


def _check(by: User) -> None:
    if not may(by, "places.manage"):
        raise PermissionDenied


def _clean_name(name: str, *, place: CustodyPlace | None = None) -> str:
    """The name with its spaces tidied; refused when empty, too long, or another place's name
    (ignoring case)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the place a name, e.g. “9th Police District”.")}, code="required")
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": _("A place's name has at most %(n)d characters.") % {"n": NAME_MAX}}, code="max_length"
        )
    if _others_named(name, place=place).exists():
        raise _name_taken()
    return name


def _others_named(name: str, *, place: CustodyPlace | None) -> QuerySet[CustodyPlace]:
    """The places other than `place` with this name, ignoring case."""
    others = CustodyPlace.objects.filter(name__iexact=name)
    return others.exclude(pk=place.pk) if place is not None else others


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("Another place already has this name.")}, code="unique")


@contextmanager
def _refusing_a_name_taken_meanwhile(name: str, *, place: CustodyPlace | None = None) -> Iterator[None]:
    """The write of a name `_clean_name` accepted: another coordinator may have saved the same
    name since (the database's constraints refuse it); that is the same refusal, not an error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        if not _others_named(name, place=place).exists():
            raise
        raise _name_taken() from None


def _clean(kind: str, address: str) -> tuple[str, str]:
    if kind not in PlaceKind.values:
        raise ValidationError({"kind": _("Choose what kind of place it is.")}, code="invalid_choice")
    address = " ".join(address.split())
    if len(address) > ADDRESS_MAX:
        raise ValidationError(
            {"address": _("An address has at most %(n)d characters.") % {"n": ADDRESS_MAX}}, code="max_length"
        )
    return kind, address


@transaction.atomic
def custody_place_create(*, name: str, kind: str = PlaceKind.DISTRICT, address: str = "", by: User) -> CustodyPlace:
    """Add a place; the hotline and board forms offer it at once."""
    _check(by)
    kind, address = _clean(kind, address)
    name = _clean_name(name)
    with _refusing_a_name_taken_meanwhile(name):
        place = CustodyPlace.objects.create(name=name, kind=kind, address=address)
    audit_record(actor=by, action="custody.place.create", target=place, kind=kind)
    return place


@transaction.atomic
def custody_place_update(*, place: CustodyPlace, name: str, kind: str, address: str = "", by: User) -> CustodyPlace:
    """Rename a place or correct its kind or address; where it is recorded, the new name shows."""
    _check(by)
    locked = CustodyPlace.objects.select_for_update().get(pk=place.pk)
    kind, address = _clean(kind, address)
    new_name = _clean_name(name, place=locked)
    changed = [
        field
        for field, value in (("name", new_name), ("kind", kind), ("address", address))
        if getattr(locked, field) != value
    ]
    if not changed:
        return locked
    old_name = locked.name
    locked.name, locked.kind, locked.address = new_name, kind, address
    with _refusing_a_name_taken_meanwhile(new_name, place=locked):
        locked.save(update_fields=changed)
    # a public building's names, not personal data: the trail says what it was called before
    details: dict[str, Any] = {"from": old_name, "to": new_name} if "name" in changed else {}
    audit_record(actor=by, action="custody.place.update", target=locked, fields=changed, **details)
    return locked


@transaction.atomic
def custody_place_set_active(*, place: CustodyPlace, active: bool, by: User) -> CustodyPlace:
    """Retire a place (`active=False`: the forms stop offering it; arrestees and entries recorded
    there keep it) or reinstate it."""
    _check(by)
    locked = CustodyPlace.objects.select_for_update().get(pk=place.pk)
    if locked.active != active:
        locked.active = active
        locked.save(update_fields=["active"])
        audit_record(actor=by, action="custody.place.reinstate" if active else "custody.place.retire", target=locked)
    return locked


@transaction.atomic
def custody_place_delete(*, place: CustodyPlace, by: User) -> None:
    """Delete a place nothing names (a typo, a duplicate); a place in use is refused: retire it."""
    _check(by)
    locked = CustodyPlace.objects.select_for_update().get(pk=place.pk)
    if custody_place_in_use(locked):
        raise ValidationError(
            _("Arrestees or hotline entries are recorded at this place: retire it instead of deleting it."),
            code="in_use",
        )
    audit_record(actor=by, action="custody.place.delete", target=locked, kind=locked.kind)
    locked.delete()
