"""Demo data for the deadline engine: a lawyer's review of one rule, so the desk shows one rule
checked by a lawyer and the others not (the court calendar is seeded by a data migration)."""

from __future__ import annotations

from cases.types import User
from citations.models import DeadlineRule
from citations.services import rule_review_record


def build_deadlines(*, users: dict[str, User]) -> None:
    lawyer = users["lawyer"]
    rule_review_record(
        rule=DeadlineRule.objects.get(code="pa-summary-respond"),
        source_version="Pa.R.Crim.P. 403 and 430 as published on pacodeandbulletin.gov (demo review)",
        note="Demo: checked the 10-day answer and the bench-warrant text.",
        by=lawyer,
    )
