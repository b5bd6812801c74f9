"""The signed-in user's role and places, for the navigation every page shows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases.roles import role_of
from web.views.home import ROLE_PLACES


def role(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role and the places (url name, label) their navigation links to."""
    user = getattr(request, "user", None)
    current = role_of(user) if user is not None else None
    return {
        "user_role": current.value if current else "",
        "user_places": ROLE_PLACES.get(current, []) if current else [],
    }
