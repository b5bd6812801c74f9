"""What the custody app does when the core record tells it something (cases.signals)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cases.models import Case
from custody.models import PersonMerge


def purge_case_merge_notes(sender: Any, *, case: Case, **kwargs: Any) -> None:
    """A purged case's notes must not survive in a merge kept for an undo: the sealed notes of
    every merge of its person go (the ids and numbers a merge keeps are not personal)."""
    PersonMerge.objects.filter(Q(target_id=case.demonstrator_id) | Q(source_id=case.demonstrator_id)).exclude(
        sealed_notes__isnull=True
    ).update(sealed_notes=None)
