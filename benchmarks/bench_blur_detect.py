"""Face detection on a 12-megapixel photo (a script, not a test): goal under 1 s.

    python benchmarks/bench_blur_detect.py [--repeat 5] [--megapixels 12]

Makes a 4000 x 3000 JPEG (quality 90) of random 8-pixel tiles with smooth shading, the detail a
crowd photo has, and times `documents.photos.face_proposals` on its bytes (decode at a reduced
DCT scale, scale down, OpenCV's bundled frontal-face cascade). The first call, which loads OpenCV
and the cascade once per process, is reported apart. Prints the median and every run.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def photo(megapixels: float) -> bytes:
    from PIL import Image

    width = int((megapixels * 1_000_000 * 4 / 3) ** 0.5)
    height = int(width * 3 / 4)
    tiles = Image.merge("RGB", [Image.effect_noise((width // 8, height // 8), 60).convert("L") for _ in range(3)])
    image = Image.blend(
        tiles.resize((width, height)), Image.linear_gradient("L").convert("RGB").resize((width, height)), 0.4
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--megapixels", type=float, default=12.0)
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from documents.photos import face_proposals

    data = photo(args.megapixels)
    start = time.perf_counter()
    face_proposals(data)
    first = time.perf_counter() - start
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        face_proposals(data)
        runs.append(time.perf_counter() - start)
    median = statistics.median(runs)
    print(f"photo: {args.megapixels} MP, {len(data) / 1e6:.1f} MB JPEG; load avg {os.getloadavg()[0]:.1f}")
    print(f"first call (loads OpenCV): {first * 1000:.0f} ms")
    print(f"median of {args.repeat}: {median * 1000:.0f} ms (goal < 1000 ms); runs: {[round(r * 1000) for r in runs]}")
    return 0 if median < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
