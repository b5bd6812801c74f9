"""Shared plumbing for the benchmark scripts (scripts, not tests: timings never gate the suite).

Every script takes the same options and reports through `Results`:

    python benchmarks/bench_lists.py --db sqlite|postgres --scale small|full [--repeat N] [--json FILE]

`setup()` points Django at a benchmark database (SQLite: var/bench-<scale>.sqlite3; PostgreSQL:
tracker_bench_<scale> on $BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432, or
$BENCH_PG_PREFIX_<scale>), migrates it
and fills it once with `generate_load_data` (reused on later runs; `--fresh` rebuilds it).
The machine is shared and noisy, so each figure is a median over repeated runs, and each ratio
is measured in the same run with the two sides interleaved (A, B, A, B, ...), the median of the
per-pair ratios.

A figure with a goal is checked by `benchmarks/check_goals.py` (value <= goal passes).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCALES: dict[str, dict[str, int]] = {
    "small": {"people": 1_000, "citations": 5_000, "incidents": 10_000},
    "full": {"people": 10_000, "citations": 50_000, "incidents": 100_000},
}
DEFAULT_REPEAT = {"small": 15, "full": 9}
SEED = 8
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--scale", choices=sorted(SCALES), default="small")
    p.add_argument("--repeat", type=int, default=None, help="Timed runs per figure (median reported).")
    p.add_argument("--json", type=Path, default=None, help="Also write the results to this JSON file.")
    p.add_argument("--fresh", action="store_true", help="Drop and rebuild the benchmark database first.")
    return p


def database_url(db: str, scale: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{ROOT / 'var' / f'bench-{scale}.sqlite3'}"
    base = os.environ.get("BENCH_PG_URL", PG_DEFAULT).rstrip("/")
    # BENCH_PG_PREFIX names the databases (one per scale) where several people share a server.
    return f"{base}/{os.environ.get('BENCH_PG_PREFIX', 'tracker_bench')}_{scale}"


def _drop(db: str, url: str) -> None:
    if db == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ensure_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(args: argparse.Namespace, *, load: bool = True) -> dict[str, Any]:
    """Configure Django on the benchmark database; migrate; generate the data set if missing."""
    url = database_url(args.db, args.scale)
    if args.fresh:
        _drop(args.db, url)
    if args.db == "postgres":
        _ensure_pg_database(url)
    else:
        (ROOT / "var").mkdir(exist_ok=True)
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    info: dict[str, Any] = {"database": args.db, "scale": args.scale, **SCALES[args.scale]}
    if load:
        from cases.models import Event
        from demo.load_data import EVENT_PREFIX

        if not Event.objects.filter(name__startswith=EVENT_PREFIX).exists():
            sizes = SCALES[args.scale]
            print(f"generating the {args.scale} data set on {args.db} (once)...", flush=True)
            started = time.perf_counter()
            call_command(
                "generate_load_data",
                f"--people={sizes['people']}",
                f"--citations={sizes['citations']}",
                f"--incidents={sizes['incidents']}",
                f"--seed={SEED}",
                verbosity=0,
                stdout=open(os.devnull, "w"),  # noqa: SIM115
            )
            info["generated_seconds"] = round(time.perf_counter() - started, 1)
        if args.db == "postgres":
            from django.db import connection

            # What autovacuum does on a production server after a bulk load (statistics, and the
            # visibility map that lets a COUNT use an index-only scan); this machine's server runs
            # with autovacuum off, so the benchmark does it by hand.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    return info


def repeat_for(args: argparse.Namespace) -> int:
    return args.repeat or DEFAULT_REPEAT[args.scale]


def timed(fn: Callable[[], Any]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def median_ms(fn: Callable[[], Any], *, repeat: int, warmup: int = 2) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    samples = [timed(fn) for _ in range(repeat)]
    return statistics.median(samples), samples


@dataclass
class Pair:
    a_ms: float
    b_ms: float
    ratio: float
    samples_a: list[float]
    samples_b: list[float]


def paired(
    a: Callable[[], Any],
    b: Callable[[], Any],
    *,
    repeat: int,
    warmup: int = 2,
    before_a: Callable[[], Any] | None = None,
    clean_gc: bool = False,
) -> Pair:
    """Time A and B interleaved; the ratio is the median of per-pair A/B ratios.

    `before_a` runs untimed before each call of A (resetting state A needs). `clean_gc` runs a
    full garbage collection, untimed, before each sample: each call then pays for the collections
    its own allocations trigger, not for the debt the previous call left (a render allocates
    millions of objects, and a full collection of them lands in whichever call crosses the
    threshold: up to 80 ms either way on a 400 ms render)."""

    def one(fn: Callable[[], Any], before: Callable[[], Any] | None = None) -> float:
        if before is not None:
            before()
        if clean_gc:
            gc.collect()
        return timed(fn)

    for _ in range(warmup):
        one(a, before_a)
        one(b)
    samples_a, samples_b, ratios = [], [], []
    for i in range(repeat):
        # Alternate who goes first so neither side always gets the warmer cache.
        if i % 2 == 0:
            ta, tb = one(a, before_a), one(b)
        else:
            tb, ta = one(b), one(a, before_a)
        samples_a.append(ta)
        samples_b.append(tb)
        ratios.append(ta / tb if tb > 0 else float("inf"))
    return Pair(
        statistics.median(samples_a), statistics.median(samples_b), statistics.median(ratios), samples_a, samples_b
    )


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    goal: float | None = None
    note: str = ""

    @property
    def passed(self) -> bool | None:
        return None if self.goal is None else self.value <= self.goal


@dataclass
class Results:
    script: str
    info: dict[str, Any] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, *, goal: float | None = None, note: str = "") -> Figure:
        figure = Figure(name=name, value=round(value, 3), unit=unit, goal=goal, note=note)
        self.figures.append(figure)
        goal_text = "" if goal is None else f"   goal <= {goal:g} {unit}: {'PASS' if figure.passed else 'MISS'}"
        print(f"  {name:<58} {value:>10.2f} {unit:<8}{goal_text}{'   (' + note + ')' if note else ''}", flush=True)
        return figure

    def write(self, path: Path | None) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {"script": self.script, "info": self.info, "figures": [asdict(f) for f in self.figures]}, indent=2
            )
        )


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    pg = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=5).stdout.strip()
    import sqlite3

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql_client": pg,
        "platform": platform.platform(),
    }


def client_for_user(user: Any) -> Any:
    """A logged-in test client for an existing account (second factor marked verified)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _verify_second_factor(client, user)
    return client


