"""docs/deadlines.md stays honest: every seeded rule, its verified flag, and every accepted
import header are documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from citations.imports import COLUMNS, HEADER_VARIANTS
from citations.models import DeadlineRule

DOC = (Path(__file__).resolve().parents[2] / "docs" / "deadlines.md").read_text()


@pytest.mark.django_db
def test_every_seeded_rule_is_documented_with_its_verification():
    rules = list(DeadlineRule.objects.all())
    assert rules
    for rule in rules:
        line = next((ln for ln in DOC.splitlines() if ln.startswith(f"| `{rule.code}` |")), None)
        assert line is not None, rule.code
        cells = [cell.strip().strip("*") for cell in line.split("|")]
        assert cells[5].startswith("yes") == rule.warrant_risk, rule.code
        assert cells[6].startswith("yes") == rule.verified, rule.code
        assert ("inactive" in cells[6]) == (not rule.active), rule.code


def test_every_import_header_is_documented():
    table = DOC[DOC.index("## Import format") :]
    for column in COLUMNS:
        assert f"| {column} |" in table
    for variants in HEADER_VARIANTS.values():
        for variant in variants:
            assert variant in table, variant
