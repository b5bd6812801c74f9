"""The types of the people who act, for annotations.

`User` is the project's user model (`cases.models.User`, AUTH_USER_MODEL): what a service's
`by:` and a selector's `user:` receive once someone is signed in. `AnyUser` is what
`request.user` can be: an access check called with it must also answer an anonymous visitor.
`Actor` is who an audit entry names: a user, or nobody for the system's own work (purges,
scheduled tasks, commands run without an account).
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from cases.models import User

__all__ = ["Actor", "AnyUser", "User"]

AnyUser: TypeAlias = User | AnonymousUser
Actor: TypeAlias = User | AnonymousUser | None
