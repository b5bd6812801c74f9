import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.audit import audit_record
from cases.models import AuditEntry
from citations.selectors import audit_entry_records
from tests.factories import CaseFactory, CitationFactory, DemonstratorFactory, UserFactory
from tests.pages import query_count


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/coordination/", "/coordination/accounts/", "/coordination/audit/"])
@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("administrator", 200), ("lawyer", 403), ("organizer", 403), ("observer", 403)],
)
def test_only_coordinators_open_the_coordination_pages(request, client_for, url, persona, status):
    assert client_for(request.getfixturevalue(persona)).get(url).status_code == status


@pytest.mark.django_db
def test_a_coordinator_assigns_a_case_and_the_lawyer_then_sees_it(client_for, coordinator, lawyer):
    case = CaseFactory(status="intake", demonstrator=DemonstratorFactory(legal_name="Kwame Mensah"))
    coord = client_for(coordinator)
    assert "Kwame Mensah" in coord.get("/coordination/").content.decode()
    assert "Kwame Mensah" not in client_for(lawyer).get("/desk/cases/").content.decode()
    response = coord.post(f"/coordination/cases/{case.public_id}/assign/", {"lawyers": [lawyer.pk]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert list(case.lawyers.all()) == [lawyer] and case.status == "active"
    assert "Kwame Mensah" in client_for(lawyer).get("/desk/cases/").content.decode()
    assert AuditEntry.objects.filter(action="case.assign", target_id=str(case.public_id)).exists()


@pytest.mark.django_db
def test_only_lawyers_can_be_assigned(client_for, coordinator, observer):
    case = CaseFactory()
    response = client_for(coordinator).post(f"/coordination/cases/{case.public_id}/assign/", {"lawyers": [observer.pk]})
    assert response.status_code == 400 and not case.lawyers.exists()


@pytest.mark.django_db
def test_accounts_are_created_given_a_role_and_deactivated(client_for, coordinator):
    client = client_for(coordinator)
    response = client.post(
        "/coordination/accounts/",
        {"username": "new_lawyer", "role": "lawyer", "password": "a-long-enough-passphrase-42"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="new_lawyer")
    assert list(user.groups.values_list("name", flat=True)) == ["lawyer"] and user.check_password(
        "a-long-enough-passphrase-42"
    )
    client.post(f"/coordination/accounts/{user.pk}/role/", {"role": "organizer"})
    assert list(user.groups.values_list("name", flat=True)) == ["organizer"]
    client.post(f"/coordination/accounts/{user.pk}/active/", {"active": "0"})
    user.refresh_from_db()
    assert not user.is_active
    assert {"account.create", "account.role", "account.deactivate"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


@pytest.mark.django_db
def test_weak_passwords_and_administrator_accounts_are_refused_to_coordinators(client_for, coordinator, administrator):
    client = client_for(coordinator)
    weak = client.post("/coordination/accounts/", {"username": "x1", "role": "lawyer", "password": "short"})
    assert weak.status_code == 400 and not get_user_model().objects.filter(username="x1").exists()
    admin = client.post(
        "/coordination/accounts/",
        {"username": "x2", "role": "administrator", "password": "a-long-enough-passphrase-42"},
    )
    assert admin.status_code == 400 and not get_user_model().objects.filter(username="x2").exists()
    client.post(f"/coordination/accounts/{administrator.pk}/active/", {"active": "0"})
    administrator.refresh_from_db()
    assert administrator.is_active


@pytest.mark.django_db
def test_the_audit_trail_filters_by_actor_and_action(client_for, coordinator, lawyer):
    case = CaseFactory(lawyers=[lawyer])
    client_for(lawyer).get(f"/desk/cases/{case.public_id}/")
    page = client_for(coordinator).get("/coordination/audit/?actor=laura_lawyer&action=case.read").content.decode()
    assert "case.read" in page and str(case.public_id) in page
    assert "account.create" not in page


@pytest.mark.django_db
def test_coordination_query_counts_do_not_grow_with_rows(client_for, coordinator):
    client = client_for(coordinator)
    CaseFactory(status="intake")
    UserFactory(role="lawyer")
    urls = ["/coordination/", "/coordination/accounts/", "/coordination/audit/"]
    one = {url: query_count(client, url) for url in urls}
    CaseFactory.create_batch(20, status="intake")
    UserFactory.create_batch(20, role="observer")
    many = {url: query_count(client, url) for url in urls}
    assert many == one


@pytest.mark.django_db
def test_the_audit_trail_names_records_by_case_number_with_links(client_for, coordinator, lawyer):
    case = CaseFactory(lawyers=[lawyer])
    citation = CitationFactory(case=case, number="CVN-778812")
    audit_record(actor=lawyer, action="case.read", target=case)
    audit_record(actor=lawyer, action="citation.respond", target=citation)
    page = client_for(coordinator).get("/coordination/audit/?actor=laura_lawyer").content.decode()
    assert f'<a href="/desk/cases/{case.public_id}/">Case {case.number}</a>' in page
    assert f'<a href="/desk/citations/{citation.public_id}/">Citation CVN-778812</a>' in page
    assert f">{case.public_id}<" not in page and f">{citation.public_id}<" not in page  # no long ids as text


@pytest.mark.django_db
def test_the_audit_trail_resolves_its_records_in_one_query_per_page(client_for, coordinator, lawyer):
    client = client_for(coordinator)
    first = CaseFactory()
    audit_record(actor=lawyer, action="case.read", target=first)
    audit_record(actor=lawyer, action="citation.read", target=CitationFactory(case=first))
    one = query_count(client, "/coordination/audit/")
    for _ in range(15):
        case = CaseFactory()
        audit_record(actor=lawyer, action="case.read", target=case)
        audit_record(actor=lawyer, action="citation.read", target=CitationFactory(case=case))
    assert query_count(client, "/coordination/audit/") == one
    entries = list(AuditEntry.objects.order_by("-id")[:40])
    with CaptureQueriesContext(connection) as queries:
        records = audit_entry_records(user=coordinator, entries=entries)
    assert len(queries) == 1 and len(records) == 32
