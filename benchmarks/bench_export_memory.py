"""Peak memory of streaming a signed evidence export (a script, not a test).

    python benchmarks/bench_export_memory.py [--items 50] [--size-mb 5] [--no-custody-pdf]

A throwaway SQLite database and media folder in a temporary directory: `--items` evidence files
of `--size-mb` of random base64 text each (plain text, which the upload sniffer accepts), sealed under their case's data key as real uploads are
(`evidence_add`), then `claims.evidence_export` for the case consumed piece by piece as a client
would, with each piece's SHA-256 taken and dropped. Prints the process's peak RSS during the
export (the high-water mark reset after the setup, Linux only) and how long it took. The chain-of-custody PDF per item (WeasyPrint, about a second each) can be
left out to measure the streaming alone.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Reset the process's peak RSS (Linux: VmHWM) so the export's own peak is measured, not
    the setup's (sealing the files)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return rss_mb()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--no-custody-pdf", action="store_true")
    options = parser.parse_args()
    size = int(options.size_mb * 1024 * 1024)

    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp / "media")
    settings.EVIDENCE_SIGNING_KEY = "YmVuY2gtZXZpZGVuY2Utc2lnbmluZy1rZXktLS0tLS0="  # throwaway
    call_command("migrate", verbosity=0)

    from cases.services import evidence_add
    from claims import evidence_export as export_module
    from tests.factories import CaseFactory, UserFactory

    coordinator = UserFactory(username="bench-coordinator", role="coordinator")
    case = CaseFactory()
    rng = random.Random(21)  # noqa: S311 - benchmark bytes
    for n in range(options.items):
        data = base64.b64encode(rng.randbytes(size * 3 // 4))  # plain text the sniffer accepts
        evidence_add(
            upload=ContentFile(data, name=f"{n}.txt"),
            kind="document",
            content_type="text/plain",
            by=coordinator,
            case=case,
        )
        del data
    if options.no_custody_pdf:
        export_module.custody_pdf = lambda item: b"%PDF-1.7 (left out of this run)\n"  # type: ignore[assignment]
    before = peak_mb()
    reset_peak()
    settled = peak_mb()
    started = time.perf_counter()
    received = hashlib.sha256()
    length = 0
    for piece in export_module.evidence_export(by=coordinator, case=case).chunks:
        received.update(piece)
        length += len(piece)
    done = time.perf_counter()
    custody = "without" if options.no_custody_pdf else "with"
    print(f"items: {options.items} x {options.size_mb} MB ({custody} custody PDFs); ZIP {length / 2**20:.0f} MB")
    print(f"peak RSS of the setup: {before:.0f} MB; at the start of the export: {settled:.0f} MB")
    print(f"peak RSS during the export: {peak_mb():.0f} MB")
    print(f"time: {done - started:.1f} s")


if __name__ == "__main__":
    main()
