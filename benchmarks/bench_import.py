"""Bulk import of a jail-support CSV: the median time of importing N rows (default 10,000) with
citations.imports.import_citations_csv, against a bare bulk_create of the same people, cases and
citations (encryption and blind indexes included, no parsing, validation, dedupe, deadlines or
audit), and the median of the paired ratios.

Goals: a 10,000-row import in under 60 s on SQLite; at most 3x the bare bulk_create.

    python benchmarks/bench_import.py [--db sqlite|postgres] [--rows 10000] [--repeat 5]
"""

from __future__ import annotations

import csv
import datetime
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

EVENT = "Import benchmark (generated)"
SECONDS_GOAL = 60.0
RATIO_GOAL = 3.0


def make_csv(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "date of birth", "phone", "citation number", "agency", "offense", "issued at", "place",
                     "officer badge", "notes"])  # fmt: skip
    for i in range(rows):
        writer.writerow([
            f"Bench Person {i:06d}", f"{1960 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d}", f"215-555-{i % 10000:04d}",
            f"BENCH-{i:07d}", "Philadelphia Police Department", "Phila. Code § 10-611 Obstruction of highways",
            f"2026-06-01 {18 + i % 5}:{i % 60:02d}", "8th & Arch St", str(4000 + i % 300),
            "Needs daily medication" if i % 9 == 0 else "",
        ])  # fmt: skip
    return out.getvalue().encode()


def main() -> harness.Results:
    p = harness.parser(__doc__)
    p.add_argument("--rows", type=int, default=10_000)
    args = p.parse_args()
    info = harness.setup(args, load=False)
    repeat = args.repeat or 5
    results = harness.Results("bench_import", {**info, "rows": args.rows})

    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Demonstrator, Event, User
    from cases.services import case_numbers_reserve
    from citations.imports import decode, split_offense
    from citations.models import Citation, Deadline

    event, _ = Event.objects.get_or_create(
        name=EVENT, defaults={"starts_at": timezone.now() - datetime.timedelta(days=3), "jurisdiction": "PA-PHL"}
    )
    by, _ = User.objects.get_or_create(username="bench-coordinator")
    data = make_csv(args.rows)
    parsed = list(csv.DictReader(io.StringIO(decode(data))))
    tz = datetime.timezone(datetime.timedelta(hours=-4))

    def clean() -> None:
        with transaction.atomic():
            people = list(Case.objects.filter(event=event).values_list("demonstrator_id", flat=True))
            Deadline.objects.filter(case__event=event).delete()
            Citation.objects.filter(case__event=event).delete()
            Case.objects.filter(event=event).delete()
            for start in range(0, len(people), 5000):
                Demonstrator.objects.filter(pk__in=people[start : start + 5000]).delete()

    def run_import() -> None:
        from citations.imports import import_citations_csv

        result = import_citations_csv(data=data, by=by, event=event)
        assert result.ok and result.created == args.rows, result.errors[:3]

    def run_bare() -> None:
        with transaction.atomic():
            people = [
                Demonstrator(
                    legal_name=r["name"],
                    date_of_birth=datetime.date.fromisoformat(r["date of birth"]),
                    phone=r["phone"],
                    support_notes=r["notes"],
                )  # fmt: skip
                for r in parsed
            ]
            Demonstrator.objects.bulk_create(people, batch_size=1000)
            numbers = case_numbers_reserve(year=2026, count=len(people))
            cases = [Case(event=event, demonstrator=p, number=n) for p, n in zip(people, numbers, strict=True)]
            Case.objects.bulk_create(cases, batch_size=1000)
            citations = []
            for r, case in zip(parsed, cases, strict=True):
                code, description = split_offense(r["offense"])
                citations.append(
                    Citation(
                        case=case,
                        number=r["citation number"],
                        agency=r["agency"],
                        kind="phl_cvn",
                        offense_code=code,
                        offense_description=description,
                        place=r["place"],
                        issued_at=datetime.datetime.fromisoformat(r["issued at"]).replace(tzinfo=tz),
                        officer_badge_as_written=r["officer badge"],
                    )  # fmt: skip
                )
            Citation.objects.bulk_create(citations, batch_size=1000)

    print(f"import of {args.rows} rows ({args.db}, median of {repeat}):", flush=True)
    clean()
    samples_import, samples_bare, ratios, cpu_import = [], [], [], []
    for i in range(repeat):
        order = [("import", run_import), ("bare", run_bare)]
        if i % 2:
            order.reverse()
        times, cpu = {}, {}
        for name, fn in order:
            started = time.process_time()
            times[name] = harness.timed(fn) / 1000
            cpu[name] = time.process_time() - started
            clean()
        cpu_import.append(cpu["import"])
        samples_import.append(times["import"])
        samples_bare.append(times["bare"])
        ratios.append(times["import"] / times["bare"])
        print(
            f"  run {i + 1}: import {times['import']:.2f} s ({cpu['import']:.2f} s CPU), "
            f"bare bulk_create {times['bare']:.2f} s ({cpu['bare']:.2f} s CPU)",
            flush=True,
        )
    results.add(f"import {args.rows} rows", statistics.median(samples_import), "s",
                goal=SECONDS_GOAL if args.rows <= 10_000 else None)  # fmt: skip
    results.add(f"import {args.rows} rows: CPU time of this process", statistics.median(cpu_import), "s",
                note="the machine is shared: wall time includes waiting for a core")  # fmt: skip
    results.add(f"bare bulk_create of the same {args.rows} rows", statistics.median(samples_bare), "s")
    results.add("import / bare bulk_create", statistics.median(ratios), "x", goal=RATIO_GOAL)
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
