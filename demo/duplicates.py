"""Two likely duplicates for the demo: one of the scenario's people registered a second time at
intake under another spelling, with the same phone and a case at the same event, so the merge
queue shows the pair (same phone, similar name) and merging folds the two cases into one."""

from __future__ import annotations

import datetime

from cases.models import Case, CustodyStatus, Event, User
from custody.services.intake import intake_register


def misspelt(name: str) -> str:
    """The name as a caller might spell it: the surname's last two letters swapped."""
    given, _, surname = name.partition(" ")
    if len(surname) < 3:
        return f"{name}e"
    return f"{given} {surname[:-2]}{surname[-1]}{surname[-2]}"


def add_likely_duplicates(*, event: Event, cases: list[Case], by: User, starts: datetime.datetime) -> Case:
    """Register the person of the scenario's second case again, as the hotline heard them."""
    original = cases[1].demonstrator
    result = intake_register(
        by=by,
        event=event,
        person={"legal_name": misspelt(original.legal_name), "phone": original.phone},
        arrest={
            "arrested_at": starts + datetime.timedelta(hours=3, minutes=40),
            "place": "8th & Arch St",
            "custody_status": CustodyStatus.HELD,
        },
    )
    return result.case
