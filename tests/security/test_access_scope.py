"""The one scoping module, attacked directly: every selector, every persona, asserting the rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from cases import access
from cases.models import ArrestSeen, AuditEntry, Evidence, WitnessStatement
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    ComplaintFactory,
    IncidentFactory,
    WitnessStatementFactory,
)


def evidence_row(**links):
    return Evidence.objects.create(kind="photo", file="evidence/x", content_type="image/png", size=1, sha256="0" * 64,
                                   **links)  # fmt: skip


@pytest.fixture
def world(lawyer, other_lawyer, observer, other_observer, coordinator):
    mine, theirs = CaseFactory(lawyers=[lawyer]), CaseFactory(lawyers=[other_lawyer])
    shared_incident = IncidentFactory(reporter=observer)
    shared_incident.people_affected.add(mine, theirs)
    their_incident = IncidentFactory(reporter=other_observer)
    their_incident.people_affected.add(theirs)
    w = {
        "mine": mine, "theirs": theirs, "shared_incident": shared_incident, "their_incident": their_incident,
        "my_complaint": ComplaintFactory(case=mine), "their_complaint": ComplaintFactory(case=theirs),
        "my_statement": WitnessStatementFactory(case=mine),
        "their_statement": WitnessStatementFactory(case=theirs),
        # tied to the other client's case AND to the shared incident: still the other client's file
        "their_statement_on_shared": WitnessStatementFactory(case=theirs, incident=shared_incident),
        "incident_statement": WitnessStatementFactory(case=None, incident=shared_incident),
        "my_arrest": ArrestFactory(case=mine), "their_arrest": ArrestFactory(case=theirs),
        "my_evidence": evidence_row(case=mine), "their_evidence": evidence_row(case=theirs),
        "their_evidence_on_shared": evidence_row(case=theirs, incident=shared_incident),
        "incident_evidence": evidence_row(incident=shared_incident, uploaded_by=observer),
        "their_seen": ArrestSeen.objects.create(incident=shared_incident, case=theirs, person_description="tall"),
        "my_seen": ArrestSeen.objects.create(incident=shared_incident, case=mine, person_description="short"),
    }  # fmt: skip
    return w


def ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_lawyer_sees_only_their_clients_and_what_hangs_off_them(world, lawyer):
    w = world
    assert ids(access.case_list_visible_to(user=lawyer)) == {w["mine"].pk}
    assert ids(access.demonstrator_list_visible_to(user=lawyer)) == {w["mine"].demonstrator_id}
    assert ids(access.complaint_list_visible_to(user=lawyer)) == {w["my_complaint"].pk}
    assert ids(access.arrest_list_visible_to(user=lawyer)) == {w["my_arrest"].pk}
    assert ids(access.incident_list_visible_to(user=lawyer)) == {w["shared_incident"].pk}
    assert ids(access.statement_list_visible_to(user=lawyer)) == {w["my_statement"].pk, w["incident_statement"].pk}
    assert ids(access.evidence_list_visible_to(user=lawyer)) == {w["my_evidence"].pk, w["incident_evidence"].pk}
    assert ids(access.arrest_seen_list_visible_to(user=lawyer)) == {w["my_seen"].pk}
    assert ids(access.incident_cases_visible_to(user=lawyer, incident=w["shared_incident"])) == {w["mine"].pk}


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["theirs", "their_complaint", "their_statement", "their_statement_on_shared",
                                 "their_evidence", "their_evidence_on_shared", "their_incident", "their_arrest"])  # fmt: skip
def test_another_lawyers_record_is_a_404_like_a_missing_one(world, lawyer, key):
    obj = world[key]
    selector = {
        "theirs": access.case_list_visible_to, "their_complaint": access.complaint_list_visible_to,
        "their_statement": access.statement_list_visible_to,
        "their_statement_on_shared": access.statement_list_visible_to,
        "their_evidence": access.evidence_list_visible_to, "their_evidence_on_shared": access.evidence_list_visible_to,
        "their_incident": access.incident_list_visible_to, "their_arrest": access.arrest_list_visible_to,
    }[key]  # fmt: skip
    with pytest.raises(Http404) as forbidden:
        access.get_visible_or_404(selector(user=lawyer), obj.public_id)
    with pytest.raises(Http404) as missing:
        access.get_visible_or_404(selector(user=lawyer), "00000000-0000-0000-0000-000000000000")
    assert str(forbidden.value) == str(missing.value)
    with pytest.raises(Http404):
        access.get_visible_or_404(selector(user=lawyer), "not-a-uuid'; DROP TABLE x;--")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["organizer", "outsider"])
def test_organizers_and_people_without_a_role_see_no_personal_record(request, world, persona):
    user = request.getfixturevalue(persona)
    for selector in [access.case_list_visible_to, access.demonstrator_list_visible_to, access.arrest_list_visible_to,
                     access.incident_list_visible_to, access.complaint_list_visible_to,
                     access.statement_list_visible_to, access.evidence_list_visible_to,
                     access.arrest_seen_list_visible_to, access.audit_entry_list_visible_to]:  # fmt: skip
        assert not selector(user=user).exists(), selector.__name__


@pytest.mark.django_db
def test_an_observer_sees_only_their_own_recent_reports(world, observer, other_observer, settings):
    w = world
    settings.OBSERVER_READBACK_HOURS = 48
    assert ids(access.incident_list_visible_to(user=observer)) == {w["shared_incident"].pk}
    assert ids(access.incident_list_visible_to(user=other_observer)) == {w["their_incident"].pk}
    assert ids(access.evidence_list_visible_to(user=observer)) == {w["incident_evidence"].pk}
    assert not access.case_list_visible_to(user=observer).exists()
    assert not access.statement_list_visible_to(user=observer).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=49)):
        assert not access.incident_list_visible_to(user=observer).exists()
        assert not access.evidence_list_visible_to(user=observer).exists()
        assert not access.arrest_seen_list_visible_to(user=observer).exists()


@pytest.mark.django_db
def test_a_suspended_account_sees_nothing(world, lawyer, coordinator):
    for user in (lawyer, coordinator):
        user.is_active = False
        user.save()
        fresh = type(user).objects.get(pk=user.pk)
        assert not access.case_list_visible_to(user=fresh).exists()
        assert not access.statement_list_visible_to(user=fresh).exists()


@pytest.mark.django_db
def test_a_lawyer_wrongly_added_to_the_organizer_group_loses_access_instead_of_gaining(world, lawyer):
    from django.contrib.auth.models import Group

    lawyer.groups.add(Group.objects.get_or_create(name="organizer")[0])
    fresh = type(lawyer).objects.get(pk=lawyer.pk)
    assert not access.case_list_visible_to(user=fresh).exists()


@pytest.mark.django_db
def test_only_coordinators_and_administrators_read_the_audit_trail(world, coordinator, administrator, lawyer):
    from cases.audit import audit_record

    audit_record(actor=coordinator, action="case.read", target=world["mine"])
    assert access.audit_entry_list_visible_to(user=coordinator).count() == AuditEntry.objects.count()
    assert access.audit_entry_list_visible_to(user=administrator).exists()
    assert not access.audit_entry_list_visible_to(user=lawyer).exists()


@pytest.mark.django_db
def test_coordinators_see_everything(world, coordinator):
    assert access.case_list_visible_to(user=coordinator).count() == 2
    assert access.statement_list_visible_to(user=coordinator).count() == WitnessStatement.objects.count()
