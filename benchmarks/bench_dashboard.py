"""The organizer's dashboard at scale: how many SQL queries, and how its time compares with the
single slowest aggregate query inside it (goals: at most 10 queries; at most 3x that query).

The dashboard runs its aggregates at once on separate connections (DASHBOARD_QUERY_THREADS);
the queries are counted and captured with that turned off (a capture sees one connection), and
the request is timed both ways: as configured, and with the aggregates one after another."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

QUERY_GOAL = 10
RATIO_GOAL = 3.0
ENDPOINT = "/api/v1/dashboard/"


def main() -> harness.Results:
    args = harness.parser(__doc__).parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_dashboard", info)
    print(f"dashboard ({args.db}, {args.scale}, median of {repeat}):")

    from citations.dashboard import dashboard_summary

    client = harness.token_client_for("organizer")
    probe = client.get(ENDPOINT)
    if probe.status_code == 200:
        label = f"GET {ENDPOINT} (bearer token)"

        def call() -> object:
            response = client.get(ENDPOINT)
            assert response.status_code == 200, response.status_code
            return response
    else:
        label = "dashboard_summary() (no API endpoint yet)"

        def call() -> object:
            return dashboard_summary()

    from django.test.utils import override_settings

    def one_after_another() -> object:
        with override_settings(DASHBOARD_QUERY_THREADS=1):
            return call()

    call()  # warm caches (role lookup, compiled templates, the database's page cache)
    _, queries = harness.capture_queries(one_after_another)
    aggregates = [
        q for q in queries if "GROUP BY" in q.sql.upper() or "COUNT(" in q.sql.upper() or "SUM(" in q.sql.upper()
    ]
    results.add("dashboard: SQL queries per request", len(queries), "queries", goal=QUERY_GOAL, note=label)

    slowest_ms, slowest_sql = 0.0, ""
    for query in aggregates:
        ms, _ = harness.median_ms(lambda q=query: harness.run_query(q), repeat=repeat, warmup=1)
        if ms > slowest_ms:
            slowest_ms, slowest_sql = ms, query.sql
    pair = harness.paired(
        call, lambda: harness.run_query(next(q for q in aggregates if q.sql == slowest_sql)), repeat=repeat
    )
    results.add("dashboard: request time", pair.a_ms, "ms", note=label)
    results.add("dashboard: slowest aggregate query alone", pair.b_ms, "ms", note=slowest_sql[:70] + "...")
    results.add("dashboard: request / slowest aggregate query", pair.ratio, "x", goal=RATIO_GOAL)
    from django.conf import settings

    serial = harness.paired(
        one_after_another,
        lambda: harness.run_query(next(q for q in aggregates if q.sql == slowest_sql)),
        repeat=repeat,
    )
    results.add("dashboard: request, aggregates one after another", serial.a_ms, "ms", note="DASHBOARD_QUERY_THREADS=1")
    results.add("dashboard: that request / slowest aggregate query", serial.ratio, "x")
    results.info["dashboard_query_threads"] = settings.DASHBOARD_QUERY_THREADS
    results.info["dashboard_endpoint"] = label
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
