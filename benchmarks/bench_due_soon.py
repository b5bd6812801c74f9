"""The due-soon query: open deadlines due today through the next 7 days, soonest first, for the
busiest lawyer (their own cases) and for everyone (a coordinator), through the selector the pages,
API and reminders use (`citations.selectors.deadlines_due`): how many there are (the COUNT), and
the first page of 50 with its joins and prefetch. Figures only (the issue sets no goal)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402
from benchmarks.bench_lists import busiest_lawyer  # noqa: E402


def main() -> harness.Results:
    args = harness.parser(__doc__).parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_due_soon", info)
    print(f"due-soon deadlines ({args.db}, {args.scale}, median of {repeat}):")

    from citations.selectors import deadlines_due

    lawyer = busiest_lawyer()
    coordinator = harness.client_for("coordinator").bench_user
    for who, user in (("one lawyer", lawyer), ("everyone", coordinator)):
        for days in (7, 30):
            total = deadlines_due(user=user, within_days=days).count()

            def count(user=user, days=days) -> int:  # type: ignore[no-untyped-def]
                return deadlines_due(user=user, within_days=days).count()

            def page(user=user, days=days) -> list:  # type: ignore[no-untyped-def]
                # What a page or the reminder shows first: 50 rows with the joined case, event,
                # rule, citation and complaint, and the case's lawyers (prefetched).
                rows = deadlines_due(user=user, within_days=days)[:50]
                return [(d.case.number, d.due_at, [u.pk for u in d.case.lawyers.all()]) for d in rows]

            _, captured = harness.capture_queries(page)
            ms, _ = harness.median_ms(count, repeat=repeat)
            results.add(f"due in {days} days, {who}: count ({total} deadlines)", ms, "ms")
            ms, _ = harness.median_ms(page, repeat=repeat)
            results.add(
                f"due in {days} days, {who}: first 50, soonest first", ms, "ms", note=f"{len(captured)} queries"
            )
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
