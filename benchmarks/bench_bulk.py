"""The merge queue and the bulk actions at the scale of a mass arrest (invented names).

- the merge queue's close spellings within one event of 3,000 arrestees: names compared within
  blocks (`custody.selectors.duplicates.close_pairs`) against every name with every other (the
  comparison it replaced, one rapidfuzz cdist over the event), interleaved, with the pairs each
  finds; and the queue over every event (`likely_duplicate_pairs`): its query count with 2 and
  with 20 events (it must not grow);
- the bulk actions at their largest realistic size: 3,000 cases assigned to one lawyer and the
  outcomes of a 200-defendant courtroom list. The confirmation's request (which now only queues a
  run; goal: median at most 300 ms, the page goal) against the work the worker then does (what
  the request used to do itself).

    python benchmarks/bench_bulk.py [--db sqlite|postgres] [--people 3000] [--repeat 5]
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402
from benchmarks.bench_intake import FIRST, LAST  # noqa: E402

EVENT = "Bulk benchmark: mass arrest (generated)"
PAGE_GOAL_MS = 300.0


def _every_pair(candidates: list[tuple[int, str, str]]) -> int:
    """The comparison the queue used to make: every name of the event with every other."""
    import numpy
    from rapidfuzz import fuzz, process

    from core.crypto import normalise_text
    from custody.selectors.duplicates import CLOSE_SPELLING_CUTOFF, comparable

    ids, choices = [], []
    for pk, legal, preferred in candidates:
        for name in (legal, preferred):
            if name and len(normalise_text(name)) >= 3:
                ids.append(pk)
                choices.append(comparable(name))
    scores = process.cdist(
        choices, choices, scorer=fuzz.ratio, processor=None, score_cutoff=CLOSE_SPELLING_CUTOFF, dtype=numpy.uint8
    )
    rows, columns = numpy.nonzero(scores)
    return len({(ids[i], ids[j]) for i, j in zip(rows.tolist(), columns.tolist(), strict=True) if ids[i] < ids[j]})


def _typo(rng: random.Random, name: str) -> str:
    chars = list(name)
    at = rng.randrange(len(chars))
    if rng.random() < 0.5:
        del chars[at]
    else:
        chars[at] = rng.choice("aeiourstn")
    return "".join(chars)


def main() -> harness.Results:
    p = harness.parser(__doc__)
    p.add_argument("--people", type=int, default=3_000)
    p.add_argument("--courtroom", type=int, default=200)
    args = p.parse_args()
    info = harness.setup(args, load=False)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_bulk", {**info, "arrestees": args.people, "courtroom": args.courtroom})

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases.models import Case, Demonstrator, Event
    from cases.services import case_numbers_reserve, cases_assign_lawyer
    from citations.models import Citation, Disposition
    from citations.services import citation_hearing_outcomes
    from custody.selectors.duplicates import close_pairs, likely_duplicate_pairs, names_of, unmerged

    lawyer = harness.client_for("lawyer").bench_user
    event, created = Event.objects.get_or_create(
        name=EVENT, defaults={"starts_at": timezone.now() - datetime.timedelta(hours=6), "jurisdiction": "PA-PHL"}
    )
    if created or Case.objects.filter(event=event).count() < args.people:
        rng = random.Random(harness.SEED)
        names = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(args.people)]
        names[-args.people // 10 :] = [_typo(rng, name) for name in names[: args.people // 10]]  # reported twice
        with transaction.atomic():
            people = [Demonstrator(legal_name=name, phone=f"267-556-{i:04d}") for i, name in enumerate(names)]
            Demonstrator.objects.bulk_create(people, batch_size=1000)
            numbers = case_numbers_reserve(year=timezone.localdate().year, count=len(people))
            Case.objects.bulk_create(
                [Case(event=event, demonstrator=p, number=n, status="intake") for p, n in zip(people, numbers, strict=True)],
                batch_size=1000,
            )  # fmt: skip
    print(f"merge queue and bulk actions, {args.people} arrestees ({args.db}, median of {repeat}):", flush=True)

    candidates = names_of(Demonstrator.objects.filter(cases__event=event))
    found = {"blocked": len(close_pairs(candidates)), "every pair": _every_pair(candidates)}
    pair = harness.paired(lambda: close_pairs(candidates), lambda: _every_pair(candidates), repeat=repeat)
    results.add("close spellings, one event: compared within blocks", pair.a_ms, "ms")
    results.add("close spellings, one event: every pair (before)", pair.b_ms, "ms")
    results.add("  ratio blocked / every pair", pair.ratio, "x",
                note=f"pairs found: {found['blocked']} blocked, {found['every pair']} every pair")  # fmt: skip

    people = unmerged(Demonstrator.objects.all())
    counts = []
    for events in (2, 20):
        while Event.objects.filter(name__startswith="Bulk benchmark: small event").count() < events:
            small = Event.objects.create(name=f"Bulk benchmark: small event {timezone.now().isoformat()}",
                                         starts_at=timezone.now())  # fmt: skip
            for name in ("Robin Vale", "Robin Vail"):
                Case.objects.create(event=small, demonstrator=Demonstrator.objects.create(legal_name=name))
        with CaptureQueriesContext(connection) as seen:
            likely_duplicate_pairs(people=people, limit=100)
        counts.append(len(seen))
    results.add("merge queue over every event: queries with 2 events", counts[0], "queries")
    results.add("merge queue over every event: queries with 20 events", counts[1], "queries")
    median, _ = harness.median_ms(lambda: likely_duplicate_pairs(people=people, limit=100), repeat=max(3, repeat // 2))
    results.add("merge queue over every event (selector)", median, "ms")

    # --- cases to one lawyer: the request queues, the worker assigns. One request carries at most
    # 1,000 cases (the API's limit; the page shows 500 at a time): 3,000 is three requests, or the
    # command, and the worker's work is measured at 3,000.
    cases = list(Case.objects.filter(event=event).order_by("number")[: args.people])
    api = harness.token_client_for("coordinator")
    body = {"lawyer": lawyer.username, "cases": [str(c.public_id) for c in cases[:1000]], "confirm": True}

    def confirm_assignment() -> None:
        with transaction.atomic():  # rolled back: the run is queued on commit, so never run here
            response = api.post("/api/v1/bulk/assign/", body, content_type="application/json")
            assert response.status_code == 202, response.status_code
            transaction.set_rollback(True)

    median, _ = harness.median_ms(confirm_assignment, repeat=repeat, warmup=1)
    results.add("assign 1,000 cases: the confirmation's request (API, queues a run)", median, "ms", goal=PAGE_GOAL_MS)

    def assign_in_worker() -> None:
        with transaction.atomic():
            cases_assign_lawyer(cases=cases, lawyer=lawyer, by=api.bench_user)
            transaction.set_rollback(True)

    worker = harness.timed(assign_in_worker)
    results.add(f"assign {len(cases)} cases: the work (in the worker; the request's before)", worker, "ms")

    # --- a 200-defendant courtroom list's outcomes.
    listed = cases[: args.courtroom]
    hearing = timezone.now().replace(hour=9, minute=30, second=0, microsecond=0)
    with transaction.atomic():
        for case in listed:
            case.lawyers.add(lawyer)
        if not Citation.objects.filter(case__in=listed).exists():
            Citation.objects.bulk_create([
                Citation(case=case, number=f"BB-{case.pk}", kind="phl_summary_nta", offense_code="18 Pa.C.S. § 5503",
                         issued_at=hearing - datetime.timedelta(days=9), hearing_at=hearing, courtroom="1104")
                for case in listed
            ])  # fmt: skip
    citations = list(Citation.objects.filter(case__in=listed))
    lawyer_client = harness.client_for_user(lawyer)
    outcomes = {f"outcome-{c.public_id}": Disposition.DISMISSED for c in citations}
    form = {"date": hearing.date().isoformat(), "courtroom": "1104", **outcomes, "confirm": "yes"}

    def confirm_outcomes() -> None:
        with transaction.atomic():
            response = lawyer_client.post("/desk/docket/outcomes/", form)
            assert response.status_code == 302, response.status_code
            transaction.set_rollback(True)

    median, _ = harness.median_ms(confirm_outcomes, repeat=repeat, warmup=1)
    results.add(f"outcomes of a {len(citations)}-defendant list: the confirmation's request", median, "ms",
                goal=PAGE_GOAL_MS)  # fmt: skip

    def outcomes_in_worker() -> None:
        with transaction.atomic():
            citation_hearing_outcomes(
                outcomes=[(c, Disposition.DISMISSED) for c in citations], decided_on=hearing.date(), by=lawyer
            )
            transaction.set_rollback(True)

    worker = harness.timed(outcomes_in_worker)
    results.add(f"outcomes of a {len(citations)}-defendant list: the work (worker; the request's before)", worker, "ms")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
