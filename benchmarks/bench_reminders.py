"""Reminders at scale: N people (each with SMS consent and a hearing tomorrow) all due a "morning
before" reminder now; the every-minute job plans and queues them, then two real `db_worker`
processes hand every message to the fake SMS provider on 127.0.0.1.

    python benchmarks/bench_reminders.py --people 1000 [--people 10000 ...] [--workers 2]

Goal (issue: reminders at scale): 10,000 people planned and handed to the provider in under 5
minutes on two workers, memory flat as the count grows. PostgreSQL only (the workers share the
database); its own database, `reminders_bench` (BENCH_PG_URL names the server), rebuilt for each
count. Figures: plan (the `send_reminders` job: planning and queuing), send (the two workers),
total; the planner's Python allocation peak and each process's peak RSS. The workers poll the
queue as in production; their start-up is not counted."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"
GOAL_SECONDS = 300.0


def _recreate(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _seed(people: int, hearing_at: datetime.datetime) -> None:
    """People, cases and notices to appear written in bulk (encrypted fields and blind indexes
    computed per row as the services would); deadlines by the deadline engine itself."""
    from cases.models import Case, Demonstrator, Event
    from citations.deadlines import sync_citation_deadlines
    from citations.models import Citation, CitationKind, CitationStatus
    from reminders.models import ContactPreference

    event = Event.objects.create(
        name="Benchmark march", starts_at=hearing_at - datetime.timedelta(days=20), jurisdiction="PA-PHL"
    )
    issued = hearing_at - datetime.timedelta(days=19)
    chunk = 1000
    for start in range(0, people, chunk):
        rows = range(start, min(start + chunk, people))
        persons = Demonstrator.objects.bulk_create(
            Demonstrator(
                legal_name=f"Bench Person {i}",
                date_of_birth=datetime.date(1990, 1, 1) + datetime.timedelta(days=i % 5000),
                phone=f"+1215{i:07d}",
                email=f"person{i}@example.org",
                preferred_language="Spanish" if i % 3 == 0 else "English",
                consent_contact_sms=True,
            )
            for i in rows
        )
        ContactPreference.objects.bulk_create(ContactPreference(demonstrator=p, sms=True) for p in persons)
        cases = Case.objects.bulk_create(
            Case(number=f"B-{i:07d}", event=event, demonstrator=p, status="active")
            for i, p in zip(rows, persons, strict=True)
        )
        citations = Citation.objects.bulk_create(
            Citation(
                case=case,
                number=f"BN-{i:07d}",
                kind=CitationKind.PHL_SUMMARY_NTA,
                offense_code="18 Pa.C.S. § 5502",
                issued_at=issued,
                hearing_at=hearing_at,
                courtroom=f"{1100 + i % 8}",
                status=CitationStatus.HEARING_SCHEDULED,
                jurisdiction="PA-PHL",
            )
            for i, case in zip(rows, cases, strict=True)
        )
        sync_citation_deadlines(citations)


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run(people: int, workers: int, base_url: str) -> dict[str, float]:
    url = f"{base_url.rstrip('/')}/reminders_bench"
    _recreate(url)
    tz = ZoneInfo("America/New_York")
    local_now = datetime.datetime.now(tz)
    from tests.reminders.fake_provider import SID, TOKEN, start_fake_provider

    fake = start_fake_provider()
    env = {
        "BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.reminders_settings",
        "REMINDERS_SMS_PROVIDER": "twilio",
        "TWILIO_API_BASE": fake.base_url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": "+12155550000",
        "REMINDERS_SMS_RATE_PER_SECOND": "1000",
        "REMINDERS_SEND_HOUR": str(local_now.hour),  # the morning-before moment is this hour, today
        "REMINDERS_QUIET_START": "0",  # no quiet hours, whatever the hour the benchmark runs at
        "REMINDERS_QUIET_END": "0",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from reminders.models import Message, MessageStatus
    from reminders.services import reminders_tick
    from reminders.tasks import messages_dispatch

    call_command("migrate", verbosity=0)
    hearing_at = datetime.datetime.combine(
        local_now.date() + datetime.timedelta(days=1), datetime.time(10, 0), tzinfo=tz
    )
    seeded = time.perf_counter()
    _seed(people, hearing_at)
    seed_seconds = time.perf_counter() - seeded
    connection.close()

    # The workers run as in production (polling the queue), started before the job and given
    # time to start, which the figures leave out.
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", "--queue-name", "*"]
    procs = [
        subprocess.Popen(  # noqa: S603 - our own manage.py
            [*command, "--worker-id", f"bench-{i}"], cwd=ROOT, env={**os.environ, **env}
        )
        for i in range(workers)
    ]
    time.sleep(8)

    started = time.perf_counter()
    tracemalloc.start()
    report = reminders_tick()
    queued = messages_dispatch()
    _, plan_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    planned = time.perf_counter()
    assert report.planned == people and queued == people, (report.as_dict(), queued)
    waiting = Message.objects.filter(status__in=(MessageStatus.PENDING, MessageStatus.SENDING))
    while waiting.exists():
        time.sleep(0.25)
    finished = time.perf_counter()
    worker_rss = [_peak_rss_mib(proc.pid) for proc in procs]
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(timeout=60)
    received = len(fake.received)
    unique = len({r.to for r in fake.received})
    fake.stop()
    sent = Message.objects.filter(status=MessageStatus.SENT).count()
    assert received == unique == sent == people, (received, unique, sent)
    return {
        "people": people,
        "workers": workers,
        "seed_s": round(seed_seconds, 2),
        "plan_and_queue_s": round(planned - started, 2),
        "send_s": round(finished - planned, 2),
        "total_s": round(finished - started, 2),
        "messages_per_s": round(people / (finished - started), 1),
        "planner_python_peak_mib": round(plan_peak / 2**20, 2),
        "planner_rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_rss_peak_mib": max(worker_rss),
        "load_1min": round(os.getloadavg()[0], 2),
        "goal_total_s": GOAL_SECONDS,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--people", type=int, action="append", help="how many people (repeatable); default 1000")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "reminders.json")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one count, in this process
    args = p.parse_args()
    base = os.environ.get("BENCH_PG_URL", PG_DEFAULT)
    if args.one:
        print(json.dumps(run(args.one, args.workers, base)))
        return 0
    results = []
    for people in args.people or [1000]:
        # Each count in a fresh process: a clean Django setup, and its own peak RSS.
        out = subprocess.run(  # noqa: S603 - this script
            [sys.executable, __file__, "--one", str(people), "--workers", str(args.workers)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(figures)
        verdict = "PASS" if figures["total_s"] <= GOAL_SECONDS else "MISS"
        print(
            f"{people:>6} people, {args.workers} workers: plan+queue {figures['plan_and_queue_s']:.1f} s, "
            f"send {figures['send_s']:.1f} s, total {figures['total_s']:.1f} s (goal <= {GOAL_SECONDS:.0f} s: "
            f"{verdict}); planner peak {figures['planner_python_peak_mib']} MiB Python / "
            f"{figures['planner_rss_peak_mib']} MiB RSS, worker peak RSS {figures['worker_rss_peak_mib']} MiB; "
            f"load {figures['load_1min']}",
            flush=True,
        )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(r["total_s"] <= GOAL_SECONDS for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
