"""Peak memory of building and downloading a ZIP packet batch (a script, not a test).

    python benchmarks/bench_batch_memory.py [--packets 100] [--size-mb 3]

Synthetic packets (incompressible bytes of the given size, sealed under each case's data key as
real ones are) stand in for rendering, so the figure is the batch machinery's own: the chunk
tasks recording the cases, finishing the batch, and the download consumed piece by piece as a
client would. A throwaway SQLite database and media folder in a temporary directory. Prints the
process's peak RSS before and after, and tracemalloc's peak during build plus download.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--packets", type=int, default=100)
    args.add_argument("--size-mb", type=float, default=3.0)
    options = args.parse_args()
    size = int(options.size_mb * 1024 * 1024)

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(tmp / "media")
    call_command("migrate", verbosity=0)

    from documents import batches
    from documents.models import BatchKind, PacketKind
    from tests.documents.batch_fakes import store_packet
    from tests.factories import CaseFactory, EventFactory, UserFactory

    lawyer = UserFactory(username="bench-lawyer", role="lawyer")
    event = EventFactory(name="Memory benchmark")
    for n in range(options.packets):
        CaseFactory(event=event, lawyers=[lawyer], number=f"2095-{n:04d}")

    def synthetic(*, case, by, kind=PacketKind.CASE, **kwargs):  # type: ignore[no-untyped-def]
        pdf = b"%PDF-1.7\n" + random.Random(case.number).randbytes(size)  # noqa: S311 - test bytes
        return store_packet(case=case, by=by, pdf=pdf, kind=kind, template_version="bench")

    batches.packet_for_case = synthetic  # where the batch chunks call it
    before = rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = batches.batch_create(by=lawyer, kind=BatchKind.EVENT, event=event)
    batch.refresh_from_db()
    built = time.perf_counter()
    after_build = rss_mb()
    received = hashlib.sha256()
    length = 0
    if hasattr(batches, "batch_download"):  # streamed
        for piece in batches.batch_download(batch=batch, by=lawyer).chunks:
            received.update(piece)
            length += len(piece)
    else:  # before: the sealed archive decrypted whole
        _, data = batches.batch_result(batch=batch, by=lawyer)
        received.update(data)
        length = len(data)
    done = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"packets: {options.packets} x {options.size_mb} MB; status {batch.status}; ZIP {length / 2**20:.0f} MB")
    print(f"peak RSS before the batch: {before:.0f} MB")
    print(f"peak RSS after building: {after_build:.0f} MB; after downloading: {rss_mb():.0f} MB")
    print(f"tracemalloc peak during build + download: {peak / 2**20:.0f} MB")
    print(f"time: build {built - started:.1f} s, download {done - built:.1f} s (tracemalloc on)")


if __name__ == "__main__":
    main()
