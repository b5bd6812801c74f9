"""Check benchmark results against their goals: one line per figure, PASS or MISS beside each goal.

    python benchmarks/check_goals.py var/bench/sqlite-full.json [var/bench/postgres-full.json ...]
    python benchmarks/check_goals.py --markdown var/bench/*.json     # tables for docs/performance.md

Exit status 1 when a goal is missed or a script failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def verdict(figure: dict) -> str:
    goal = figure.get("goal")
    if goal is None:
        return ""
    return "PASS" if figure["value"] <= goal else "MISS"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", nargs="+", type=Path)
    p.add_argument("--markdown", action="store_true")
    args = p.parse_args()
    failed = False
    for path in args.results:
        data = json.loads(path.read_text())
        title = f"{data['db']}, {data['scale']} scale ({data.get('started', '')})"
        if args.markdown:
            print(f"\n### {title}\n\n| figure | median | goal | result |\n|---|---:|---:|---|")
        else:
            print(f"== {title}")
        for script in data["scripts"]:
            status = script.get("status")
            if status != "ok":
                if status != "absent":
                    failed = True
                line = f"{script['script']}: {status}"
                print(f"| {line} | | | |" if args.markdown else f"  {line}")
                continue
            for figure in script.get("figures", []):
                mark = verdict(figure)
                failed |= mark == "MISS"
                goal = "" if figure.get("goal") is None else f"<= {figure['goal']:g} {figure['unit']}"
                if args.markdown:
                    print(f"| {figure['name']} | {figure['value']:.2f} {figure['unit']} | {goal} | {mark} |")
                else:
                    print(
                        f"  {mark or '    '}  {figure['name']:<58} {figure['value']:>10.2f} {figure['unit']:<8} {goal}"
                    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
