import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Evidence, Incident, IncidentOfficer
from citations.dashboard import dashboard_summary
from tests.factories import EventFactory, IncidentFactory

JSON = {"HTTP_ACCEPT": "application/json"}


def _report(event, **overrides):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "event": event.pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": "Broad & Cherry",
        "dispersal_warning": "yes",
        "dispersal_warning_audible": "no",
        "narrative": "A line of bike officers pushed the crowd.",
        "force_types": [],
    }
    data.update(overrides)
    return data


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, "PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("observer", 200), ("coordinator", 200), ("lawyer", 403), ("organizer", 403), ("outsider", 403)],
)
def test_who_may_open_the_incident_form(request, client_for, persona, status):
    EventFactory()
    response = client_for(request.getfixturevalue(persona)).get("/observe/")
    assert response.status_code == status


@pytest.mark.django_db
def test_anonymous_gets_the_login_page_or_a_json_401(client):
    assert client.get("/observe/")["Location"].startswith("/login/")
    response = client.post("/observe/", {}, **JSON)
    assert response.status_code == 401 and response.json()["status"] == "signed_out"


@pytest.mark.django_db
def test_the_form_defaults_to_now_the_latest_event_and_warns_about_free_text(client_for, observer):
    EventFactory(name="Older", starts_at=timezone.now() - timezone.timedelta(days=20))
    latest = EventFactory(name="Latest")
    page = client_for(observer).get("/observe/").content.decode()
    assert f'<option value="{latest.pk}" selected>' in page
    assert timezone.localtime().strftime("%Y-%m-%dT") in page
    assert "could incriminate" in page
    assert 'name="client_uuid"' in page
    assert "<script>" not in page and "onclick" not in page  # no inline script (CSP)


@pytest.mark.django_db
def test_posting_the_form_without_script_stores_the_report_and_lists_it(client_for, observer):
    event = EventFactory()
    client = client_for(observer)
    officer = json.dumps({"badge": "4137", "unit": "Bike Unit", "features": ""})
    response = client.post(
        "/observe/",
        _report(event, officer=[officer], officer_unit="SWAT", officer_features="Grey moustache", files=[_png()]),
    )
    assert response.status_code == 302 and response["Location"] == "/observe/reports/"
    incident = Incident.objects.get()
    assert incident.reporter == observer and incident.dispersal_warning == "yes"
    sightings = IncidentOfficer.objects.filter(incident=incident).select_related("officer")
    # the free-text "unit, helmet or vehicle number" is kept as seen, never as the officer's unit
    assert sorted((s.badge_as_seen, s.officer.unit, s.features_as_seen) for s in sightings) == [
        ("", "", "SWAT · Grey moustache"),
        ("4137", "", "Bike Unit"),
    ]
    assert Evidence.objects.get(incident=incident).content_type == "image/png"
    listing = client.get("/observe/reports/").content.decode()
    assert "Broad &amp; Cherry" in listing and listing.count('class="report"') == 1


@pytest.mark.django_db
def test_the_phone_queue_retrying_a_report_never_makes_a_second_one(client_for, observer):
    event = EventFactory()
    client = client_for(observer)
    data = _report(event, arrest_description="Person in yellow raincoat", arrest_conduct="passive")
    first = client.post("/observe/", data, **JSON)
    again = client.post("/observe/", data, **JSON)
    assert first.status_code == 201 and first.json()["status"] == "created"
    assert again.status_code == 200 and again.json()["status"] == "exists"
    assert Incident.objects.count() == 1
    assert Incident.objects.get().arrests_seen.get().conduct == "passive"


@pytest.mark.django_db
def test_a_reused_client_uuid_with_other_content_is_409(client_for, observer):
    event = EventFactory()
    client = client_for(observer)
    data = _report(event)
    assert client.post("/observe/", data, **JSON).status_code == 201
    data["place"] = "Somewhere else"
    response = client.post("/observe/", data, **JSON)
    assert response.status_code == 409 and Incident.objects.count() == 1


