"""docs/security.md carries the permission matrix generated from cases/permissions.py: a change
to the table without `manage.py permission_matrix --write` fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from cases import permissions
from cases.permissions import MATRIX_END, MATRIX_START, Operation, matrix_markdown, with_matrix
from cases.roles import Role

DOC = Path(settings.BASE_DIR) / "docs" / "security.md"


def test_the_matrix_in_docs_security_is_current():
    text = DOC.read_text(encoding="utf-8")
    assert with_matrix(text) == text, "docs/security.md is behind the table: run manage.py permission_matrix --write"


def test_the_matrix_has_one_row_per_operation_and_a_column_per_role():
    lines = matrix_markdown().splitlines()
    assert len(lines) == 2 + len(permissions.OPERATIONS)
    assert lines[0].count("|") == 3 + len(Role)
    assert "| `citations.export` | bulk export of citations with names (CSV) | - | - | - | - | yes | yes |" in lines


def test_a_changed_table_makes_the_check_fail(monkeypatch):
    changed = dict(permissions.OPERATIONS)
    changed["citations.export"] = Operation(
        name="citations.export", roles=frozenset({Role.LAWYER, Role.COORDINATOR}), what="bulk export"
    )
    monkeypatch.setattr(permissions, "OPERATIONS", changed)
    text = DOC.read_text(encoding="utf-8")
    assert with_matrix(text) != text
    with pytest.raises(CommandError, match="behind"):
        call_command("permission_matrix", "--check")


def test_writing_replaces_only_the_text_between_the_markers():
    document = f"# Title\n\nbefore\n{MATRIX_START}\nstale rows\n{MATRIX_END}\nafter\n"
    written = with_matrix(document)
    assert written.startswith("# Title\n\nbefore\n") and written.endswith(f"{MATRIX_END}\nafter\n")
    assert "stale rows" not in written and matrix_markdown() in written
    assert with_matrix(written) == written
    with pytest.raises(ValueError):
        with_matrix("# no markers")
