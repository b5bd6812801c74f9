"""cases.types.signed_in: what a view hands a service in place of request.user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from cases.roles import Role, role_of
from cases.types import signed_in


def test_a_signed_in_user_is_handed_on(lawyer):
    assert signed_in(lawyer) is lawyer


def test_request_users_lazy_object_counts_as_the_user(lawyer):
    lazy = SimpleLazyObject(lambda: lawyer)
    assert signed_in(lazy) == lawyer


def test_an_anonymous_visitor_is_refused():
    with pytest.raises(PermissionDenied):
        signed_in(AnonymousUser())


def test_the_role_is_read_once_through_the_lazy_object(lawyer, django_assert_num_queries):
    lazy = SimpleLazyObject(lambda: lawyer)
    with django_assert_num_queries(1):
        assert role_of(lazy) == Role.LAWYER
        assert role_of(lazy) == Role.LAWYER
