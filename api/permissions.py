"""One permission class: the permission table (cases/permissions.py) decides who may use an API
operation at all. A view names its row by `area` and its operation ("citations" + "export" is
the row "citations.export"): the same row the pages, exports and packets read.

Which objects a permitted role then sees is decided by the `*_visible_to` scopes (a 404 for
anything out of scope); this class only turns away whole roles (403), e.g. an organizer on any
endpoint that carries personal data.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from cases.permissions import may

ACTION_OPERATIONS = {
    "list": "read",
    "retrieve": "read",
    "create": "create",
    "partial_update": "update",
    "update": "update",
}


def operation_of(view: Any) -> str | None:
    """The view's row in the permission table ("area.operation"), or None for a method it does
    not offer."""
    explicit = getattr(view, "operation", None)
    name = explicit or ACTION_OPERATIONS.get(getattr(view, "action", None) or "")
    return f"{view.area}.{name}" if name else None


class AreaPermission(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        name = operation_of(view)
        if name is None:  # a method the view does not offer: let the 405 through
            return True
        return may(request.user, name)
