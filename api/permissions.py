"""One permission class: the role table in cases.access decides who may use an API area at all.

Which objects a permitted role then sees is decided by the `*_visible_to` scopes (a 404 for
anything out of scope); this class only turns away whole roles (403), e.g. an organizer on any
endpoint that carries personal data.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from cases.access import api_may

ACTION_OPERATIONS = {
    "list": "read",
    "retrieve": "read",
    "create": "create",
    "partial_update": "update",
    "update": "update",
}


def operation_of(view: Any) -> str | None:
    explicit = getattr(view, "operation", None)
    if explicit:
        return explicit
    return ACTION_OPERATIONS.get(getattr(view, "action", None) or "")


class AreaPermission(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        operation = operation_of(view)
        if operation is None:  # a method the view does not offer: let the 405 through
            return True
        return api_may(request.user, view.area, operation)
