import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_served(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content and b"csrfmiddlewaretoken" in response.content


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.django_db
def test_demo_account_logs_in_with_its_password(client, observer, lawyer):
    response = client.post("/login/", {"username": observer.username, "password": "correct-horse-battery-staple"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    # A lawyer's password alone leads only to the second-factor enrolment (tests/security/test_mfa.py).
    client.post("/logout/")
    client.post("/login/", {"username": lawyer.username, "password": "correct-horse-battery-staple"})
    assert client.get("/")["Location"].startswith("/login/enrol/")


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_get_the_same_answer(client, lawyer):
    wrong = client.post("/login/", {"username": lawyer.username, "password": "not-the-password"})
    unknown = client.post("/login/", {"username": "no-such-user", "password": "not-the-password"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("observer", 302),
        ("lawyer", 302),
        ("organizer", 302),
        ("outsider", 302),
        ("coordinator", 302),  # coordinators work in their own pages, not the admin
        ("administrator", 200),
    ],
)
def test_only_administrators_reach_the_admin(request, client_for, persona, status):
    user = request.getfixturevalue(persona)
    if persona in ("observer", "lawyer", "organizer", "outsider"):
        user.is_staff = True  # even a wrongly flagged staff account stays out without the role
        user.save()
    response = client_for(user).get("/admin/")
    assert response.status_code == status


@pytest.mark.django_db
def test_admin_lists_every_model_with_filters(client_for, administrator):
    from django.core.management import call_command

    call_command("seed_demo", password="a-long-demo-password")
    client = client_for(administrator)
    registered = admin.site._registry
    for label in ["cases.Event", "cases.Demonstrator", "cases.Case", "cases.Arrest", "cases.Officer", "cases.Incident",
                  "cases.ExcessiveForceComplaint", "cases.WitnessStatement", "cases.Evidence", "citations.Citation",
                  "citations.Payment", "cases.AuditEntry"]:  # fmt: skip
        model = apps.get_model(label)
        assert model in registered, f"{label} is not in the admin"
        assert registered[model].list_filter, f"{label} has no list filters"
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.django_db
def test_admin_changelists_show_no_personal_data(client_for, coordinator):
    from django.core.management import call_command

    from cases.models import Demonstrator

    call_command("seed_demo", password="a-long-demo-password")
    person = Demonstrator.objects.first()
    page = client_for(coordinator).get("/admin/cases/demonstrator/").content.decode()
    assert person.legal_name not in page and person.phone not in page


@pytest.mark.django_db
def test_opening_a_demonstrator_in_the_admin_is_audited(client_for, administrator):
    from cases.models import AuditEntry
    from tests.factories import DemonstratorFactory

    person = DemonstratorFactory()
    response = client_for(administrator).get(f"/admin/cases/demonstrator/{person.pk}/change/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="admin.read")
    assert entry.target_id == str(person.public_id) and "legal_name" in entry.fields


@pytest.mark.django_db
def test_logout_is_post_only(client_for, lawyer):
    client = client_for(lawyer)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302
