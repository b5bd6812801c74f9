"""The plaintiff roster of one event with 3,000 people affected by force (goal: at most 300 ms
median), through the selector the page and the exports use (`claims.selectors.plaintiff_roster`),
for a coordinator (every row) and for one lawyer (their clients only), plus the page itself.

The event is built once in the benchmark database beside the generated data set: 3,000 people,
each affected in one of 1,000 incidents (three sightings of officers each), 30% with a complaint
naming an officer, 20% with a witness statement, 40% with an open citation, 5% injured at arrest.
`--database URL` points it at another database (e.g. one's own PostgreSQL database).
"""

from __future__ import annotations

import datetime
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

EVENT = "Roster benchmark: 3,000 affected"
PEOPLE = 3_000
GOAL_MS = 300


def build(lawyer, observer) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Group

    from cases.models import (
        Arrest,
        Case,
        Demonstrator,
        Event,
        ExcessiveForceComplaint,
        Incident,
        IncidentOfficer,
        Officer,
        WitnessStatement,
    )
    from citations.models import Citation, CitationKind

    rng = random.Random(21)
    start = datetime.datetime(2026, 6, 1, 18, tzinfo=datetime.UTC)
    event = Event.objects.create(name=EVENT, starts_at=start)
    people = Demonstrator.objects.bulk_create(
        Demonstrator(legal_name=f"Person {i}", preferred_name=f"P{i}" if i % 3 else "") for i in range(PEOPLE)
    )
    cases = Case.objects.bulk_create(
        Case(number=f"RB-{i:05d}", event=event, demonstrator=person) for i, person in enumerate(people)
    )
    Case.lawyers.through.objects.bulk_create(
        Case.lawyers.through(case_id=case.pk, user_id=lawyer.pk) for case in cases[::10]
    )
    officers = Officer.objects.bulk_create(
        Officer(name=f"Ofc. {i}", badge_number=f"9{i:03d}", unit="Bike Unit") for i in range(60)
    )
    incidents = Incident.objects.bulk_create(
        Incident(
            reporter=observer, event=event, occurred_at=start + datetime.timedelta(minutes=i), occurred_on=start.date()
        )
        for i in range(PEOPLE // 3)
    )
    Incident.people_affected.through.objects.bulk_create(
        Incident.people_affected.through(incident_id=incidents[i // 3].pk, case_id=case.pk)
        for i, case in enumerate(cases)
    )
    IncidentOfficer.objects.bulk_create(
        IncidentOfficer(incident=incident, officer=officer)
        for incident in incidents
        for officer in rng.sample(officers, 3)
    )
    complained = [case for case in cases if rng.random() < 0.3]
    complaints = ExcessiveForceComplaint.objects.bulk_create(
        ExcessiveForceComplaint(case=case, injuries="Bruised arm", treatment="Jefferson ER", status="filed")
        for case in complained
    )
    ExcessiveForceComplaint.officers.through.objects.bulk_create(
        ExcessiveForceComplaint.officers.through(excessiveforcecomplaint_id=c.pk, officer_id=rng.choice(officers).pk)
        for c in complaints
    )
    WitnessStatement.objects.bulk_create(
        WitnessStatement(case=case, statement="I saw it.") for case in cases if rng.random() < 0.2
    )
    Citation.objects.bulk_create(
        Citation(case=case, number=f"RB-C-{case.pk}", kind=CitationKind.PHL_CVN, offense_code="10-611", issued_at=start)
        for case in cases
        if rng.random() < 0.4
    )
    Arrest.objects.bulk_create(Arrest(case=case, arrested_at=start, injured=True) for case in cases[::20])
    Group.objects.get_or_create(name="lawyer")


def main() -> harness.Results:
    parser = harness.parser(__doc__)
    parser.add_argument("--database", default=None, help="Database URL to use instead of the scale's.")
    args = parser.parse_args()
    if args.database:
        harness.database_url = lambda db, scale: args.database  # type: ignore[assignment]  # one's own database
    info = harness.setup(args, load=False)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_roster", info)

    from cases.models import Event
    from claims.selectors import plaintiff_roster

    coordinator_client = harness.client_for("coordinator")
    coordinator = coordinator_client.bench_user
    lawyer = harness.client_for("lawyer").bench_user
    observer = harness.client_for("observer").bench_user
    if not Event.objects.filter(name=EVENT).exists():
        print("building the roster event (once)...", flush=True)
        build(lawyer, observer)
    event = Event.objects.get(name=EVENT)
    print(f"plaintiff roster ({args.db}, median of {repeat}):")
    for who, user in (("coordinator", coordinator), ("one lawyer", lawyer)):
        rows = len(plaintiff_roster(event=event, user=user))
        _, captured = harness.capture_queries(lambda user=user: plaintiff_roster(event=event, user=user))
        ms, _ = harness.median_ms(lambda user=user: plaintiff_roster(event=event, user=user), repeat=repeat)
        results.add(
            f"roster of {rows} people, {who}",
            ms,
            "ms",
            goal=GOAL_MS if who == "coordinator" else None,
            note=f"{len(captured)} queries",
        )
    url = f"/claims/events/{event.public_id}/roster/"
    ms, _ = harness.median_ms(lambda: coordinator_client.get(url), repeat=repeat)
    results.add("roster page (first 200 of 3,000 rows), coordinator", ms, "ms")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
