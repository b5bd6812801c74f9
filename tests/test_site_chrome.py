"""What every page carries around its content: the favicon (no 404 for /favicon.ico) and a menu
only once the sign-in is complete."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from tests.auth import totp_device_for


@pytest.mark.django_db
def test_the_favicon_is_served_at_the_root_and_linked_from_every_page(client_for, lawyer):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"\0\0\1\0"
    assert finders.find("favicon.svg")  # the scalable one, a static file
    for page in (Client().get("/login/"), client_for(lawyer).get("/desk/cases/")):
        html = page.content.decode()
        assert '<link rel="icon" href="/favicon.ico"' in html and 'href="/static/favicon.svg"' in html


@pytest.mark.django_db
def test_the_second_factor_page_shows_no_menu_before_the_sign_in_is_complete(lawyer):
    totp_device_for(lawyer)
    client = Client()
    client.force_login(lawyer, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/login/verify/")
    html = page.content.decode()
    assert page.status_code == 200 and "Confirm it is you" in html
    for place in ('href="/desk/cases/"', 'href="/desk/due/"', 'href="/account/security/"'):
        assert place not in html, place
    assert "Sign out" in html  # a way out stays


@pytest.mark.django_db
def test_the_enrolment_page_shows_no_menu_either(coordinator):
    client = Client()
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get("/login/enrol/").content.decode()
    assert 'href="/coordination/"' not in html and 'href="/account/security/"' not in html


@pytest.mark.django_db
def test_once_verified_the_menu_is_back(client_for, lawyer):
    html = client_for(lawyer).get("/desk/cases/").content.decode()
    assert 'href="/desk/cases/"' in html and 'href="/account/security/"' in html
