"""What an archival PDF is here, written once: the PDF/A variant and tagging documents/pdf.py
renders with, the renderer version that packets' template digest (and so their cache keys)
hash, and the metadata block every PDF's template fills (`templates/documents/base.html`: title,
author, subject, keywords, when it was generated, its content hash). No WeasyPrint import: a
process that only serves stored packets computes the version without loading it.
"""

from __future__ import annotations

import datetime
from importlib.metadata import version

from django.utils import timezone

PDF_VARIANT = "pdf/a-3a"  # archival (PDF/A-3), accessible conformance level "a"
PDF_TAGGED = True  # level "a" stands for the structure tree: tagging stays on with it
# Bump the last part when the rendering options or the context's meaning change without a
# template edit; the variant and WeasyPrint's version are read, not repeated.
RENDERER_VERSION = f"weasyprint-{version('weasyprint')}/{PDF_VARIANT}/{'tagged' if PDF_TAGGED else 'untagged'}/1"

DEFAULT_AUTHOR = "Legal support team"


def pdf_metadata(
    *,
    title: str,
    subject: str,
    keywords: str,
    author: str = DEFAULT_AUTHOR,
    content_hash: str = "-",
    now: datetime.datetime | None = None,
) -> dict[str, str]:
    """The metadata block of a PDF's template context: the document properties (title, author,
    subject, keywords, created) and the running line ("Generated ... content hash ..."), with
    the time in the current time zone. PDFs are in English, like the packets."""
    local = timezone.localtime(now)
    return {
        "title": title,
        "subject": subject,
        "author": author,
        "keywords": keywords,
        "generated_at": local.strftime("%Y-%m-%d %H:%M %Z"),
        "generated_date": local.strftime("%B %-d, %Y"),
        "generated_iso": local.isoformat(timespec="seconds"),
        "content_hash": content_hash,
    }
