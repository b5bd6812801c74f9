"""A case packet holds only what its user may see: the context refuses a case outside the user's
scope, and on an incident two clients share, each lawyer's packet leaves out the other client's
statements and files (while it keeps the incident and the material tied to no one's case)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from cases.models import WitnessStatement
from cases.services import evidence_add
from documents import context as ctx
from tests.factories import CaseFactory, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(lawyer, other_lawyer, observer):  # type: ignore[no-untyped-def]
    mine = CaseFactory(lawyers=[lawyer])
    theirs = CaseFactory(event=mine.event, lawyers=[other_lawyer])
    incident = IncidentFactory(reporter=observer, event=mine.event, narrative="SHARED-INCIDENT")
    incident.people_affected.add(mine, theirs)
    for case, text in ((mine, "MY-CLIENT-STATEMENT"), (theirs, "THEIR-CLIENT-STATEMENT"), (None, "OPEN-STATEMENT")):
        WitnessStatement.objects.create(statement=text, incident=incident, case=case)
    for case, text in ((mine, "MY-CLIENT-FILE"), (theirs, "THEIR-CLIENT-FILE"), (None, "OPEN-FILE")):
        evidence_add(
            upload=ContentFile(text.encode(), name="n.txt"), kind="document", content_type="text/plain",
            by=observer, description=text, incident=incident, case=case,
        )  # fmt: skip
    return {"mine": mine, "theirs": theirs}


def _shown(context) -> set[str]:  # type: ignore[no-untyped-def]
    return {s["statement"] for s in context["statements"]} | {e["description"] for e in context["evidence"]}


@pytest.mark.parametrize("who", ["other_lawyer", "observer", "organizer", "outsider"])
def test_the_context_refuses_a_case_outside_the_users_scope(who, shared, request):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        ctx.case_packet_context(case=shared["mine"], user=request.getfixturevalue(who))


def test_a_lawyer_packet_leaves_out_the_other_clients_attachments(shared, lawyer):  # type: ignore[no-untyped-def]
    context = ctx.case_packet_context(case=shared["mine"], user=lawyer)
    assert [i["narrative"] for i in context["incidents"]] == ["SHARED-INCIDENT"]
    assert _shown(context) == {"MY-CLIENT-STATEMENT", "OPEN-STATEMENT", "MY-CLIENT-FILE", "OPEN-FILE"}


def test_a_lawyer_with_both_clients_sees_both_clients_attachments(shared, lawyer):  # type: ignore[no-untyped-def]
    shared["theirs"].lawyers.add(lawyer)
    context = ctx.case_packet_context(case=shared["mine"], user=lawyer)
    assert {"THEIR-CLIENT-STATEMENT", "THEIR-CLIENT-FILE"} <= _shown(context)


def test_a_coordinator_packet_holds_every_attachment_of_the_incident(shared, coordinator):  # type: ignore[no-untyped-def]
    context = ctx.case_packet_context(case=shared["mine"], user=coordinator)
    assert _shown(context) == {
        "MY-CLIENT-STATEMENT", "THEIR-CLIENT-STATEMENT", "OPEN-STATEMENT",
        "MY-CLIENT-FILE", "THEIR-CLIENT-FILE", "OPEN-FILE",
    }  # fmt: skip
