"""The queries lists, deadlines and the dashboard run most, one by one (medians, no goals):
the figures behind the index choices in docs/performance.md. `--explain` also prints each
query's plan (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402


def queries() -> list[tuple[str, Callable[[], Any]]]:
    from django.db.models import Count
    from django.utils import timezone

    from cases.models import Case, Event, Incident, User
    from citations.models import Citation, Deadline

    today = timezone.localdate()
    now = timezone.now()
    event = Event.objects.annotate(n=Count("incidents")).order_by("-n").first()
    lawyer = (
        User.objects.filter(username__startswith="load-lawyer-")
        .annotate(n=Count("assigned_cases"))
        .order_by("-n")
        .first()
    )
    week = (today, today + datetime.timedelta(days=7))
    return [
        ("citations page: newest 50", lambda: list(Citation.objects.order_by("-issued_at", "-id").values("id")[:50])),
        ("citations: count by status", lambda: Citation.objects.filter(status="answered").count()),
        ("citations: group by status, kind, disposition", lambda: list(Citation.objects.values("status", "kind", "disposition").annotate(n=Count("id")))),
        ("citations: issued in a 2-day range", lambda: Citation.objects.filter(issued_at__gte=now - datetime.timedelta(days=16), issued_at__lt=now - datetime.timedelta(days=14)).count()),
        ("citations: hearings in the next 7 days", lambda: Citation.objects.filter(hearing_at__gte=now, hearing_at__lt=now + datetime.timedelta(days=7)).count()),
        ("citations: decided in a 30-day window", lambda: Citation.objects.filter(decided_on__gte=today - datetime.timedelta(days=30), decided_on__lte=today).count()),
        ("cases page: newest 50", lambda: list(Case.objects.order_by("-opened_on", "-id").values("id")[:50])),
        ("cases page: one lawyer's newest 50", lambda: list(Case.objects.filter(lawyers=lawyer).order_by("-opened_on", "-id").values("id")[:50])),
        ("cases: count by status", lambda: Case.objects.filter(status="active").count()),
        ("incidents page: newest 50", lambda: list(Incident.objects.order_by("-occurred_at", "-id").values("id")[:50])),
        ("incidents page: one event's newest 50", lambda: list(Incident.objects.filter(event=event).order_by("-occurred_at", "-id").values("id")[:50])),
        ("incidents: one local day", lambda: Incident.objects.filter(occurred_on=event.starts_at.date()).count()),
        ("deadlines: open, due in 7 days", lambda: Deadline.objects.filter(status="open", due_on__gte=week[0], due_on__lte=week[1]).count()),
        ("deadlines: one lawyer's open, due in 7 days", lambda: Deadline.objects.filter(status="open", due_on__gte=week[0], due_on__lte=week[1], case__lawyers=lawyer).count()),
        ("deadlines page: soonest 50 open", lambda: list(Deadline.objects.filter(status="open").order_by("due_at", "id").values("id")[:50])),
    ]  # fmt: skip


def explain(fn: Callable[[], Any]) -> str:
    from django.db import connection

    _, captured = harness.capture_queries(fn)
    query = captured[-1]
    prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + query.sql, query.params)
        rows = cursor.fetchall()
    return "\n".join("    " + " | ".join(str(c) for c in row) for row in rows)


def main() -> harness.Results:
    p = harness.parser(__doc__)
    p.add_argument("--explain", action="store_true")
    args = p.parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_queries", info)
    print(f"main queries ({args.db}, {args.scale}, median of {repeat}):")
    for name, fn in queries():
        ms, _ = harness.median_ms(fn, repeat=repeat)
        results.add(name, ms, "ms")
        if args.explain:
            print(explain(fn))
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
