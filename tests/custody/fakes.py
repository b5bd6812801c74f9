"""Hotline entries for tests that need one to exist (made through the service)."""

from __future__ import annotations

import uuid
from typing import Any

from custody.models import HotlineEntry
from custody.services.hotline import HotlineInput, hotline_entry_create


def make_hotline_entry(
    *, event: Any, by: Any, about: str = "Red jacket, about 20, taken at 8th and Arch", **more: Any
) -> HotlineEntry:
    entry, _created = hotline_entry_create(
        by=by, client_uuid=uuid.uuid4(), data=HotlineInput(event=event, about=about, **more)
    )
    return entry
