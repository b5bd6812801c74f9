"""Writes of the custody board: moving an arrestee to another stage or place of custody. The
stage is `cases.Arrest.custody_status` (written through `cases.services.arrest_update`, locked
and audited there); the place and the time of the move are this app's `CustodyPlacement`."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Arrest, CustodyStatus
from cases.permissions import may
from cases.services import arrest_update
from cases.types import User
from custody.models import CustodyPlace, CustodyPlacement


@transaction.atomic
def arrest_move(
    *,
    arrest: Arrest,
    stage: str,
    by: User,
    place: CustodyPlace | None = None,
    at: datetime.datetime | None = None,
) -> Arrest:
    """Move an arrestee to `stage` (a `CustodyStatus`), optionally at a named place. A release
    sets the release time (kept if already known); a move back into custody clears it."""
    if not may(by, "custody.stage"):
        raise PermissionDenied
    if stage not in CustodyStatus.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    if stage == CustodyStatus.HELD and place is None:
        raise ValidationError({"place": _("Say where the person is held.")})
    # Read again under lock: two people recording the same release at once must keep the first time.
    arrest = Arrest.objects.select_for_update().get(pk=arrest.pk)
    when = at or timezone.now()
    released = stage not in CustodyStatus.in_custody()
    released_at = (arrest.released_at or max(when, arrest.arrested_at)) if released else None
    moved = arrest_update(arrest=arrest, by=by, custody_status=stage, released_at=released_at)
    placement, created = CustodyPlacement.objects.select_for_update().get_or_create(
        arrest=moved, defaults={"place": place, "stage_since": when, "updated_by": by}
    )
    if not created:
        placement.place = place if place is not None else placement.place
        placement.stage_since = when
        placement.updated_by = by
        placement.save(update_fields=["place", "stage_since", "updated_by", "updated_at"])
    return moved