@pytest.mark.django_db
def test_invalid_reports_come_back_as_field_errors(client_for, observer):
    event = EventFactory()
    response = client_for(observer).post("/observe/", _report(event, occurred_at="yesterday-ish"), **JSON)
    assert response.status_code == 400
    assert "occurred_at" in response.json()["errors"]
    html = client_for(observer).post("/observe/", _report(event, occurred_at="nope"))
    assert html.status_code == 400 and 'role="alert"' in html.content.decode()
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_only_photos_and_videos_are_accepted_by_content(client_for, observer):
    event = EventFactory()
    svg = SimpleUploadedFile("x.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/png")
    response = client_for(observer).post("/observe/", _report(event, files=[svg]), **JSON)
    assert response.status_code == 400 and "files" in response.json()["errors"]
    assert Incident.objects.count() == 0


@pytest.mark.django_db
def test_an_observer_sees_only_their_own_reports(client_for, observer, other_observer):
    IncidentFactory(reporter=observer, place="My corner")
    IncidentFactory(reporter=other_observer, place="Their corner")
    page = client_for(observer).get("/observe/reports/").content.decode()
    assert "My corner" in page and "Their corner" not in page
    assert "Officers pushed" not in page  # the narrative is not read back


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 30])
def test_my_reports_query_count_does_not_grow(client_for, observer, django_assert_max_num_queries, rows):
    event = EventFactory()
    IncidentFactory.create_batch(rows, reporter=observer, event=event)
    client = client_for(observer)
    # session, user, role groups, count, one page of reports joined to event and reporter, savepoint noise
    with django_assert_max_num_queries(8):
        response = client.get("/observe/reports/")
    assert response.status_code == 200 and response.content.decode().count('class="report"') == rows


@pytest.mark.django_db
def test_the_observer_form_is_in_spanish_on_request(client_for, observer):
    from django.utils import translation

    from web.forms.observe import IncidentReportForm

    EventFactory()
    with translation.override("en"):
        english = [str(f.label) for f in IncidentReportForm(user=observer).fields.values() if f.label]
    page = client_for(observer).get("/observe/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page and "Informar de un incidente" in page
    assert "No escriba nada que pueda incriminarle" in page
    still_english = [label for label in english if f">{label}:<" in page or f">{label}<" in page]
    assert not still_english
    assert "Guardado en este tel" in page  # the phone script's words come translated too


@pytest.mark.django_db
def test_the_service_worker_is_served_under_observe_for_observers_only(client_for, observer, lawyer):
    response = client_for(observer).get("/observe/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert '"/observe/"' in body and "/static/js/observer.js" in body and "caches.open" in body
    assert 'request.method !== "GET"' in body  # reports (POSTs) are never cached
    assert client_for(lawyer).get("/observe/sw.js").status_code == 403


@pytest.mark.django_db
def test_the_form_query_count_does_not_grow_with_events(client_for, observer):
    from tests.pages import query_count

    EventFactory()
    client = client_for(observer)
    one = query_count(client, "/observe/")
    EventFactory.create_batch(20)
    assert query_count(client, "/observe/") == one


@pytest.mark.django_db
def test_a_helmet_number_typed_by_an_observer_is_not_counted_as_a_unit(client_for, observer, organizer):
    """The dashboard's units come from officers' units: an observer's free-text marking ("helmet
    B-17") must not become one, with an agency the observer never chose."""
    event = EventFactory()
    client = client_for(observer)
    for _ in range(6):  # above the small-count threshold, so a unit would be listed
        marking = json.dumps({"badge": "", "unit": "helmet B-17", "features": "tall"})
        assert client.post("/observe/", _report(event, officer=[marking])).status_code == 302
    summary = dashboard_summary()
    assert summary["units"] == []
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert "helmet B-17" not in page
    assert IncidentOfficer.objects.filter(features_as_seen="helmet B-17 · tall").count() == 6