def client_for(role: str) -> Any:
    """A logged-in test client for a benchmark account with `role` (created once)."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from cases.models import User

    user, created = User.objects.get_or_create(username=f"bench-{role}")
    if created:
        user.set_unusable_password()
        user.is_staff = role in ("coordinator", "administrator")
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    _verify_second_factor(client, user)
    client.bench_user = user  # type: ignore[attr-defined]
    return client


def _verify_second_factor(client: Any, user: Any) -> None:
    """Mark the session as verified with a second factor, as after entering a code, for roles
    that need one (the benchmark measures reading lists, not signing in)."""
    try:
        from cases.mfa import mfa_required_for
    except ImportError:
        return
    if not mfa_required_for(user):
        return
    from django_otp import DEVICE_ID_SESSION_KEY

    from cases.models import Authenticator

    device = Authenticator.objects.filter(user=user, confirmed=True).first() or Authenticator.objects.create(
        user=user, name="benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["tracker_mfa_at"] = time.time()
    session.save()


def token_client_for(role: str) -> Any:
    """A client that calls the API with a bearer token, as phones and scripts do."""
    import datetime

    from django.test import Client

    from api.tokens import token_issue

    user = client_for(role).bench_user
    raw, _ = token_issue(user=user, by=user, ttl=datetime.timedelta(hours=2))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.bench_user = user  # type: ignore[attr-defined]
    client.get("/api/v1/events/")  # the token's first use is recorded once; keep it out of the figures
    return client


@dataclass
class CapturedQuery:
    sql: str
    params: Any


def capture_queries(fn: Callable[[], Any]) -> tuple[Any, list[CapturedQuery]]:
    """Run fn and return its result and every query it sent, with parameters kept apart."""
    from django.db import connection

    captured: list[CapturedQuery] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append(CapturedQuery(sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        result = fn()
    return result, captured


def run_query(query: CapturedQuery) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query.sql, query.params)
        cursor.fetchall()
