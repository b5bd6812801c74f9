"""The admin's change log (django.contrib.admin's LogEntry) keeps no personal text: objects are
named by model and key, never by their `__str__`, for every registered ModelAdmin and inline row."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType

from cases.models import Demonstrator, Officer
from config.admin_site import NonPersonalLogMixin
from tests.factories import CaseFactory, DemonstratorFactory

NAME = "Zyxwvutsrq Qwertyzxc"


def log_text() -> str:
    return " ".join(f"{e.object_repr} {e.change_message} {e.get_change_message()}" for e in LogEntry.objects.all())


@pytest.mark.django_db
def test_adding_changing_and_deleting_in_the_admin_logs_no_name(client_for, administrator):
    client = client_for(administrator)
    officer = {"name": NAME, "badge_number": "4100", "badge_status": "full", "agency": "PPD", "unit": "CDU"}
    response = client.post("/admin/cases/officer/add/", officer)
    assert response.status_code == 302, response.content[:2000]
    added = Officer.objects.get(badge_number="4100")
    assert NAME in str(added)  # the object's own label names the officer...
    client.post(f"/admin/cases/officer/{added.pk}/change/", {**officer, "unit": "SWAT"})
    person = DemonstratorFactory()
    client.post(
        f"/admin/cases/demonstrator/{person.pk}/change/",
        {"legal_name": NAME, "preferred_name": NAME, "conceal_legal_name": "on", "pronouns": ""},
    )
    client.post("/admin/cases/officer/", {"action": "delete_selected", "_selected_action": [added.pk], "post": "yes"})
    entries = list(LogEntry.objects.order_by("pk"))
    assert [e.action_flag for e in entries] == [1, 2, 2, 3], [(e.action_flag, e.change_message) for e in entries]
    assert Demonstrator.objects.get(pk=person.pk).legal_name == NAME
    assert entries[0].object_repr == f"officer {added.pk}" and entries[2].object_repr == f"demonstrator {person.pk}"
    assert NAME not in log_text() and "Zyxwvutsrq" not in log_text()  # ...the log does not


@pytest.mark.django_db
def test_inline_rows_are_named_by_key_in_the_change_message(client_for, administrator):
    case = CaseFactory()
    data = {
        "event": case.event.pk, "demonstrator": case.demonstrator.pk, "status": case.status,
        "opened_on": case.opened_on.isoformat(),
        "arrests-TOTAL_FORMS": "1", "arrests-INITIAL_FORMS": "0",
        "arrests-0-arrested_at_0": "2026-06-01", "arrests-0-arrested_at_1": "22:30:00",
        "arrests-0-place": NAME, "arrests-0-custody_status": "released", "arrests-0-bail_amount": "",
        "arrests-0-bail_paid_by": "",
    }  # fmt: skip
    response = client_for(administrator).post(f"/admin/cases/case/{case.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    entry = LogEntry.objects.get()
    arrest = case.arrests.get()
    assert entry.get_change_message().endswith(f"Added arrest “arrest {arrest.pk}”.")
    assert "Zyxwvutsrq" not in log_text()


def test_every_registered_model_admin_logs_non_personally():
    assert site._registry and all(
        isinstance(model_admin, NonPersonalLogMixin) for model_admin in site._registry.values()
    )


@pytest.mark.django_db
def test_the_migration_scrubs_names_logged_before(administrator):
    person = DemonstratorFactory()
    old = LogEntry.objects.create(
        user=administrator, content_type=ContentType.objects.get_for_model(Demonstrator), object_id=str(person.pk),
        object_repr=NAME, action_flag=2,
        change_message=json.dumps([{"changed": {"fields": ["Legal name"]}}, {"added": {"name": "arrest", "object": NAME}}]),
    )  # fmt: skip
    importlib.import_module("cases.migrations.0015_scrub_admin_log").scrub(django_apps, None)
    old.refresh_from_db()
    assert old.object_repr == f"demonstrator {person.pk}" and "Zyxwvutsrq" not in log_text()
    assert old.get_change_message() == "Changed Legal name. Added arrest “arrest”."
