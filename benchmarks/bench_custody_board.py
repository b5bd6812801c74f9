"""The custody board of one event with 3,000 arrestees (goal: the board page at most 300 ms
median), for a coordinator and for a jail-support account assigned to the event; beside it the
selector alone, the version the watchers poll with and the poll's 304.

The event is built once in the benchmark database: 3,000 people (a third with a preferred name,
5% with special needs), one arrest each spread over the seven stages and over the last 20 hours
(so some are past the alert), a place for those held, 300 hotline entries of which 240 are
linked (half with medical needs, a third with someone waiting outside).
`--database URL` points it at another database (e.g. one's own PostgreSQL database).
"""

from __future__ import annotations

import datetime
import random
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

EVENT = "Custody board benchmark: 3,000 arrestees"
PEOPLE = 3_000
ENTRIES = 300
GOAL_MS = 300


def build(coordinator, volunteer) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from cases.models import Arrest, Case, CustodyStatus, Demonstrator, Event
    from custody.models import CustodyPlace, CustodyPlacement, HotlineEntry, JailSupportAssignment

    rng = random.Random(17)
    now = timezone.now()
    event = Event.objects.create(name=EVENT, starts_at=now - datetime.timedelta(hours=22))
    JailSupportAssignment.objects.create(user=volunteer, event=event, assigned_by=coordinator)
    places = list(CustodyPlace.objects.all())
    people = Demonstrator.objects.bulk_create(
        Demonstrator(
            legal_name=f"Person {i}",
            preferred_name=f"P{i}" if i % 3 == 0 else "",
            special_needs="inhaler" if i % 20 == 0 else "",
        )
        for i in range(PEOPLE)
    )
    cases = Case.objects.bulk_create(
        Case(number=f"CB-{i:05d}", event=event, demonstrator=person) for i, person in enumerate(people)
    )
    stages = list(CustodyStatus.values)
    arrests = []
    for case in cases:
        stage = rng.choice(stages)
        at = now - datetime.timedelta(minutes=rng.randrange(10, 20 * 60))
        released = None if stage in CustodyStatus.in_custody() else at + datetime.timedelta(hours=2)
        arrests.append(Arrest(case=case, arrested_at=at, custody_status=stage, released_at=released))
    arrests = Arrest.objects.bulk_create(arrests)
    CustodyPlacement.objects.bulk_create(
        CustodyPlacement(arrest=arrest, place=rng.choice(places), stage_since=arrest.arrested_at)
        for arrest in arrests
        if arrest.custody_status != CustodyStatus.ARRESTED
    )
    HotlineEntry.objects.bulk_create(
        HotlineEntry(
            client_uuid=uuid.uuid4(),
            event=event,
            received_at=now - datetime.timedelta(minutes=i),
            about=f"Caller about person {i}",
            medical_needs="insulin" if i % 2 == 0 else "",
            waiting_outside="A friend" if i % 3 == 0 else "",
            arrest=arrests[rng.randrange(PEOPLE)] if i < ENTRIES * 4 // 5 else None,
            created_by=volunteer,
        )
        for i in range(ENTRIES)
    )


def main() -> harness.Results:
    parser = harness.parser(__doc__)
    parser.add_argument("--database", default=None, help="Database URL to use instead of the scale's.")
    args = parser.parse_args()
    if args.database:
        harness.database_url = lambda db, scale: args.database  # type: ignore[assignment]  # one's own database
    info = harness.setup(args, load=False)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_custody_board", info)

    from cases.models import Event
    from custody.selectors.board import board_for_event, board_version

    coordinator_client = harness.client_for("coordinator")
    volunteer_client = harness.client_for("jail_support")
    if not Event.objects.filter(name=EVENT).exists():
        print("building the custody board event (once)...", flush=True)
        build(coordinator_client.bench_user, volunteer_client.bench_user)
    event = Event.objects.get(name=EVENT)
    print(f"custody board ({args.db}, median of {repeat}):")
    _, captured = harness.capture_queries(lambda: board_for_event(event=event))
    ms, _ = harness.median_ms(lambda: board_for_event(event=event), repeat=repeat)
    results.add(f"board selector, {PEOPLE:,} arrestees", ms, "ms", note=f"{len(captured)} queries")
    ms, _ = harness.median_ms(lambda: board_version(event=event), repeat=repeat)
    results.add("board version (the poll's ETag)", ms, "ms")
    url = f"/custody/events/{event.public_id}/"
    for who, client in (("coordinator", coordinator_client), ("jail support", volunteer_client)):
        assert client.get(url).status_code == 200, who
        ms, _ = harness.median_ms(lambda client=client: client.get(url), repeat=repeat)
        results.add(f"board page, {PEOPLE:,} arrestees, {who}", ms, "ms", goal=GOAL_MS)
    partial = f"/custody/events/{event.public_id}/board/"
    etag = volunteer_client.get(partial)["ETag"]
    assert volunteer_client.get(partial, HTTP_IF_NONE_MATCH=etag).status_code == 304
    ms, _ = harness.median_ms(lambda: volunteer_client.get(partial, HTTP_IF_NONE_MATCH=etag), repeat=repeat)
    results.add("a watcher's poll while nothing changed (304)", ms, "ms")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
