"""Costs of the security controls on the write paths (medians on a fresh SQLite database):

- evidence_add for a 12-megapixel phone JPEG with EXIF/GPS: sniff, re-encode without metadata,
  seal original and copy under the case's data key; compared with only hashing and writing it;
- case_purge of a closed case with a photo, a complaint, statements, citations and an incident.

    python benchmarks/bench_security.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    workdir = Path(tempfile.mkdtemp(prefix="bench-security-"))
    os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    settings.MEDIA_ROOT = str(workdir / "media")
    call_command("migrate", verbosity=0)
    from PIL import Image

    from cases.retention import case_purge
    from cases.services import case_close, evidence_add
    from citations.deadlines import deadlines_mark_missed
    from tests.factories import (
        CaseFactory,
        CitationFactory,
        ComplaintFactory,
        IncidentFactory,
        UserFactory,
        WitnessStatementFactory,
        png_bytes,
    )

    coordinator = UserFactory(username="bench_coord", role="coordinator")
    image = Image.effect_noise((4000, 3000), 64).convert("RGB")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (39.0, 57.0, 7.0), 3: "W", 4: (75.0, 9.0, 49.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    photo = out.getvalue()
    print(f"photo: 4000x3000 JPEG, {len(photo) / 1e6:.1f} MB")

    case = CaseFactory()
    add_times, plain_times = [], []
    for n in range(repeat):
        started = time.perf_counter()
        evidence_add(upload=SimpleUploadedFile("p.jpg", photo), kind="photo", content_type="image/jpeg",
                     by=coordinator, case=case)  # fmt: skip
        add_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        hashlib.sha256(photo).hexdigest()
        (workdir / f"plain-{n}").write_bytes(photo)
        plain_times.append(time.perf_counter() - started)
    add_ms, plain_ms = statistics.median(add_times) * 1000, statistics.median(plain_times) * 1000
    print(f"evidence_add (sniff, re-encode, seal x2): median {add_ms:.0f} ms; hash+write only {plain_ms:.1f} ms; "
          f"ratio {add_ms / plain_ms:.0f}x")  # fmt: skip

    long_ago = datetime.date(2023, 3, 1)
    cases = []
    for _ in range(repeat):
        c = CaseFactory(opened_on=long_ago)
        CitationFactory(case=c, status="closed")  # an open citation would hold the case
        CitationFactory(case=c, status="closed")
        complaint = ComplaintFactory(case=c)
        WitnessStatementFactory(case=c)
        WitnessStatementFactory(case=None, complaint=complaint)
        incident = IncidentFactory(occurred_at=datetime.datetime(2023, 3, 1, 12, tzinfo=datetime.UTC))
        incident.people_affected.add(c)
        complaint.incidents.add(incident)
        evidence_add(upload=SimpleUploadedFile("p.png", png_bytes((64, 64))), kind="photo",
                     content_type="image/png", by=coordinator, case=c)  # fmt: skip
        case_close(case=c, by=coordinator, closed_on=long_ago + datetime.timedelta(days=10), confirm=True,
                   note="benchmark")  # fmt: skip
        cases.append(c)
    deadlines_mark_missed()  # the complaints' passed windows, as the daily sweep leaves them
    purge_times = []
    for c in cases:
        started = time.perf_counter()
        case_purge(case=c, by=coordinator, today=datetime.date(2026, 6, 1))
        purge_times.append(time.perf_counter() - started)
    print(f"case_purge: median {statistics.median(purge_times) * 1000:.0f} ms per case "
          f"(max {max(purge_times) * 1000:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
