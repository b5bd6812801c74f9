"""The load test's guard: it drops its database before every run, so it refuses any database that
is not named as its own (a real tracker's, given by mistake)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_load_test_refuses_a_database_not_named_as_its_own():
    # Port 1: nothing answers there, so even without the guard nothing could be dropped.
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load_night.py"), "--database", "postgres://postgres@127.0.0.1:1/tracker"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--database: the name must start with 'tracker_load'" in result.stderr
