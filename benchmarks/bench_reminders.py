"""Reminders at scale, on the load data set: N of its people (1,000 and 10,000) consent to text
reminders and each has a hearing tomorrow, so all are due their "morning before" reminder at once;
the every-minute job plans and queues them, then two real `db_worker` processes hand every message
to the fake SMS provider on 127.0.0.1.

    python benchmarks/bench_reminders.py --scale full --people 1000 --people 10000 [--repeat 3]
    python benchmarks/bench_reminders.py --scale small --people 300 --people 1000   # a quick check

Goal (issue: reminders at scale): 10,000 people planned and handed to the provider in under 5
minutes on two workers, memory flat as the count grows. PostgreSQL only (the workers share the
database). The load data set is built once by the harness (`generate_load_data` at the chosen
scale, in its benchmark database, reused by later runs; `--fresh` rebuilds it); each count runs on
a copy of it (`CREATE DATABASE ... TEMPLATE`, dropped afterwards), so the data set other benchmarks
read is never changed. On the copy, the first N people (by id) get SMS consent (a phone where the
load data gave none, a third of them Spanish) and a notice to appear tomorrow at 10:00; what the
load data already has due tomorrow joins their message, and the team alerts the load data's
missed deadlines raise are raised before the runs, so the runs time reminders only.

Each count runs in a fresh process with its own two workers (polling as in production; their
start-up is not counted): a first run measures the planner's Python allocation peak (tracemalloc,
which slows it, so it is not timed), then `--repeat` timed runs (at least 3; the messages are
deleted between runs). Figures: the medians of plan (the job: planning and queuing), send (the
two workers, until no message waits) and total; the planner's Python peak, each process's peak
RSS; the load average."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402 - after the path is set

GOAL_SECONDS = 300.0
GOAL_PEOPLE = 10_000
MIN_REPEAT = 3
TZ = ZoneInfo("America/New_York")


# --- the parent: the data set, a copy per count, the figures ------------------------------------


def _pg(url: str, *statements: str) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _copy_url(source: str) -> str:
    return f"{source}_reminders"


def _run_count(source: str, people: int, args: argparse.Namespace) -> dict[str, Any]:
    """Copy the data set, run one count in a child process on the copy, drop the copy."""
    copy = _copy_url(source)
    name, template = copy.rsplit("/", 1)[1], source.rsplit("/", 1)[1]
    _pg(copy, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        command = [sys.executable, __file__, "--child", str(people), "--url", copy]
        command += ["--repeat", str(args.repeat), "--workers", str(args.workers)]
        out = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - this script
        if out.returncode != 0:
            sys.stderr.write(out.stdout + out.stderr)
            raise SystemExit(f"the run of {people} people failed")
        figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return figures
    finally:
        _pg(copy, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    p = harness.parser(__doc__ or "")
    p.set_defaults(db="postgres")
    p.add_argument("--people", type=int, action="append", help="how many people (repeatable); default 1000")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)  # one count, in this process
    p.add_argument("--url", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.repeat = max(args.repeat or MIN_REPEAT, MIN_REPEAT)
    if args.child:
        print(json.dumps(child(args.child, args.url, repeat=args.repeat, workers=args.workers)))
        return 0
    if args.db != "postgres":
        p.error("the workers share the database: PostgreSQL only (--db postgres)")
    counts = args.people or [1000]
    info = harness.setup(args)
    from django.db import connection

    from cases.models import Demonstrator

    available = Demonstrator.objects.count()
    if max(counts) > available:
        p.error(f"the {args.scale} data set has {available} people; choose --scale full for more")
    connection.close()  # a template database must have no other session
    source = harness.database_url(args.db, args.scale)
    results = harness.Results(script="bench_reminders", info={**info, **harness.machine(), "repeat": args.repeat})
    print(f"reminders on the {args.scale} load data set, {args.workers} workers, median of {args.repeat} runs:")
    for people in counts:
        figures = _run_count(source, people, args)
        results.info[f"runs_{people}"] = figures
        goal = GOAL_SECONDS if people >= GOAL_PEOPLE else None
        results.add(f"{people} people: plan and queue (the job)", figures["plan_and_queue_s"], "s")
        results.add(f"{people} people: send (two workers)", figures["send_s"], "s")
        results.add(f"{people} people: total", figures["total_s"], "s", goal=goal)
        results.add(f"{people} people: planner Python peak", figures["planner_python_peak_mib"], "MiB")
        results.add(f"{people} people: planner peak RSS", figures["planner_rss_peak_mib"], "MiB")
        results.add(f"{people} people: worker peak RSS", figures["worker_rss_peak_mib"], "MiB")
        print(f"  (load average {figures['load_1min']}; totals {figures['totals_s']})", flush=True)
    results.write(args.json or ROOT / "var" / "bench" / "reminders.json")
    return 0 if all(figure.passed is not False for figure in results.figures) else 1


# --- the child: one count on its copy of the data set ------------------------------------------


def _environment(url: str, fake_base_url: str) -> dict[str, str]:
    from tests.reminders.fake_provider import SID, TOKEN

    return {
        "BENCH_DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benchmarks.reminders_settings",
        "REMINDERS_SMS_PROVIDER": "twilio",
        "TWILIO_API_BASE": fake_base_url,
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_FROM_NUMBER": "+12155550000",
        "REMINDERS_SMS_RATE_PER_SECOND": "1000",
        "REMINDERS_DAYS_BEFORE": "1",  # the morning before only: one message per person
        "REMINDERS_SEND_HOUR": str(datetime.datetime.now(TZ).hour),  # that moment is this hour, today
        "REMINDERS_QUIET_START": "0",  # no quiet hours, whatever the hour the benchmark runs at
        "REMINDERS_QUIET_END": "0",
    }


def _scenario(people: int, hearing_at: datetime.datetime) -> None:
    """The first `people` of the data set consent to SMS and get a notice to appear at
    `hearing_at` on their first case (deadlines by the deadline engine)."""
    from cases.models import Case, Demonstrator
    from citations.deadlines import sync_citation_deadlines
    from citations.models import Citation, CitationKind, CitationStatus
    from reminders.models import ContactPreference

    index = Demonstrator._meta.get_field("phone_index")
    chunk = 1000
    chosen = list(Demonstrator.objects.order_by("pk").values_list("pk", flat=True)[:people])
    for start in range(0, len(chosen), chunk):
        persons = list(Demonstrator.objects.filter(pk__in=chosen[start : start + chunk]).order_by("pk"))
        for i, person in enumerate(persons, start=start):
            person.phone = person.phone or f"215-556-{i:04d}"
            person.phone_index = index.compute(person)  # type: ignore[attr-defined]
            person.consent_contact_sms = True
            person.preferred_language = "Spanish" if i % 3 == 0 else "English"
        fields = ["phone", "phone_index", "consent_contact_sms", "preferred_language"]
        Demonstrator.objects.bulk_update(persons, fields)
        ContactPreference.objects.bulk_create(ContactPreference(demonstrator=p, sms=True) for p in persons)
        first_case: dict[int, Case] = {}
        for case in Case.objects.filter(demonstrator__in=persons).order_by("-pk"):
            first_case[case.demonstrator_id] = case
        citations = Citation.objects.bulk_create(
            Citation(
                case=first_case[person.pk],
                number=f"BN-{i:07d}",
                kind=CitationKind.PHL_SUMMARY_NTA,
                offense_code="18 Pa.C.S. § 5502",
                issued_at=hearing_at - datetime.timedelta(days=19),
                hearing_at=hearing_at,
                courtroom=f"{1100 + i % 8}",
                status=CitationStatus.HEARING_SCHEDULED,
                jurisdiction="PA-PHL",
            )
            for i, person in enumerate(persons, start=start)
        )
        sync_citation_deadlines(citations)


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _start_workers(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    """Start the workers (output to files, never a pipe that could fill) and wait until each polls."""
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
    procs = []
    for i in range(count):
        with (logs / f"worker-{i}.log").open("wb") as log:
            procs.append(
                subprocess.Popen(  # noqa: S603 - our own manage.py
                    [*command, "--queue-name", "*", "--worker-id", f"bench-{i}"],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    deadline = time.monotonic() + 300
    while not all("Starting worker" in (logs / f"worker-{i}.log").read_text() for i in range(count)):
        if time.monotonic() > deadline or any(proc.poll() is not None for proc in procs):
            raise SystemExit("the workers did not start")
        time.sleep(0.2)
    return procs


def _one_run(people: int, fake: Any, *, trace: bool) -> dict[str, float]:
    """Plan, queue and send every reminder once; the messages are deleted first."""
    from django_tasks_db.models import DBTaskResult

    from reminders.models import Message, MessageStatus
    from reminders.services import reminders_tick
    from reminders.tasks import messages_dispatch

    Message.objects.all().delete()
    DBTaskResult.objects.all().delete()
    with fake.lock:
        fake.received.clear()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = reminders_tick()
    queued = messages_dispatch()
    planned = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    if trace:
        tracemalloc.stop()
    # (queued may count a team alert, should a deadline of the load data pass during the run)
    assert report.planned == people and queued >= people, (report.as_dict(), queued)
    waiting = Message.objects.filter(status__in=(MessageStatus.PENDING, MessageStatus.SENDING))
    while waiting.exists():
        time.sleep(0.25)
    finished = time.perf_counter()
    received, unique = len(fake.received), len({r.to for r in fake.received})
    sent = Message.objects.filter(status=MessageStatus.SENT).count()
    assert received == unique == sent == people, (received, unique, sent)
    return {"plan": planned - started, "send": finished - planned, "total": finished - started, "peak": peak}


def child(people: int, url: str, *, repeat: int, workers: int) -> dict[str, Any]:
    from tests.reminders.fake_provider import start_fake_provider

    fake = start_fake_provider()
    env = _environment(url, fake.base_url)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from reminders.models import Message
    from reminders.services import team_alerts_raise

    hearing_at = datetime.datetime.combine(
        datetime.datetime.now(TZ).date() + datetime.timedelta(days=1), datetime.time(10, 0), tzinfo=TZ
    )
    prepared = time.perf_counter()
    _scenario(people, hearing_at)
    team_alerts_raise()  # the load data's own missed deadlines: alerted once, before the runs
    Message.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    scenario_s = time.perf_counter() - prepared
    connection.close()

    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as logs:
        procs = _start_workers(workers, env, Path(logs))
        try:
            memory = _one_run(people, fake, trace=True)
            runs = [_one_run(people, fake, trace=False) for _ in range(repeat)]
            worker_rss = [_peak_rss_mib(proc.pid) for proc in procs]
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=60)
    fake.stop()

    def median(name: str) -> float:
        return round(statistics.median(run[name] for run in runs), 2)

    return {
        "people": people,
        "workers": workers,
        "runs": repeat,
        "scenario_s": round(scenario_s, 1),
        "plan_and_queue_s": median("plan"),
        "send_s": median("send"),
        "total_s": median("total"),
        "totals_s": [round(run["total"], 1) for run in runs],
        "planner_python_peak_mib": round(memory["peak"] / 2**20, 2),
        "planner_rss_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_rss_peak_mib": max(worker_rss),
        "load_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    sys.exit(main())
