"""The jail_support role: it sees the custody boards of the events assigned to it and nothing
else; coordinators assign it on their page, through the service (the matrices check every other
route refuses it)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from cases.models import AuditEntry
from cases.permissions import OPERATIONS, may
from cases.roles import Role, role_of
from custody.access import board_event_list_visible_to
from custody.models import JailSupportAssignment
from custody.services.assignments import jail_support_assign, jail_support_unassign
from tests.factories import EventFactory, UserFactory


@pytest.fixture
def two_events(db):  # type: ignore[no-untyped-def]
    return EventFactory(name="Kettle at 8th and Arch"), EventFactory(name="March on City Hall")


def test_jail_support_may_only_use_the_board_and_the_hotline_log():
    allowed = {name for name, row in OPERATIONS.items() if Role.JAIL_SUPPORT in row.roles}
    public = {"signing_key.read"}  # the public key that checks export signatures: every role reads it
    # the places of custody (police buildings, not personal data) whose ids the board and the
    # hotline take
    places = {"places.read"}
    assert allowed - public - places == {"custody.board", "custody.stage", "hotline.read", "hotline.create"}
    assert "places.manage" not in allowed


def test_jail_support_sees_only_the_boards_of_its_events(jail_support, coordinator, lawyer, two_events):
    kettle, march = two_events
    jail_support_assign(user=jail_support, event=kettle, by=coordinator)
    assert list(board_event_list_visible_to(user=jail_support)) == [kettle]
    assert set(board_event_list_visible_to(user=coordinator)) == {kettle, march}
    assert not board_event_list_visible_to(user=lawyer).exists()


def test_a_suspended_jail_support_account_sees_nothing(jail_support, coordinator, two_events):
    jail_support_assign(user=jail_support, event=two_events[0], by=coordinator)
    jail_support.is_active = False
    jail_support.save()
    assert not board_event_list_visible_to(user=jail_support).exists()


def test_jail_support_below_lawyers_and_above_observers_in_precedence(db):
    both = UserFactory(username="js_and_lawyer", role="lawyer")
    both.groups.add(Group.objects.get(name="jail_support"))
    assert role_of(both) == Role.JAIL_SUPPORT
    both = UserFactory(username="js_and_observer", role="observer")
    both.groups.add(Group.objects.get(name="jail_support"))
    assert role_of(both) == Role.OBSERVER
    assert not may(both, "custody.board")


def test_only_a_jail_support_account_can_be_assigned_and_only_by_a_coordinator(
    jail_support, lawyer, coordinator, two_events
):
    with pytest.raises(ValidationError):
        jail_support_assign(user=lawyer, event=two_events[0], by=coordinator)
    with pytest.raises(ValidationError):
        jail_support_assign(user=jail_support, event=two_events[0], by=lawyer)
    assert not JailSupportAssignment.objects.exists()


def test_assigning_twice_keeps_one_row_and_both_changes_are_audited(jail_support, coordinator, two_events):
    kettle = two_events[0]
    jail_support_assign(user=jail_support, event=kettle, by=coordinator)
    jail_support_assign(user=jail_support, event=kettle, by=coordinator)
    assert JailSupportAssignment.objects.count() == 1
    assert jail_support_unassign(user=jail_support, event=kettle, by=coordinator)
    assert not jail_support_unassign(user=jail_support, event=kettle, by=coordinator)
    actions = list(
        AuditEntry.objects.filter(action__startswith="custody.jail_support").values_list("action", flat=True)
    )
    assert actions == ["custody.jail_support.assign", "custody.jail_support.unassign"]


def test_the_coordinator_assigns_on_the_page_and_the_volunteer_sees_its_board(
    jail_support, coordinator, client_for, two_events
):
    kettle, march = two_events
    coordinator_client = client_for(coordinator)
    page = coordinator_client.get("/coordination/custody/jail-support/")
    assert page.status_code == 200 and jail_support.username in page.content.decode()
    response = coordinator_client.post(
        "/coordination/custody/jail-support/", {"user": jail_support.pk, "event": kettle.public_id, "action": "assign"}
    )
    assert response.status_code == 302
    home = client_for(jail_support).get("/custody/").content.decode()
    assert kettle.name in home and march.name not in home
    refused = coordinator_client.post(
        "/coordination/custody/jail-support/", {"user": coordinator.pk, "event": march.public_id, "action": "assign"}
    )
    assert refused.status_code == 400  # not a jail-support account: not offered
    assert client_for(jail_support).get("/coordination/custody/jail-support/").status_code == 403


def test_the_home_page_of_jail_support_leads_to_its_boards(jail_support, client_for):
    page = client_for(jail_support).get("/")
    assert page.status_code == 200 and 'href="/custody/"' in page.content.decode()
