"""The packets' tables as a reader sees them (words and their positions, read back from the PDF
with pdftotext -bbox): the case packet's "Rule and source" column is wide enough for its text,
so a lone deadline does not spill onto an otherwise blank page; the docket never breaks a word
mid-word ("Lawy/er")."""

from __future__ import annotations

import datetime
import re
import subprocess
import tempfile
from html import unescape

import pytest
from django.utils import timezone

from documents.models import PacketKind
from documents.services import packet_for_case, packet_for_docket
from tests.documents.scenario import build_case
from tests.factories import CaseFactory, CitationFactory, DemonstratorFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def words(pdf: bytes) -> list[dict]:
    """Every word of the PDF with its page, x and y (points), as pdftotext -bbox reads them."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        html = subprocess.run(["pdftotext", "-bbox", f.name, "-"], capture_output=True, check=True, text=True).stdout
    out: list[dict] = []
    for n, page in enumerate(html.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        for m in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
        ):
            out.append({"page": n, "page_width": width, "x0": float(m[1]), "y0": float(m[2]), "x1": float(m[3]),
                        "text": unescape(m[5])})  # fmt: skip
    return out


def test_the_rule_and_source_column_is_wide_enough_for_its_text():
    lawyer = UserFactory(username="layout_lawyer", first_name="Laura", last_name="Lawyer", role="lawyer")
    s = build_case(lawyer=lawyer)
    result = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.CASE)
    found = words(result.pdf)
    rule = next(w for w in found if w["text"] == "Rule" and any(
        v["text"] == "source" and v["page"] == w["page"] and abs(v["y0"] - w["y0"]) < 2 for v in found))  # fmt: skip
    # The column's text runs in long lines: its widest line is at least 50 mm (142 pt) wide (it was
    # about 70 pt, so that the rule texts of one citation's deadlines spilled onto a page 2).
    column = [w for w in found if w["page"] == rule["page"] and w["x0"] >= rule["x0"] - 1 and w["y0"] > rule["y0"]]
    lines: dict[float, list[dict]] = {}
    for w in column:
        lines.setdefault(round(w["y0"]), []).append(w)
    widest = max(max(w["x1"] for w in line) - min(w["x0"] for w in line) for line in lines.values())
    assert widest >= 142, widest


def test_the_docket_breaks_no_word_mid_word():
    lawyer = UserFactory(
        username="docket_lawyer", first_name="Maximiliana", last_name="Wolfeschlegelstein", role="lawyer"
    )
    when = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    event = EventFactory()
    names = ["Bartholomew Featherstonehaugh", "Guadalupe Villaseñor"]
    for n, name in enumerate(names):
        case = CaseFactory(event=event, lawyers=[lawyer], demonstrator=DemonstratorFactory(legal_name=name))
        CitationFactory(case=case, number=f"MC-2026-00{n}17", kind="phl_summary_nta", hearing_at=when, courtroom="1104")
    day = when.astimezone(timezone.get_current_timezone()).date()
    result = packet_for_docket(by=lawyer, date=day, courtroom="1104")
    text = {w["text"] for w in words(result.pdf)}
    expected = {"Lawyer", "Defendant", "Citations,", "Amounts", "Maximiliana", "Wolfeschlegelstein",
                "Bartholomew", "Featherstonehaugh", "Guadalupe", "Villaseñor"}  # fmt: skip
    assert expected <= text, sorted(expected - text)
