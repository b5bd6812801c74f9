"""The intake desk at the scale of a mass arrest: an event of 3,000 arrestees (invented names).

- the duplicate suggestion while typing: the selector (exact blind-index matches anywhere, close
  spellings among the event's 3,000 people decrypted in memory) and the page's fetch endpoint
  (sign-in, the selector, the audit entry, JSON); goal: median at most 150 ms;
- merging a person with 10 citations (and their deadlines, an arrest) into another record with a
  case at the same event, which folds the two cases into one; goal: median at most 1 s.

    python benchmarks/bench_intake.py [--db sqlite|postgres] [--people 3000] [--repeat 15]
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

EVENT = "Intake benchmark: mass arrest (generated)"
SUGGEST_GOAL_MS = 150.0
MERGE_GOAL_MS = 1000.0
FIRST = ["Maria", "John", "Aisha", "Luis", "Mei", "Omar", "Sofia", "Jamal", "Ana", "Kevin", "Fatima", "Diego", "Grace",
         "Tyrone", "Elena", "Hiro", "Nadia", "Carlos", "Priya", "Sam", "Rosa", "Malik", "Lena", "Ivan", "Zoe", "Andre",
         "Camila", "Devon", "Yara", "Miguel", "Hana", "Jordan", "Lucia", "Tariq", "Nora", "Jose", "Keisha", "Pablo",
         "Amara", "Leo", "Ines", "Marcus", "Dana", "Rafael", "Tess", "Kofi", "Julia", "Emeka", "Ruth", "Alex"]  # fmt: skip
LAST = ["Garcia", "Smith", "Johnson", "Lopez", "Nguyen", "Brown", "Martinez", "Davis", "Rodriguez", "Wilson",
        "Hernandez", "Moore", "Taylor", "Thomas", "Jackson", "White", "Harris", "Martin", "Thompson", "Robinson",
        "Clark", "Lewis", "Lee", "Walker", "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker",
        "Adams", "Nelson", "Hill", "Ramirez", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans",
        "Turner", "Torres", "Parker", "Collins", "Edwards", "Stewart", "Flores", "Morris", "Murphy", "Rivera",
        "Cook", "Rogers", "Morgan", "Peterson", "Cooper", "Reed", "Bailey", "Bell"]  # fmt: skip


def main() -> harness.Results:
    p = harness.parser(__doc__)
    p.add_argument("--people", type=int, default=3_000)
    args = p.parse_args()
    info = harness.setup(args, load=False)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_intake", {**info, "arrestees": args.people})

    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Demonstrator, Event
    from cases.services import case_numbers_reserve
    from citations.deadlines import sync_citation_deadlines
    from citations.models import Citation
    from custody.selectors.duplicates import Typed, duplicate_suggestions
    from custody.services.merge import person_merge

    client = harness.client_for("coordinator")
    user = client.bench_user
    event, created = Event.objects.get_or_create(
        name=EVENT, defaults={"starts_at": timezone.now() - datetime.timedelta(hours=6), "jurisdiction": "PA-PHL"}
    )
    if created or Case.objects.filter(event=event).count() < args.people:
        rng = random.Random(harness.SEED)
        with transaction.atomic():
            people = [
                Demonstrator(
                    legal_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    phone=f"267-555-{i:04d}",
                    date_of_birth=datetime.date(1970 + i % 35, 1 + i % 12, 1 + i % 28),
                )
                for i in range(args.people)
            ]
            Demonstrator.objects.bulk_create(people, batch_size=1000)
            numbers = case_numbers_reserve(year=timezone.localdate().year, count=len(people))
            Case.objects.bulk_create(
                [Case(event=event, demonstrator=p, number=n) for p, n in zip(people, numbers, strict=True)],
                batch_size=1000,
            )
    print(f"intake desk, an event of {args.people} arrestees ({args.db}, median of {repeat}):", flush=True)

    # A misspelling of someone at the event (two letters swapped in the surname), as typed at a desk.
    someone = Case.objects.filter(event=event).select_related("demonstrator").first().demonstrator.legal_name
    given, surname = someone.split(" ", 1)
    misspelt = f"{given} {surname[:-2]}{surname[-1]}{surname[-2]}"
    typed = Typed(legal_name=misspelt, phone="215-555-0000")
    found = duplicate_suggestions(user=user, typed=typed, event=event)
    assert found, "the benchmark's event should suggest someone for a misspelt common name"
    cpu: list[float] = []

    def suggest() -> None:
        started = time.process_time()
        duplicate_suggestions(user=user, typed=typed, event=event)
        cpu.append((time.process_time() - started) * 1000)

    median, _ = harness.median_ms(suggest, repeat=repeat)
    results.add("duplicate suggestions (selector), 3,000 arrestees", median, "ms", goal=SUGGEST_GOAL_MS)
    results.add("duplicate suggestions (selector): CPU time of this process", statistics.median(cpu[2:]), "ms",
                note="the machine is shared: wall time includes waiting for a core")  # fmt: skip
    body = {"event": str(event.public_id), "legal_name": misspelt, "phone": "215-555-0000"}

    def fetch() -> None:
        response = client.post("/coordination/intake/duplicates/", body, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.status_code

    median, _ = harness.median_ms(fetch, repeat=repeat)
    results.add("duplicate suggestions (the page's fetch), 3,000 arrestees", median, "ms", goal=SUGGEST_GOAL_MS)

    samples = []
    merge_event = Event.objects.create(name=f"Merge benchmark {timezone.now().isoformat()}", starts_at=timezone.now())
    for i in range(max(3, repeat // 3)):
        with transaction.atomic():
            kept = Demonstrator.objects.create(legal_name=f"Merge Kept {i}")
            other = Demonstrator.objects.create(legal_name=f"Merge Other {i}")
            Case.objects.create(event=merge_event, demonstrator=kept)
            folded = Case.objects.create(event=merge_event, demonstrator=other)
            citations = [
                Citation.objects.create(
                    case=folded,
                    number=f"MB-{merge_event.pk}-{i}-{n}",
                    kind="phl_cvn",
                    offense_code="10-611",
                    issued_at=timezone.now() - datetime.timedelta(hours=2),
                )  # fmt: skip
                for n in range(10)
            ]
            sync_citation_deadlines(citations)
        samples.append(harness.timed(lambda kept=kept, other=other: person_merge(source=other, target=kept, by=user)))
    results.add("merge of a person with 10 citations (cases folded)", statistics.median(samples), "ms",
                goal=MERGE_GOAL_MS)  # fmt: skip
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
