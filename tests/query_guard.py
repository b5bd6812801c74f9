"""The N+1 detector: a test fails when one request runs the same SELECT too many times.

Every request a test makes (Django's test client, DRF's APIClient, the live server for browser
tests) is watched from `request_started` to `request_finished`. Queries are grouped by their SQL
text with parameters left out (Django keeps them apart, so `... WHERE id = %s` is one shape
whatever the id) and `IN (%s, %s, ...)` lists and literal numbers collapsed. A SELECT shape seen
more than `REPEAT_LIMIT` times in one request is the signature of a query per row: the test fails
(at teardown, so requests served by the live server's thread are caught too) with
`RepeatedQueries` naming the path, the SQL shape (never a value) and the count.

Writes are not counted: a service that inserts a few related rows one by one is not a read N+1.
Opt out only with a reason, for a request that really must repeat a read:

    @pytest.mark.allow_repeated_queries(reason="imports look up each row's officer by badge")
    @pytest.mark.allow_repeated_queries(limit=60, reason="...")   # a higher limit instead

Query budgets (the same count for 1 and 50 rows) are pinned by each list's own test with
`django_assert_max_num_queries`; this detector is the backstop for every other request.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import connections

REPEAT_LIMIT = 10

_IN_LIST = re.compile(r"IN \((?:%s, )*%s\)")
_NUMBER = re.compile(r"(?<![\w.\"'])\d+(?![\w\"'])")
_SAVEPOINT = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


class RepeatedQueries(AssertionError):
    """One request ran the same SELECT more often than the limit: almost always an N+1."""


def query_shape(sql: str) -> str:
    """The SQL without what varies from row to row (parameters are already apart from it)."""
    return _NUMBER.sub("?", _IN_LIST.sub("IN (…)", " ".join(sql.split())))


def is_read(sql: str) -> bool:
    head = sql.lstrip().lstrip("(").upper()
    return head.startswith(("SELECT", "WITH")) and not _SAVEPOINT.match(sql)


@dataclass
class _Request:
    path: str
    shapes: Counter[str] = field(default_factory=Counter)
    wrappers: list[tuple[Any, Any]] = field(default_factory=list)


@dataclass
class QueryGuard:
    limit: int = REPEAT_LIMIT
    violations: list[str] = field(default_factory=list)
    _local: threading.local = field(default_factory=threading.local)

    def started(self, sender: Any = None, environ: dict[str, Any] | None = None, **kwargs: Any) -> None:
        path = (environ or {}).get("PATH_INFO", "?")
        current = _Request(path=path)
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        stack.append(current)

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if is_read(sql):
                current.shapes[query_shape(sql)] += 1
            return execute(sql, params, many, context)

        for connection in connections.all():
            connection.execute_wrappers.append(record)
            current.wrappers.append((connection, record))

    def finished(self, sender: Any = None, **kwargs: Any) -> None:
        stack = getattr(self._local, "stack", None)
        if not stack:
            return
        current = stack.pop()
        for connection, record in current.wrappers:
            if record in connection.execute_wrappers:
                connection.execute_wrappers.remove(record)
        repeated = [(shape, n) for shape, n in current.shapes.most_common() if n > self.limit]
        if not repeated:
            return
        shape, count = repeated[0]
        message = (
            f"N+1 suspected: {current.path} ran the same SELECT {count} times (limit {self.limit}); "
            f"fetch related rows with select_related/prefetch_related or one query:\n  {shape[:600]}"
        )
        self.violations.append(message)


@pytest.fixture(autouse=True)
def _n_plus_one_guard(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    marker = request.node.get_closest_marker("allow_repeated_queries")
    limit = REPEAT_LIMIT
    if marker is not None:
        if not marker.kwargs.get("reason"):
            pytest.fail("@pytest.mark.allow_repeated_queries needs reason='why this request repeats a read'")
        if "limit" not in marker.kwargs:
            yield None
            return
        limit = int(marker.kwargs["limit"])
    guard = QueryGuard(limit=limit)
    request_started.connect(guard.started, dispatch_uid=f"n-plus-one-start-{id(guard)}")
    request_finished.connect(guard.finished, dispatch_uid=f"n-plus-one-finish-{id(guard)}")
    try:
        yield guard
    finally:
        request_started.disconnect(dispatch_uid=f"n-plus-one-start-{id(guard)}")
        request_finished.disconnect(dispatch_uid=f"n-plus-one-finish-{id(guard)}")
    if guard.violations:
        raise RepeatedQueries("\n".join(guard.violations))
