"""Places of custody are data a coordinator keeps on a page and through the API: added, renamed,
retired (the forms stop offering them, records keep them) or deleted while nothing names them;
every change audited; names checked with clear errors in both languages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AuditEntry, CustodyStatus
from custody.models import CustodyPlace
from custody.selectors.places import custody_place_list, custody_places
from custody.services.board import arrest_move
from custody.services.places import (
    custody_place_create,
    custody_place_delete,
    custody_place_set_active,
    custody_place_update,
)
from tests.api.conftest import client_with_token
from tests.custody.fakes import make_hotline_entry
from tests.factories import ArrestFactory, EventFactory
from tests.pages import query_count

pytestmark = pytest.mark.django_db


def test_a_new_place_is_tidied_offered_at_once_and_audited(coordinator):
    place = custody_place_create(name="  25th   Police District annex ", kind="district", by=coordinator)
    assert place.name == "25th Police District annex" and place.active
    assert place in custody_places()
    entry = AuditEntry.objects.get(action="custody.place.create")
    assert entry.actor == coordinator and entry.target_id == str(place.public_id)


def test_names_are_required_and_unique_ignoring_case(coordinator):
    with pytest.raises(ValidationError) as empty:
        custody_place_create(name="   ", by=coordinator)
    assert "name" in empty.value.message_dict
    with pytest.raises(ValidationError) as taken:
        custody_place_create(name="9TH police district", by=coordinator)  # seeded by a migration
    assert taken.value.message_dict == {"name": ["Another place already has this name."]}
    with pytest.raises(ValidationError):
        custody_place_create(name="Somewhere", kind="embassy", by=coordinator)
    assert not AuditEntry.objects.filter(action__startswith="custody.place").exists()


@pytest.fixture
def saved_meanwhile(monkeypatch):  # type: ignore[no-untyped-def]
    """Another coordinator saves a place between this one's check of the name and its write: the
    check sees no other place, the write meets theirs."""
    from custody.services import places

    def checked_before_theirs(name: str, *, place: CustodyPlace | None = None) -> str:
        name = " ".join(name.split())
        CustodyPlace.objects.create(name=name.upper(), kind="district")
        return name

    monkeypatch.setattr(places, "_clean_name", checked_before_theirs)


def test_a_name_saved_meanwhile_by_someone_else_is_the_same_refusal(coordinator, saved_meanwhile):
    with pytest.raises(ValidationError) as taken:
        custody_place_create(name="Annex of the 25th", by=coordinator)
    assert taken.value.message_dict == {"name": ["Another place already has this name."]}
    assert not AuditEntry.objects.filter(action="custody.place.create").exists()


def test_a_rename_to_a_name_saved_meanwhile_is_the_same_refusal(coordinator, saved_meanwhile):
    place = CustodyPlace.objects.create(name="Annex", kind="district")
    with pytest.raises(ValidationError) as taken:
        custody_place_update(place=place, name="Annex of the 26th", kind="district", by=coordinator)
    assert taken.value.message_dict == {"name": ["Another place already has this name."]}
    place.refresh_from_db()
    assert place.name == "Annex"


def test_the_page_refuses_a_name_saved_meanwhile_with_the_form(coordinator, client_for, saved_meanwhile):
    response = client_for(coordinator).post(
        "/coordination/custody/places/", {"name": "Annex of the 27th", "kind": "district"}
    )
    assert response.status_code == 400
    assert "Another place already has this name." in response.content.decode()


def test_renaming_shows_the_new_name_where_people_are_recorded(coordinator):
    place = CustodyPlace.objects.get(name="9th Police District")
    arrest = arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=place, by=coordinator)
    custody_place_update(
        place=place, name="9th District (Race St)", kind="district", address="401 N 21st St", by=coordinator
    )
    arrest.placement.refresh_from_db()
    assert arrest.placement.place.name == "9th District (Race St)"
    entry = AuditEntry.objects.get(action="custody.place.update")
    assert entry.fields == ["address", "name"]
    assert entry.details == {"from": "9th Police District", "to": "9th District (Race St)"}
    custody_place_update(
        place=place, name="9th District (Race St)", kind="district", address="401 N 21st St", by=coordinator
    )
    assert AuditEntry.objects.filter(action="custody.place.update").count() == 1  # nothing changed: no entry


def test_a_retired_place_is_no_longer_offered_but_records_keep_it(coordinator):
    place = CustodyPlace.objects.get(name="6th Police District")
    arrest = arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=place, by=coordinator)
    custody_place_set_active(place=place, active=False, by=coordinator)
    assert place not in custody_places()
    arrest.placement.refresh_from_db()
    assert arrest.placement.place == place
    custody_place_set_active(place=place, active=True, by=coordinator)
    assert place in custody_places()
    actions = list(AuditEntry.objects.filter(action__startswith="custody.place").values_list("action", flat=True))
    assert actions == ["custody.place.retire", "custody.place.reinstate"]


def test_a_place_in_use_is_never_deleted(coordinator):
    held = CustodyPlace.objects.get(name="9th Police District")
    arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=held, by=coordinator)
    named = CustodyPlace.objects.get(name="6th Police District")
    make_hotline_entry(event=EventFactory(), by=coordinator, place=named)
    for place in (held, named):
        with pytest.raises(ValidationError) as refused:
            custody_place_delete(place=place, by=coordinator)
        assert "retire it instead" in refused.value.messages[0]
        assert CustodyPlace.objects.filter(pk=place.pk).exists()
    typo = custody_place_create(name="9th Polce District", by=coordinator)
    custody_place_delete(place=typo, by=coordinator)
    assert not CustodyPlace.objects.filter(pk=typo.pk).exists()
    assert AuditEntry.objects.filter(action="custody.place.delete", target_id=str(typo.public_id)).exists()


def test_only_coordinators_and_administrators_change_places(jail_support, lawyer, administrator):
    place = CustodyPlace.objects.get(name="9th Police District")
    for user in (jail_support, lawyer):
        with pytest.raises(PermissionDenied):
            custody_place_create(name="Elsewhere", by=user)
        with pytest.raises(PermissionDenied):
            custody_place_set_active(place=place, active=False, by=user)
    assert custody_place_create(name="Elsewhere", by=administrator).pk


def test_the_list_tells_which_places_are_in_use(coordinator):
    held = CustodyPlace.objects.get(name="9th Police District")
    arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=held, by=coordinator)
    arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=held, by=coordinator)
    rows = {p.name: p for p in custody_place_list()}
    assert (rows["9th Police District"].placed, rows["9th Police District"].in_use) == (2, True)
    assert (rows["6th Police District"].placed, rows["6th Police District"].in_use) == (0, False)


# --- the page ----------------------------------------------------------------------------------


def test_a_coordinator_adds_renames_retires_and_deletes_on_the_page(coordinator, client_for):
    client = client_for(coordinator)
    home = client.get("/coordination/").content.decode()
    assert 'href="/coordination/custody/places/"' in home
    assert 'href="/coordination/custody/places/"' in client.get("/custody/").content.decode()
    response = client.post("/coordination/custody/places/", {"name": "Temporary holding, 8th St", "kind": "other"})
    assert response.status_code == 302
    place = CustodyPlace.objects.get(name="Temporary holding, 8th St")
    listing = client.get("/coordination/custody/places/").content.decode()
    assert "Temporary holding, 8th St" in listing and f"/coordination/custody/places/{place.public_id}/" in listing
    url = f"/coordination/custody/places/{place.public_id}/"
    assert client.post(url, {"action": "save", "name": "Temporary holding, 9th St", "kind": "other"}).status_code == 302
    assert client.post(url, {"action": "retire"}).status_code == 302
    place.refresh_from_db()
    assert (place.name, place.active) == ("Temporary holding, 9th St", False)
    assert "Retired" in client.get("/coordination/custody/places/").content.decode()
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not CustodyPlace.objects.filter(pk=place.pk).exists()


def test_the_page_refuses_clearly_in_english_and_spanish(coordinator, client_for):
    client = client_for(coordinator)
    taken = {"name": "9th police district", "kind": "district"}
    english = client.post("/coordination/custody/places/", taken)
    assert english.status_code == 400 and "Another place already has this name." in english.content.decode()
    spanish = client.post("/coordination/custody/places/", taken, HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 400 and "Ya hay otro lugar con este nombre." in spanish.content.decode()
    empty = client.post("/coordination/custody/places/", {"name": "", "kind": "district"}, HTTP_ACCEPT_LANGUAGE="es")
    assert empty.status_code == 400 and "Este campo es requerido." in empty.content.decode()


def test_deleting_a_place_in_use_is_refused_on_the_page(coordinator, client_for):
    place = CustodyPlace.objects.get(name="9th Police District")
    arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=place, by=coordinator)
    client = client_for(coordinator)
    url = f"/coordination/custody/places/{place.public_id}/"
    page = client.get(url).content.decode()
    assert 'value="delete"' not in page and "cannot be deleted" in page
    response = client.post(url, {"action": "delete"}, follow=True)
    assert "retire it instead" in response.content.decode()
    assert CustodyPlace.objects.filter(pk=place.pk).exists()


def test_the_places_page_reads_in_a_fixed_number_of_queries(coordinator, client_for):
    client = client_for(coordinator)
    for _ in range(3):
        arrest_move(
            arrest=ArrestFactory(),
            stage=CustodyStatus.HELD,
            place=CustodyPlace.objects.get(name="9th Police District"),
            by=coordinator,
        )
    few = query_count(client, "/coordination/custody/places/")
    for n in range(30):
        place = custody_place_create(name=f"Annex {n}", by=coordinator)
        arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=place, by=coordinator)
    assert query_count(client, "/coordination/custody/places/") == few


# --- the API -----------------------------------------------------------------------------------


def test_the_api_adds_corrects_retires_and_refuses_to_delete_a_place_in_use(coordinator, jail_support):
    api = client_with_token(coordinator)
    created = api.post("/api/v1/custody/places/", {"name": "Annex B", "kind": "other"}, format="json")
    assert created.status_code == 201 and created.json()["in_use"] is False
    clash = api.post("/api/v1/custody/places/", {"name": "annex b"}, format="json")
    assert clash.status_code == 400
    assert [(e["field"], e["message"]) for e in clash.json()["errors"]] == [
        ("name", "Another place already has this name.")
    ]
    url = f"/api/v1/custody/places/{created.json()['id']}/"
    patched = api.patch(url, {"name": "Annex C", "active": False}, format="json")
    assert patched.status_code == 200 and (patched.json()["name"], patched.json()["active"]) == ("Annex C", False)
    place = CustodyPlace.objects.get(name="Annex C")
    make_hotline_entry(event=EventFactory(), by=coordinator, place=place)
    refused = api.delete(url)
    assert refused.status_code == 409 and CustodyPlace.objects.filter(pk=place.pk).exists()
    listed = client_with_token(jail_support).get("/api/v1/custody/places/").json()
    assert "Annex C" in [p["name"] for p in listed["results"]]


def test_the_api_list_reads_in_a_fixed_number_of_queries(coordinator):
    api = client_with_token(coordinator)
    api.get("/api/v1/custody/places/")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/custody/places/?limit=50").status_code == 200
    for n in range(30):
        place = custody_place_create(name=f"Annex {n}", by=coordinator)
        arrest_move(arrest=ArrestFactory(), stage=CustodyStatus.HELD, place=place, by=coordinator)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/custody/places/?limit=50").json()["results"]) == 50
    assert len(many) == len(few)
