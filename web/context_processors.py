"""The signed-in user's role and places, for the navigation every page shows; none while the
sign-in waits for the second factor (the menu would lead only back to the code page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases.roles import role_of
from web.middleware import second_factor_pending
from web.views.home import ROLE_PLACES


def role(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's role and the places (url name, label) their navigation links to."""
    user = getattr(request, "user", None)
    if second_factor_pending(user):
        return {"user_role": "", "user_places": [], "sign_in_pending": True}
    current = role_of(user) if user is not None else None
    return {
        "user_role": current.value if current else "",
        "user_places": ROLE_PLACES.get(current, []) if current else [],
        "sign_in_pending": False,
    }
