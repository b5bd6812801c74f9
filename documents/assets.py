"""The files a packet may load, by fixed path. URLs in templates and the stylesheet are only keys
into this map (`asset:<key>`); nothing is ever looked up by a path taken from a URL.

Fonts come from Debian packages that ./dev installs (fonts-noto-core, fonts-noto-cjk,
fonts-symbola): Noto Sans for Latin (Spanish, Vietnamese, ...), Greek and Cyrillic; Noto Sans
Arabic and Hebrew for right-to-left names; Noto Sans CJK for Chinese, Japanese and Korean;
Symbola for emoji and symbols (outlines, so they embed in PDF/A). Nothing is vendored in the repo.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

ASSET_PREFIX = "asset:"
IMAGE_PREFIX = "asset:image/"
STATIC = Path(__file__).resolve().parent.parent / "static" / "documents"
_NOTO = Path("/usr/share/fonts/truetype/noto")
_NOTO_CJK = Path("/usr/share/fonts/opentype/noto")

FONT_FILES: dict[str, Path] = {
    "fonts/NotoSans-Regular.ttf": _NOTO / "NotoSans-Regular.ttf",
    "fonts/NotoSans-Bold.ttf": _NOTO / "NotoSans-Bold.ttf",
    "fonts/NotoSans-Italic.ttf": _NOTO / "NotoSans-Italic.ttf",
    "fonts/NotoSansArabic-Regular.ttf": _NOTO / "NotoSansArabic-Regular.ttf",
    "fonts/NotoSansArabic-Bold.ttf": _NOTO / "NotoSansArabic-Bold.ttf",
    "fonts/NotoSansHebrew-Regular.ttf": _NOTO / "NotoSansHebrew-Regular.ttf",
    "fonts/NotoSansCJK-Regular.ttc": _NOTO_CJK / "NotoSansCJK-Regular.ttc",
    "fonts/NotoSansCJK-Bold.ttc": _NOTO_CJK / "NotoSansCJK-Bold.ttc",
    "fonts/Symbola.ttf": Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
}
STYLE_FILES: dict[str, Path] = {
    "css/packet.css": STATIC / "packet.css",
}
ASSET_FILES: dict[str, Path] = {**FONT_FILES, **STYLE_FILES}


def missing_assets() -> list[str]:
    return sorted(name for name, path in ASSET_FILES.items() if not path.is_file())


@lru_cache(maxsize=1)
def stylesheet_version() -> str:
    """A digest of the stylesheet, so cached packets are re-rendered when it changes."""
    return hashlib.sha256(STYLE_FILES["css/packet.css"].read_bytes()).hexdigest()[:16]


def asset_url(name: str) -> str:
    return f"{ASSET_PREFIX}{name}"


def image_url(key: str) -> str:
    """The URL a template uses for an image the caller passes to the renderer under `key`."""
    return f"{IMAGE_PREFIX}{key}.jpg"
