"""One permission table (cases/permissions.py): the same question gets the same answer from a
page and from the API, for every role. Each settled disagreement of docs/security.md ("Settled
disagreements") has its test here: the citations export, original evidence downloads, and who
counts as a lawyer for an assignment."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from cases.permissions import OPERATIONS, UnknownOperation, may, users_who_may
from cases.roles import Role
from cases.services import case_assign_lawyers, evidence_open
from tests.api.conftest import client_with_token, png_bytes
from tests.factories import CaseFactory, UserFactory
from web.permissions import page_for

PERSONAS = ["observer", "jail_support", "lawyer", "organizer", "coordinator", "administrator"]


@pytest.fixture
def people(request) -> dict[str, object]:  # type: ignore[no-untyped-def]
    found: dict[str, object] = {name: request.getfixturevalue(name) for name in PERSONAS}
    found["suspended"] = UserFactory(username="sam_suspended", role="coordinator", is_active=False)
    found["anonymous"] = None
    return found


def test_an_unknown_operation_fails_loudly_instead_of_denying_quietly(coordinator):
    with pytest.raises(UnknownOperation):
        may(coordinator, "citations.exprot")
    with pytest.raises(UnknownOperation):
        page_for("citations.exprot")  # at import time, before any request


def test_anonymous_suspended_and_roleless_accounts_may_do_nothing(outsider):
    suspended = UserFactory(username="sam_suspended", role="administrator", is_active=False)
    for user in (None, outsider, suspended):
        assert [name for name in OPERATIONS if may(user, name)] == []


def test_every_row_names_known_roles_and_an_area():
    for name, row in OPERATIONS.items():
        area, _, verb = name.partition(".")
        assert area and verb and row.roles and row.roles <= set(Role), name


# --- the citations CSV export: coordinators and administrators, on the page and in the API ------


def test_citations_export_gives_the_same_answer_on_the_page_and_in_the_api(people, client_for):
    CaseFactory(lawyers=[people["lawyer"]])
    expected = {"anonymous": None, "observer": 403, "jail_support": 403, "lawyer": 403, "organizer": 403}
    expected |= {"suspended": None}
    expected |= {"coordinator": 200, "administrator": 200}
    for persona, user in people.items():
        page = client_for(user).get("/citations/export.csv")
        api = client_with_token(user).get("/api/v1/exports/citations.csv")
        if expected[persona] is None:  # not signed in: the sign-in page, and 401 from the API
            assert (page.status_code, api.status_code) == (302, 401), persona
            continue
        assert (page.status_code, api.status_code) == (expected[persona],) * 2, persona
        assert may(user, "citations.export") is (expected[persona] == 200)


# --- original evidence: one rule, in the service both the page and the API call ----------------


@pytest.fixture
def evidence_of_lawyers_case(lawyer, coordinator):  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    from cases.services import evidence_add

    case = CaseFactory(lawyers=[lawyer])
    return evidence_add(
        upload=ContentFile(png_bytes(), name="x.png"), kind="photo", content_type="image/png", by=coordinator,
        case=case,
    )  # fmt: skip


def test_original_evidence_gives_the_same_answer_on_the_page_and_in_the_api(
    people, client_for, evidence_of_lawyers_case
):
    evidence = evidence_of_lawyers_case
    # an observer does not see a case's evidence (404 from both); an organizer may not download
    # evidence at all (403 from both); the lawyer sees it but not its original (403 from both);
    # coordinators and administrators get it.
    expected = {"observer": 404, "jail_support": 403, "lawyer": 403, "organizer": 403, "coordinator": 200}
    expected |= {"administrator": 200}
    for persona in PERSONAS:
        user = people[persona]
        page = client_for(user).get(f"/evidence/{evidence.public_id}/download/?original=1")
        api = client_with_token(user).get(f"/api/v1/evidence/{evidence.public_id}/download/?original=true")
        assert (page.status_code, api.status_code) == (expected[persona],) * 2, persona
        if expected[persona] == 200:
            assert page.content == api.content


def test_the_service_refuses_an_original_to_a_lawyer_whoever_calls_it(lawyer, evidence_of_lawyers_case):
    with pytest.raises(PermissionDenied):
        evidence_open(evidence=evidence_of_lawyers_case, by=lawyer, original=True)
    assert evidence_open(evidence=evidence_of_lawyers_case, by=lawyer).metadata_stripped


# --- who is a lawyer: the `cases.represent` row, with role precedence ---------------------------


@pytest.fixture
def lawyer_also_organizer(db):  # type: ignore[no-untyped-def]
    """In two groups by mistake: the least privileged role (organizer) wins, so not a lawyer."""
    user = UserFactory(username="lou_both", role="lawyer")
    user.groups.add(Group.objects.get_or_create(name="organizer")[0])
    return user


def test_lawyer_pickers_follow_role_precedence(lawyer, lawyer_also_organizer, coordinator, client_for):
    assert list(users_who_may("cases.represent")) == [lawyer]
    case = CaseFactory()
    page = client_for(coordinator).get(f"/coordination/cases/{case.public_id}/assign/")
    assert page.status_code == 200
    assert lawyer.username in page.content.decode() and "lou_both" not in page.content.decode()


def test_assignment_refuses_a_non_lawyer_on_the_page_in_the_api_and_in_the_service(
    lawyer_also_organizer, coordinator, client_for
):
    case = CaseFactory()
    page = client_for(coordinator).post(
        f"/coordination/cases/{case.public_id}/assign/", {"lawyers": [lawyer_also_organizer.pk]}
    )
    api = client_with_token(coordinator).post(
        f"/api/v1/cases/{case.public_id}/assign/", {"lawyers": ["lou_both"]}, format="json"
    )
    assert (page.status_code, api.status_code) == (400, 400)
    with pytest.raises(ValidationError):
        case_assign_lawyers(case=case, lawyers=[lawyer_also_organizer], by=coordinator)
    assert not case.lawyers.exists()


# --- a role's home page links only to pages its role may open ------------------------------------


def test_every_place_on_a_roles_home_page_opens_for_that_role(people):
    from django.urls import resolve, reverse

    from web.views.home import ROLE_PLACES

    for role, places in ROLE_PLACES.items():
        user = people[role.value]
        for url_name, _label in places:
            view = resolve(reverse(url_name)).func
            needed = getattr(view, "permission_operation", None)
            if url_name == "admin:index":
                needed = "admin.site"
            assert needed is not None, f"{url_name} names no operation"
            assert may(user, needed), f"{role.value}'s home links to {url_name}, which {needed} refuses"


def test_users_who_may_an_operation_of_several_roles_keep_precedence(people):
    demoted = UserFactory(username="cy_coordinator_and_observer", role="coordinator")
    demoted.groups.add(Group.objects.get_or_create(name="observer")[0])  # an observer, by precedence
    found = set(users_who_may("accounts.manage"))
    assert found == {people["coordinator"], people["administrator"]}
    assert demoted not in found and people["suspended"] not in found
