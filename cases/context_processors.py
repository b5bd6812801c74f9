from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases.roles import role_of


def role(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    current = role_of(user) if user is not None else None
    return {"user_role": current.value if current else ""}
