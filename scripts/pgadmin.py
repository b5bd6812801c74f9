"""What the PostgreSQL check scripts share (restore_drill.py, scaleout_check.py).

Each script creates throwaway databases on the server at PG_URL, runs the application's own code
against them in child processes (`python scripts/NAME.py --child=MODE ...`, which print one JSON
line), and drops the databases at the end, pass or fail. Exit status: 0 passed, 1 failed,
2 skipped (no PostgreSQL, or a tool missing).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"


class Failed(Exception):
    """A step failed; the message says which one and why."""


def run(cmd: list[str], *, env: dict[str, str], capture: bool = False, timeout: float | None = None) -> str:
    """Run a command from the project root; its output when `capture`, Failed (with the tail of
    its output) when it exits non-zero."""
    proc = subprocess.run(cmd, cwd=ROOT, env=env, check=False, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    if proc.returncode != 0:
        name = " ".join([Path(cmd[0]).name, *cmd[1:3]])
        raise Failed(f"{name} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout if capture else ""


def admin_sql(base: str, sql: str, params: list[Any] | None = None, *, db: str = "postgres") -> list[tuple]:
    """One statement on the server at `base` (autocommit); the rows it returns."""
    import psycopg

    with psycopg.connect(f"{base}/{db}", autocommit=True) as conn:
        cur = conn.execute(sql, params or [])
        return cur.fetchall() if cur.description else []


def create_database(base: str, name: str) -> None:
    admin_sql(base, f'CREATE DATABASE "{name}"')


def drop_database(base: str, name: str) -> None:
    """Drop a database, ending its connections first."""
    admin_sql(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_databases(base: str, names: Iterable[str]) -> list[str]:
    """The cleanup tail: drop every database, whatever happened before; the failures to report."""
    failures = []
    for name in names:
        try:
            drop_database(base, name)
        except Exception as exc:
            failures.append(f"could not drop {name}: {exc}")
    return failures


def child_command(script: str, mode: str, *args: str) -> list[str]:
    """The command line running `script` in child mode `mode` (see `main`)."""
    return [PY, script, f"--child={mode}", *args]


def child(script: str, mode: str, *args: str, env: dict[str, str], timeout: float | None = None) -> Any:
    """Run a child mode of `script` with `env` (its database and settings); the JSON it printed."""
    out = run(child_command(script, mode, *args), env=env, capture=True, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def report(say: Callable[[str], None], failures: list[str], passed: str) -> int:
    """Print each failure (exit status 1), or the `passed` line (0)."""
    if failures:
        for failure in failures:
            say(f"FAILED: {failure}")
        return 1
    say(passed)
    return 0


def main(
    *,
    description: str,
    say: Callable[[str], None],
    children: dict[str, Callable[..., Any]],
    check: Callable[[str], int],
) -> int:
    """A check script's entry point. `--child=MODE [ARGS...]` runs `children[MODE](*ARGS)` and prints
    its result as one JSON line; otherwise `check(base)` runs against PG_URL, or the script is
    skipped (2) when no PostgreSQL answers there."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--child", choices=sorted(children), help=argparse.SUPPRESS)
    p.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        print(json.dumps(children[args.child](*args.args)))
        return 0
    base = os.environ.get("PG_URL", PG_DEFAULT).rstrip("/")
    try:
        admin_sql(base, "SELECT 1")
    except Exception as exc:
        say(f"SKIPPED: no PostgreSQL at {base} ({type(exc).__name__})")
        return 2
    return check(base)
