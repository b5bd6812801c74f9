"""Schemathesis against the live schema (/api/schema/, through the WSGI app), as every role.

For every operation it generates a bounded number of requests that fit the schema (positive) and
that do not (negative), authenticated as each role, and checks: no 5xx, a documented status code,
a documented content type, and a body that matches the documented schema (problem+json for errors).
Examples are derandomised so a CI run is repeatable; raise FUZZ_EXAMPLES locally to dig deeper.

It is its own step in .ci/run (on PostgreSQL when available, which also catches values the
database refuses) and is left out of the ordinary suite: `RUN_API_FUZZ=1 ./dev test tests/api/test_fuzz.py`.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.conftest import ROLES, client_with_token

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Revoking the token in use would sign the fuzzer out; tests/api/test_auth.py covers it.
SKIPPED = {("DELETE", "/api/v1/auth/token/")}


@pytest.fixture
def no_throttling(monkeypatch):  # type: ignore[no-untyped-def]
    rates = dict.fromkeys(SimpleRateThrottle.THROTTLE_RATES, "100000/min")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def keep_test_connection():  # type: ignore[no-untyped-def]
    """The WSGI app is called directly (not through Django's test client), so do what the test
    client does: keep Django from closing the test's database connection between requests."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _bearer(role: str, world: Any) -> dict[str, str]:
    user = world.users[role]
    if user is None:
        return {}
    client = client_with_token(user)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@functools.cache
def live_schema() -> Any:
    return schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.mark.fuzz
@pytest.mark.allow_repeated_queries(reason="each generated example is one request; the guard counts per request")
@pytest.mark.parametrize("role", ROLES)
def test_fuzz_every_operation_as_each_role(role, world, no_throttling, keep_test_connection):
    schema = live_schema()
    headers = _bearer(role, world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, "the schema lost operations"
    # the roles that reach most of the API get the most examples; the others mostly meet 403s
    examples = {"anonymous": 1, "observer": 2, "other_observer": 1, "organizer": 2}.get(role, EXAMPLES)
    ran = 0
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Exception as exc:  # name the operation and role in the failure
                raise AssertionError(f"{role} {operation.method.upper()} {operation.path} ({mode}):\n{exc}") from exc
            ran += 1
    assert ran >= 2 * (len(operations) - len(SKIPPED))
