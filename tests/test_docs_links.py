"""The README and the docs point only at files that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_the_docs_name_exists():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        (page.name, ref)
        for page in pages
        for ref in re.findall(r"\b((?:docs|scripts|benchmarks|config)/[\w./-]+\.(?:md|py|sh))\b", page.read_text())
    }
    assert ("README.md", "docs/configuration.md") in named
    missing = sorted((page, ref) for page, ref in named if not (ROOT / ref).exists())
    assert missing == []
