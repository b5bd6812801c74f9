"""Writes of the hotline and jail-support log: a quick entry, sent once per client UUID (the
phone's offline queue retries it), and its later link to an arrest."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, fields

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import audit_record
from cases.models import Arrest, Event
from cases.permissions import may
from cases.types import User
from custody.access import board_event_list_visible_to
from custody.models import CustodyPlace, HotlineEntry, HotlineKind


class HotlineConflict(ValidationError):
    """A client UUID already used for a different entry (other content, or another account)."""


@dataclass(frozen=True)
class HotlineInput:
    """What a hotline entry says; every text field is optional but `about`."""

    event: Event
    about: str
    kind: str = HotlineKind.CALL
    received_at: datetime.datetime | None = None
    caller_name: str = ""
    caller_contact: str = ""
    contact_consent: bool = False
    seen: str = ""
    place: CustodyPlace | None = None
    medical_needs: str = ""
    hurt_by_force: bool = False
    injuries: str = ""
    belongings: str = ""
    waiting_outside: str = ""


TEXTS = (
    "about", "caller_name", "caller_contact", "seen", "medical_needs", "injuries", "belongings", "waiting_outside",
)  # fmt: skip


def _same_entry(entry: HotlineEntry, data: HotlineInput) -> bool:
    stored = {name: (getattr(entry, name) or "") for name in TEXTS}
    sent = {name: getattr(data, name) or "" for name in TEXTS}
    if not data.contact_consent:
        sent["caller_contact"] = ""
    return (
        stored == sent
        and entry.event_id == data.event.pk
        and entry.kind == data.kind
        and entry.contact_consent == data.contact_consent
        and entry.hurt_by_force == data.hurt_by_force
        and entry.place_id == (data.place.pk if data.place else None)
    )


def _existing(*, by: User, client_uuid: uuid.UUID, data: HotlineInput) -> HotlineEntry:
    entry = HotlineEntry.objects.get(client_uuid=client_uuid)
    if entry.created_by_id != by.pk or not _same_entry(entry, data):
        raise HotlineConflict(_("This entry id was already used for a different entry."), code="conflict")
    return entry


@transaction.atomic
def hotline_entry_create(*, by: User, client_uuid: uuid.UUID, data: HotlineInput) -> tuple[HotlineEntry, bool]:
    """Record a hotline or jail-support entry exactly once per `client_uuid`: a retry with the same
    content returns the stored entry and `created=False` (the unique constraint settles a race);
    the same id with other content raises `HotlineConflict`. The caller's contact is dropped
    unless they consented. Only for the events whose log `by` may write."""
    if not may(by, "hotline.create"):
        raise PermissionDenied
    if not board_event_list_visible_to(user=by).filter(pk=data.event.pk).exists():
        raise ValidationError({"event": _("Choose one of your events.")})
    if not data.about.strip():
        raise ValidationError({"about": _("Say who it is about: a name or a description.")})
    client_uuid = uuid.UUID(str(client_uuid))
    if HotlineEntry.objects.filter(client_uuid=client_uuid).exists():
        return _existing(by=by, client_uuid=client_uuid, data=data), False
    entry = HotlineEntry(client_uuid=client_uuid, created_by=by, event=data.event)
    for field in fields(HotlineInput):
        if field.name not in ("event", "received_at"):
            setattr(entry, field.name, getattr(data, field.name))
    if not data.contact_consent:
        entry.caller_contact = ""
    entry.received_at = data.received_at or timezone.now()
    entry.full_clean(exclude=["client_uuid", "arrest", "created_by"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # a concurrent retry with the same client UUID won the race
        return _existing(by=by, client_uuid=client_uuid, data=data), False
    audit_record(actor=by, action="hotline.create", target=entry, kind=entry.kind)
    return entry, True


@transaction.atomic
def hotline_entry_link(*, entry: HotlineEntry, arrest: Arrest | None, by: User) -> HotlineEntry:
    """Link an entry to the arrest it turned out to be about (or unlink it: `arrest=None`); the
    arrest must belong to the entry's event."""
    if not may(by, "hotline.update"):
        raise PermissionDenied
    locked = HotlineEntry.objects.select_for_update().get(pk=entry.pk)
    if arrest is not None and arrest.case.event_id != locked.event_id:
        raise ValidationError({"arrest": _("That arrest belongs to another event.")})
    locked.arrest = arrest
    locked.save(update_fields=["arrest", "updated_at"])
    audit_record(actor=by, action="hotline.link", target=locked, fields=["arrest"])
    return locked
