"""Every word a person reads on a page is in the catalogue: templates are scanned for visible
text (and readable attributes: aria-label, title, alt, placeholder) outside {% translate %} and
{% blocktranslate %}. Court filings and other PDFs (templates/documents/, except the pages
under documents/web/, and any template extending documents/base.html, the PDF base) stay English
by design, and the API docs page is the library's."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ENGLISH_BY_DESIGN = ("documents/", "claims/roster_pdf.html", "api/swagger_ui.html")
STILL_PAGES = ("documents/web/",)
PDF_BASE = re.compile(r"""{%\s*extends\s+["']documents/base\.html["']""")
# Words that read the same in both languages: names of formats, standards and the product's codes.
SAME_IN_BOTH = {"PDF", "CSV", "SHA-256", "JSON", "TOTP", "API", "OK", "ICS", "URL", "ID", "UUID", "PDF/A"}

BLOCK = re.compile(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", re.S)
# Blocks whose content goes into an attribute or the head, never read as text.
NOT_TEXT = re.compile(r"{%\s*block\s+(?:body_class|head|scripts)\s*%}.*?{%\s*endblock[^%]*%}", re.S)
COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
RAW = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
READABLE_ATTRIBUTE = re.compile(r"""\s(?:aria-label|title|alt|placeholder)\s*=\s*(["'])(.*?)\1""", re.S)
HTML_TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.U)


def _page_templates() -> list[Path]:
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        relative = path.relative_to(TEMPLATES).as_posix()
        if relative.startswith(ENGLISH_BY_DESIGN) and not relative.startswith(STILL_PAGES):
            continue
        if PDF_BASE.search(path.read_text(encoding="utf-8")):
            continue
        found.append(path)
    return found


def untranslated_words(source: str) -> list[str]:
    """The words of `source` a reader would see that no translate tag covers."""
    text = NOT_TEXT.sub(" ", COMMENT.sub(" ", source))
    text = BLOCK.sub(" ", text)
    text = RAW.sub(" ", text)
    words = []
    for _quote, value in READABLE_ATTRIBUTE.findall(text):
        words += WORD.findall(TAG.sub(" ", value))
    text = HTML_TAG.sub(" ", TAG.sub(" ", text))
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    words += WORD.findall(text)
    return [word for word in words if word.strip(".-") not in SAME_IN_BOTH]


def test_the_scanner_finds_visible_text_outside_translate_tags():
    sample = (
        '{% load i18n %}<h1>{% translate "Cases" %}</h1><p>Due today</p>'
        '<a aria-label="Open the case" title="{{ x }}">{{ case.number }}</a>'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}{# a note #}"
        "<script>var hidden = 1;</script><td>—</td><span>PDF</span>"
        "{% block body_class %}observer{% endblock %}"
    )
    assert untranslated_words(sample) == ["Open", "the", "case", "Due", "today"]


def test_no_template_shows_text_outside_the_catalogue():
    problems = {}
    for path in _page_templates():
        words = untranslated_words(path.read_text(encoding="utf-8"))
        if words:
            problems[path.relative_to(TEMPLATES).as_posix()] = " ".join(words)[:200]
    assert not problems, "text outside {% translate %}:\n" + "\n".join(f"{k}: {v}" for k, v in problems.items())


HAND_MADE_MONEY = re.compile(r"\$\s*{{|\$%\(")


def test_no_template_formats_money_by_hand():
    """Amounts go through the `money` filter (core.formatting), which puts the sign and the
    separators where the reader's language wants them; a "$" before a value is English only."""
    found = [
        path.relative_to(TEMPLATES).as_posix()
        for path in _page_templates()
        if HAND_MADE_MONEY.search(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
