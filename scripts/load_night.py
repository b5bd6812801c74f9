"""Load test of the night of a mass arrest: sets up, runs, checks.

    python scripts/load_night.py [--time 300] [--observers 50] [--watchers 20] [--desks 5]
                                 [--database postgres://postgres@127.0.0.1:5432/tracker_load]

1. Migrates its own PostgreSQL database (dropped and created afresh each run: an earlier run's
   rows may be sealed under another checkout's keys, and would skew the counts; so its name must
   start with "tracker_load", and any other name is refused before anything is dropped), makes an event
   with 200 people in custody, the accounts (observers, jail support assigned to the event,
   coordinators at the intake desks) and an API token for each.
2. Starts two app processes (gunicorn, one worker with threads each) on loopback ports.
3. Runs Locust headless, bounded in time (`--time`) and users (the three counts): observers post
   reports and retry each once with the same client UUID, watchers poll the custody board with
   its ETag, desks register arrestees through the intake API and log hotline calls.
4. Checks: no failed request, every retry answered 200, the database holds exactly one incident
   per report, one hotline entry per entry and one case per intake (no duplicate), and the 95th
   percentile of all requests under 500 ms (`--p95`). Exit status 1 when a check fails.

Loopback only. Second factors are not asked (MFA_REQUIRED_ROLES=none) and write throttles are
raised for the test's own processes: tokens are issued by the setup, not the sign-in endpoint.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from pgadmin import create_database, drop_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
EVENT = "Load test night"
PORTS = (8731, 8732)
# Every run drops its database first: a name without this prefix (a real tracker's) is refused.
LOAD_DATABASE_PREFIX = "tracker_load"


def app_env(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="0",
        MFA_REQUIRED_ROLES="none",
        API_THROTTLE_WRITES="100000/min",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


def setup(counts: dict[str, int], out: Path) -> None:
    """Runs inside Django (a subprocess of this script): the event, people in custody, accounts, tokens."""
    import datetime
    import uuid

    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from api.tokens import token_issue
    from cases.models import Arrest, Case, Demonstrator, Event, User
    from custody.models import JailSupportAssignment

    now = timezone.now()
    event = Event.objects.create(name=EVENT, starts_at=now - datetime.timedelta(hours=6))
    people = Demonstrator.objects.bulk_create(Demonstrator(legal_name=f"Held {i}") for i in range(200))
    cases = Case.objects.bulk_create(
        Case(number=f"LOAD-{uuid.uuid4().hex[:10]}", event=event, demonstrator=p) for p in people
    )
    Arrest.objects.bulk_create(
        Arrest(case=c, arrested_at=now - datetime.timedelta(minutes=5 * i), custody_status="held")
        for i, c in enumerate(cases)
    )
    tokens: dict[str, list[str]] = {"observer": [], "watcher": [], "desk": []}
    roles = {"observer": "observer", "watcher": "jail_support", "desk": "coordinator"}
    for kind, role in roles.items():
        group = Group.objects.get_or_create(name=role)[0]
        for i in range(counts[kind]):
            user, _ = User.objects.get_or_create(username=f"load-{kind}-{i}")
            user.groups.set([group])
            user.is_staff = role == "coordinator"
            user.save()
            if role == "jail_support":
                JailSupportAssignment.objects.get_or_create(user=user, event=event)
            raw, _ = token_issue(user=user, by=None, ttl=datetime.timedelta(hours=2))
            tokens[kind].append(raw)
    out.write_text(
        json.dumps(
            {
                "event": str(event.public_id),
                "tokens": tokens,
                "hosts": [f"http://127.0.0.1:{port}" for port in PORTS],
                "weights": counts,
                "cases_before": Case.objects.filter(event=event).count(),
            }
        )
    )


def database_counts(event_id: str) -> dict[str, int]:
    import django

    django.setup()
    from cases.models import Case, Incident
    from custody.models import HotlineEntry

    return {
        "incidents": Incident.objects.filter(event__public_id=event_id).count(),
        "hotline": HotlineEntry.objects.filter(event__public_id=event_id).count(),
        "cases": Case.objects.filter(event__public_id=event_id).count(),
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  # nosec B310  # loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the app at {url} did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time", type=int, default=300, help="seconds of load")
    parser.add_argument("--observers", type=int, default=50)
    parser.add_argument("--watchers", type=int, default=20)
    parser.add_argument("--desks", type=int, default=5)
    parser.add_argument("--p95", type=float, default=500.0, help="the goal for the 95th percentile, in ms")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/tracker_load")
    parser.add_argument("--setup-only", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--count-event", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.database.rstrip("/").rsplit("/", 1)[-1].startswith(LOAD_DATABASE_PREFIX):
        parser.error(f"--database: the name must start with {LOAD_DATABASE_PREFIX!r}; this run drops it first")
    counts = {"observer": args.observers, "watcher": args.watchers, "desk": args.desks}
    if args.setup_only:  # inside the subprocess that has the app's environment
        setup(counts, args.setup_only)
        return 0
    if args.count_event:
        print(json.dumps(database_counts(args.count_event)))
        return 0

    env = app_env(args.database)
    work = Path(tempfile.mkdtemp(prefix="load-night-"))
    setup_file, sent_file = work / "setup.json", work / "sent.json"
    _create_database(args.database)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603  # nosec B603
    script = str(ROOT / "scripts" / "load_night.py")
    subprocess.run(  # noqa: S603  # nosec B603
        [PYTHON, script, "--setup-only", str(setup_file), "--observers", str(args.observers),
         "--watchers", str(args.watchers), "--desks", str(args.desks)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    setup_data = json.loads(setup_file.read_text())
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    apps = [
        subprocess.Popen(  # noqa: S603  # nosec B603
            [
                gunicorn,
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "8",
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for port in PORTS
    ]
    try:
        for port in PORTS:
            wait_for(f"http://127.0.0.1:{port}/healthz")
        users = sum(counts.values())
        locust_env = dict(env, LOAD_NIGHT_SETUP=str(setup_file), LOAD_NIGHT_SENT=str(sent_file))
        subprocess.run(  # noqa: S603  # nosec B603
            [str(Path(PYTHON).with_name("locust")), "-f", str(ROOT / "scripts" / "load_night_locustfile.py"),
             "--headless", "--users", str(users), "--spawn-rate", str(max(users // 5, 1)),
             "--run-time", f"{args.time}s", "--stop-timeout", "10", "--host", setup_data["hosts"][0],
             "--csv", str(work / "night"), "--only-summary", "--exit-code-on-error", "0"],
            cwd=ROOT, env=locust_env, check=True,
        )  # fmt: skip
    finally:
        for app in apps:
            app.terminate()
        for app in apps:
            app.wait(timeout=30)
    return check(work, setup_data, sent_file, env, args.p95)


def _create_database(url: str) -> None:
    """The test's own database, new each run: a previous run's rows may be sealed under another
    checkout's keys (each clone has its own development keys), and its night would skew the counts."""
    base, name = url.rsplit("/", 1)
    drop_database(base, name)
    create_database(base, name)


