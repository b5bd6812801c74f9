"""What an archival PDF is here, written once: the PDF/A variant and tagging documents/pdf.py
renders with, and the renderer version that packets' template digest (and so their cache keys)
hash. No WeasyPrint import: a process that only serves stored packets computes the version
without loading it.
"""

from __future__ import annotations

from importlib.metadata import version

PDF_VARIANT = "pdf/a-3a"  # archival (PDF/A-3), accessible conformance level "a"
PDF_TAGGED = True  # level "a" stands for the structure tree: tagging stays on with it
# Bump the last part when the rendering options or the context's meaning change without a
# template edit; the variant and WeasyPrint's version are read, not repeated.
RENDERER_VERSION = f"weasyprint-{version('weasyprint')}/{PDF_VARIANT}/{'tagged' if PDF_TAGGED else 'untagged'}/1"
