"""Run every benchmark on one database and scale, then check the goals.

    python benchmarks/run_all.py --db sqlite|postgres --scale small|full [--repeat N] [--only NAME ...]

Each script runs in its own process (a clean Django setup each time) and writes its figures to
var/bench/<db>-<scale>/<script>.json; the merged results go to var/bench/<db>-<scale>.json and
`check_goals.py` prints every figure beside its goal. Exit status 1 if a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks import harness  # noqa: E402

SCRIPTS = [
    "bench_queries",
    "bench_lists",
    "bench_pages",
    "bench_dashboard",
    "bench_due_soon",
    "bench_import",
    "bench_packets",
    "bench_intake",
    "bench_bulk",
    "bench_custody_board",
]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--scale", choices=sorted(harness.SCALES), default="small")
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--only", nargs="*", default=None, help="Run only these scripts (e.g. bench_lists).")
    p.add_argument("--fresh", action="store_true", help="Rebuild the benchmark database first.")
    args = p.parse_args()

    out_dir = ROOT / "var" / "bench" / f"{args.db}-{args.scale}"
    out_dir.mkdir(parents=True, exist_ok=True)
    merged = {
        "db": args.db,
        "scale": args.scale,
        "machine": harness.machine(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "scripts": [],
    }
    fresh = args.fresh
    for name in args.only or SCRIPTS:
        script = HERE / f"{name}.py"
        if not script.exists():
            print(f"\n--- {name}: not present (yet); skipped", flush=True)
            merged["scripts"].append({"script": name, "status": "absent"})
            continue
        out = out_dir / f"{name}.json"
        out.unlink(missing_ok=True)
        cmd = [sys.executable, str(script), "--db", args.db, "--scale", args.scale, "--json", str(out)]
        if args.repeat:
            cmd += ["--repeat", str(args.repeat)]
        if fresh:
            cmd.append("--fresh")
            fresh = False  # the database is shared by the scripts: rebuild it once
        print(f"\n--- {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, check=False)  # noqa: S603
        entry = {
            "script": name,
            "status": "ok" if proc.returncode == 0 else f"exit {proc.returncode}",
            "seconds": round(time.perf_counter() - started, 1),
        }
        if out.exists():
            entry.update(json.loads(out.read_text()))
        merged["scripts"].append(entry)
    result_file = ROOT / "var" / "bench" / f"{args.db}-{args.scale}.json"
    result_file.write_text(json.dumps(merged, indent=2))
    print(f"\nresults: {result_file.relative_to(ROOT)}\n", flush=True)
    return subprocess.run([sys.executable, str(HERE / "check_goals.py"), str(result_file)], check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
