"""The due-soon query: open deadlines due today through the next 7 days, soonest first, for the
busiest lawyer (their own cases) and for everyone (a coordinator), through the selector the pages,
API and reminders use (`citations.selectors.deadlines_due`), evaluated with its prefetches.
Figures only (the issue sets no goal); the query count is printed too."""

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

            def run(user=user, days=days) -> list:  # type: ignore[no-untyped-def]
                return [
                    (d.case.number, d.due_at, [u.pk for u in d.case.lawyers.all()])
                    for d in deadlines_due(user=user, within_days=days)
                ]

            rows, captured = harness.capture_queries(run)
            ms, _ = harness.median_ms(run, repeat=repeat)
            results.add(f"due in {days} days, {who} ({len(rows)} deadlines)", ms, "ms", note=f"{len(captured)} queries")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
