"""API fixtures: a small world with two of everything (so scope can be checked both ways) and
clients authenticated with real bearer tokens."""

from __future__ import annotations

import datetime
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from api.tokens import token_issue
from cases.models import CaseNumberSequence, ForceType, IncidentOfficer
from cases.services import evidence_add
from custody.models import JailSupportAssignment
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    ComplaintFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    WitnessStatementFactory,
)


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """The schemathesis run is its own CI step (RUN_API_FUZZ=1); the ordinary suite leaves it out."""
    if os.environ.get("RUN_API_FUZZ") == "1":
        return
    kept = [item for item in items if item.get_closest_marker("fuzz") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("fuzz")])
        items[:] = kept


ROLES = [
    "anonymous",
    "observer",
    "other_observer",
    "jail_support",
    "lawyer",
    "other_lawyer",
    "organizer",
    "coordinator",
]


def png_bytes(size: tuple[int, int] = (8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@dataclass
class World:
    users: dict[str, Any]
    event: Any
    case_a: Any  # assigned to lawyer
    case_b: Any  # assigned to other_lawyer
    arrest_a: Any
    arrest_b: Any
    officer: Any
    incident_o: Any  # reported by observer, concerns case_a
    incident_p: Any  # reported by other_observer, concerns case_b
    complaint_a: Any
    complaint_b: Any
    statement_a: Any
    statement_b: Any
    evidence_o: Any  # uploaded by observer to incident_o
    evidence_b: Any  # on case_b
    citation_a: Any  # statewide summary citation on case_a, just issued (deadlines made by the rules)
    citation_b: Any
    spare_person: Any  # a demonstrator with no case yet
    spare_officer: Any  # an unidentified officer, to merge

    def __getitem__(self, name: str) -> Any:
        return getattr(self, name)


def _citation(case: Any, number: str, by: Any) -> Any:
    from citations.services import citation_create

    return citation_create(
        case=case, by=by, number=number, kind="pa_summary", offense_code="18 Pa.C.S. § 5502",
        issued_at=timezone.now() - datetime.timedelta(days=2), offense_description="Failure to disperse",
        fine=Decimal("50.00"),
    )  # fmt: skip


@pytest.fixture
def world(observer, other_observer, jail_support, lawyer, other_lawyer, organizer, coordinator) -> World:  # type: ignore[no-untyped-def]
    users = {
        "anonymous": None,
        "observer": observer,
        "other_observer": other_observer,
        "jail_support": jail_support,
        "lawyer": lawyer,
        "other_lawyer": other_lawyer,
        "organizer": organizer,
        "coordinator": coordinator,
    }
    # factories number cases themselves: move the service's sequence past them
    CaseNumberSequence.objects.update_or_create(year=timezone.localdate().year, defaults={"last_value": 5000})
    # In Pennsylvania outside Philadelphia: the statewide-track citations below have the 10-day
    # answer (in Philadelphia Rule 1002 governs them: a notice to appear).
    event = EventFactory(name="Encampment", jurisdiction="PA")
    JailSupportAssignment.objects.create(user=jail_support, event=event)  # the board of this event only
    case_a = CaseFactory(event=event, lawyers=[lawyer], demonstrator__legal_name="Ana Alvarez")
    case_b = CaseFactory(event=event, lawyers=[other_lawyer], demonstrator__legal_name="Bo Brown")
    officer = OfficerFactory(name="Ofc. Known", badge_number="4242", unit="Bike Unit")
    incident_o = IncidentFactory(reporter=observer, event=event, narrative="Line pushed forward.")
    incident_o.people_affected.add(case_a)
    incident_o.force_types.set([ForceType.objects.get(code="baton")])
    IncidentOfficer.objects.create(incident=incident_o, officer=officer, badge_as_seen="4242")
    incident_p = IncidentFactory(reporter=other_observer, event=event)
    incident_p.people_affected.add(case_b)
    complaint_a = ComplaintFactory(case=case_a)
    complaint_b = ComplaintFactory(case=case_b)
    evidence_o = evidence_add(
        upload=ContentFile(png_bytes(), name="x.png"), kind="photo", content_type="image/png", by=observer,
        incident=incident_o,
    )  # fmt: skip
    evidence_b = evidence_add(
        upload=ContentFile(b"notes\n", name="x.txt"), kind="document", content_type="text/plain", by=other_lawyer,
        case=case_b,
    )  # fmt: skip
    return World(
        users=users,
        event=event,
        case_a=case_a,
        case_b=case_b,
        arrest_a=ArrestFactory(case=case_a),
        arrest_b=ArrestFactory(case=case_b),
        officer=officer,
        incident_o=incident_o,
        incident_p=incident_p,
        complaint_a=complaint_a,
        complaint_b=complaint_b,
        statement_a=WitnessStatementFactory(case=case_a),
        statement_b=WitnessStatementFactory(case=case_b),
        evidence_o=evidence_o,
        evidence_b=evidence_b,
        citation_a=_citation(case_a, "SC-0001", coordinator),
        citation_b=_citation(case_b, "SC-0002", coordinator),
        spare_person=DemonstratorFactory(legal_name="Cy Spare"),
        spare_officer=OfficerFactory(name="", badge_number="", badge_status="covered", description="Tall, helmet B-17"),
    )


def client_with_token(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        raw, _ = token_issue(user=user, by=user, ttl=datetime.timedelta(hours=1))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_client_for(db):  # type: ignore[no-untyped-def]
    return client_with_token


@pytest.fixture
def clients(world) -> dict[str, APIClient]:  # type: ignore[no-untyped-def]
    return {role: client_with_token(user) for role, user in world.users.items()}


@pytest.fixture
def now():  # type: ignore[no-untyped-def]
    return timezone.now()
