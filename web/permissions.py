"""The pages' gate: sign-in, then the permission table (cases/permissions.py).

`page_for("<operation>")` on a view: a visitor who is not signed in goes to the sign-in page (a
script asking for JSON gets 401 `{"status": "signed_out"}`), a role the operation's row leaves out
gets 403 (404 with `hidden=True`, for pages whose existence is itself not for everyone), and the
view then fetches its records through the `*_visible_to` scopes. The operation is checked against
the table when the module is imported, so a misspelt name fails at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase, JsonResponse

from cases.permissions import may, operation

View = Callable[..., HttpResponseBase]


def page_for(name: str, *, hidden: bool = False) -> Callable[[View], View]:
    operation(name)  # an unknown operation fails at import, not at the first request

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if "application/json" in request.headers.get("Accept", ""):
                    return JsonResponse({"status": "signed_out"}, status=401)
                return redirect_to_login(request.get_full_path())
            if not may(request.user, name):
                raise Http404 if hidden else PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_operation = name  # type: ignore[attr-defined]  # the route matrix reads these
        wrapped.permission_hidden = hidden  # type: ignore[attr-defined]  # read there too
        return wrapped

    return decorator
