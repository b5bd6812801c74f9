"""Security fixtures: the API test world, with every personal text field of the other lawyer's
client (the *victim*) filled with a recognisable marker, so any response, page, PDF or log
carrying one of them is a leak."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from cases.models import Demonstrator
from tests.api.conftest import World, world  # noqa: F401 - re-exported fixture

MARK = "VICTIMX"


def marker(field: str) -> str:
    return f"{MARK}-{field}"


@pytest.fixture
def victim(world: World) -> World:  # noqa: F811
    """Fill the other lawyer's side (case_b and everything under it) with markers."""
    person = world.case_b.demonstrator
    for name in ["legal_name", "preferred_name", "phone", "email", "postal_address", "preferred_language", "pronouns",
                 "support_contact", "special_needs", "support_notes"]:  # fmt: skip
        setattr(person, name, marker(name))
    person.date_of_birth = datetime.date(1977, 7, 17)
    person.save()
    world.case_b.lawyer_notes = marker("lawyer_notes")
    world.case_b.save()
    arrest = world.arrest_b
    arrest.charges, arrest.police_report_number, arrest.place = marker("charges"), marker("prn"), marker("arrest_place")
    arrest.save()
    complaint = world.complaint_b
    for name in ["narrative", "injuries", "treatment", "reference_number"]:
        setattr(complaint, name, marker(f"complaint_{name}"))
    complaint.save()
    statement = world.statement_b
    for name in ["witness_name", "witness_contact", "statement"]:
        setattr(statement, name, marker(f"statement_{name}"))
    statement.save()
    incident = world.incident_p
    for name in ["narrative", "injuries", "witnesses", "video_holders"]:
        setattr(incident, name, marker(f"incident_{name}"))
    incident.save()
    world.evidence_b.description = marker("evidence_description")
    world.evidence_b.save()
    return world


def victim_ids(w: World) -> dict[str, Any]:
    return {
        "demonstrators": w.case_b.demonstrator.public_id,
        "cases": w.case_b.public_id,
        "arrests": w.arrest_b.public_id,
        "complaints": w.complaint_b.public_id,
        "witness-statements": w.statement_b.public_id,
        "evidence": w.evidence_b.public_id,
        "incidents": w.incident_p.public_id,
    }


def leaks(text: str | bytes, w: World) -> list[str]:
    """Victim data found in a response body (markers, the birth date, the case number)."""
    body = text.decode(errors="replace") if isinstance(text, bytes) else text
    found = [MARK] if MARK in body else []
    for needle in ["1977-07-17", "07/17/1977", w.case_b.number, str(Demonstrator.objects.get(pk=w.case_b.demonstrator.pk).public_id)]:  # fmt: skip
        if needle in body:
            found.append(needle)
    return found
