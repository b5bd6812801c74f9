"""A list page of 50 rows through the real API against the framework's floor (a plain Django view
returning JsonResponse of `.values()` for the same rows, benchmarks/urls.py), for citations, cases
and incidents, as a coordinator (every row) and as the busiest lawyer (their own cases).
Goal: the API at most 1.5x the floor (it was 2x), decryption of personal fields included on both
sides; a stock DRF serializer page of the same rows is about 1.84x."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

GOAL = 1.5
LISTS = [("citations", "/api/v1/citations/"), ("cases", "/api/v1/cases/"), ("incidents", "/api/v1/incidents/")]


def busiest_lawyer():  # type: ignore[no-untyped-def]
    from django.db.models import Count

    from cases.models import User

    return (
        User.objects.filter(username__startswith="load-lawyer-")
        .annotate(n=Count("assigned_cases"))
        .order_by("-n", "username")
        .first()
    )


def main() -> harness.Results:
    args = harness.parser(__doc__).parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_lists", info)
    print(f"50-row list pages, API vs floor ({args.db}, {args.scale}, median of {repeat}):")
    clients = {"coordinator": harness.client_for("coordinator"), "lawyer": harness.client_for_user(busiest_lawyer())}
    for kind, url in LISTS:
        for who, client in clients.items():
            if who == "lawyer" and kind == "incidents":
                continue  # a lawyer sees only incidents tied to their cases: a handful, not a page
            api = client.get(url)
            if api.status_code == 404:
                print(f"  {kind}: no API endpoint yet, skipped")
                break
            assert api.status_code == 200, (url, api.status_code, api.content[:300])
            floor = client.get(f"/bench-floor/{kind}/")
            assert floor.status_code == 200, floor.status_code
            api_rows, floor_rows = len(api.json()["results"]), len(floor.json()["results"])
            assert api_rows == floor_rows, (kind, who, api_rows, floor_rows)

            def call_api(client=client, url=url) -> None:  # type: ignore[no-untyped-def]
                assert client.get(url).status_code == 200

            def call_floor(client=client, kind=kind) -> None:  # type: ignore[no-untyped-def]
                assert client.get(f"/bench-floor/{kind}/").status_code == 200

            _, api_queries = harness.capture_queries(call_api)
            _, floor_queries = harness.capture_queries(call_floor)
            pair = harness.paired(call_api, call_floor, repeat=repeat)
            label = f"{kind} as {who} ({api_rows} rows)"
            results.add(f"{label}: API", pair.a_ms, "ms", note=f"{len(api_queries)} queries")
            results.add(f"{label}: floor", pair.b_ms, "ms", note=f"{len(floor_queries)} queries")
            results.add(f"{label}: API / floor", pair.ratio, "x", goal=GOAL)
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
