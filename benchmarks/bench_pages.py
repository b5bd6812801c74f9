"""Every HTML page of every role, timed through the whole Django stack (middleware, second-factor
gate, scope, audit entry, template), on the load-data set. Goal: a median of at most 300 ms per
page at full scale (10,000 people), on SQLite and PostgreSQL.

The lawyer is the busiest load-data lawyer (most cases); the case and citation pages are those of
their case with the most citations; the docket is the busiest hearing day. Each figure's note
gives its SQL query count."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

GOAL_MS = 300.0


def _pages(args) -> list[tuple[str, object, str]]:  # type: ignore[no-untyped-def]
    """(role, client, path) for every GET page of every role, on the busiest records."""
    from django.db.models import Count

    from cases.models import Case, User
    from citations.models import Citation

    lawyer = (
        User.objects.filter(username__startswith="load-lawyer-")
        .annotate(n=Count("assigned_cases"))
        .order_by("-n", "username")
        .first()
    )
    case = Case.objects.filter(lawyers=lawyer).annotate(n=Count("citations")).order_by("-n", "number").first()
    citation = Citation.objects.filter(case=case).order_by("issued_at", "id").first()
    busiest = (
        Citation.objects.filter(hearing_at__isnull=False)
        .values("hearing_at__date")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    docket = f"/desk/docket/?date={busiest['hearing_at__date'].isoformat()}" if busiest else "/desk/docket/"
    clients = {
        "observer": harness.client_for("observer"),
        "lawyer": harness.client_for_user(lawyer),
        "organizer": harness.client_for("organizer"),
        "coordinator": harness.client_for("coordinator"),
        "administrator": harness.client_for("administrator"),
    }
    common = ["/", "/account/security/"]
    desk = [
        "/desk/cases/",
        f"/desk/cases/{case.public_id}/",
        f"/desk/citations/{citation.public_id}/",
        "/desk/due/",
        "/desk/docket/",
        docket,
    ]
    pages = {
        "observer": [*common, "/observe/", "/observe/reports/"],
        "lawyer": [*common, *desk, "/citations/dashboard/", "/citations/calendar/"],
        "organizer": [*common, "/citations/dashboard/"],
        "coordinator": [
            *common, *desk, "/coordination/", "/coordination/accounts/", "/coordination/audit/",
            "/citations/dashboard/", "/citations/import/",
        ],
        "administrator": [*common, "/desk/cases/", f"/desk/cases/{case.public_id}/", "/coordination/"],
    }  # fmt: skip
    return [(role, clients[role], path) for role, paths in pages.items() for path in paths]


def main() -> harness.Results:
    args = harness.parser(__doc__).parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_pages", info)
    print(f"Every page of every role ({args.db}, {args.scale}, median of {repeat}):")
    for role, client, path in _pages(args):
        response = client.get(path)  # type: ignore[attr-defined]
        assert response.status_code == 200, (role, path, response.status_code)

        def call(client=client, path=path) -> None:  # type: ignore[no-untyped-def]
            assert client.get(path).status_code == 200

        _, queries = harness.capture_queries(call)
        median, _ = harness.median_ms(call, repeat=repeat, warmup=1)
        label = path if len(path) < 40 else path[:37] + "..."
        results.add(f"{role} {label}", median, "ms", goal=GOAL_MS, note=f"{len(queries)} queries")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