def check(work: Path, setup_data: dict, sent_file: Path, env: dict[str, str], p95_goal: float) -> int:
    with open(work / "night_stats.csv", encoding="utf-8") as stats_file:
        rows = list(csv.DictReader(stats_file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    sent = json.loads(sent_file.read_text())
    found = json.loads(
        subprocess.run(  # noqa: S603  # nosec B603
            [PYTHON, str(ROOT / "scripts" / "load_night.py"), "--count-event", setup_data["event"]],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    problems = []
    requests, failures, p95 = int(total["Request Count"]), int(total["Failure Count"]), float(total["95%"])
    if failures:
        problems.append(f"{failures} failed requests")
    if found["incidents"] != sent["incidents"]:
        problems.append(f"{found['incidents']} incidents stored for {sent['incidents']} reports sent")
    if found["hotline"] != sent["hotline"]:
        problems.append(f"{found['hotline']} hotline entries stored for {sent['hotline']} sent")
    if found["cases"] != setup_data["cases_before"] + sent["intakes"]:
        problems.append(f"{found['cases'] - setup_data['cases_before']} cases for {sent['intakes']} intakes")
    if sent["retries_answered_200"] != sent["incidents"]:
        problems.append(f"{sent['retries_answered_200']} retries answered 200 for {sent['incidents']} reports")
    if p95 > p95_goal:
        problems.append(f"95th percentile {p95:.0f} ms over {p95_goal:.0f} ms")
    print("\nper request (median / 95% / max ms, count, failures):")
    for row in rows:
        print(f"  {row['Name']:<18} {row['50%']:>6} / {row['95%']:>6} / {float(row['Max Response Time']):>7.0f}"
              f"  {row['Request Count']:>6}  {row['Failure Count']}")  # fmt: skip
    print(f"\n{requests} requests; stored: {found}; sent: {sent}")
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    print(f"OK: no error, no duplicate, p95 {p95:.0f} ms <= {p95_goal:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
