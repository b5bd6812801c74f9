"""The types of the people who act, for annotations.

`User` is the project's user model (`cases.models.User`, AUTH_USER_MODEL): what a service's
`by:` and a selector's `user:` receive once someone is signed in. `AnyUser` is what
`request.user` can be: an access check called with it must also answer an anonymous visitor.
`Actor` is who an audit entry names: a user, or nobody for the system's own work (purges,
scheduled tasks, commands run without an account). `signed_in` narrows `request.user` to a
`User` where a view hands it to a service.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from cases.models import User

__all__ = ["Actor", "AnyUser", "User", "signed_in"]

AnyUser: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User | AnonymousUser | None


def signed_in(user: AnyUser) -> User:
    """`request.user` as the signed-in `User` a service takes. Views call it behind their sign-in
    check (a page decorator, the API's permission class), so an anonymous visitor never gets here;
    should one, the answer is 403 (Django and DRF both turn PermissionDenied into it)."""
    if isinstance(user, User):
        return user
    raise PermissionDenied
