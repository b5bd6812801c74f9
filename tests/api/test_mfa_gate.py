"""The second-factor gate under /api/: a session signed in with the password alone gets the API's
own 403 problem+json (no data, no view run), and the sign-in lockout fallback answers like the
token endpoint."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from rest_framework.test import APIClient

from core.authn import lockout_response
from tests.auth import totp_device_for

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the factories' test password
PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def password_only(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("has_device", [True, False], ids=["device-not-verified", "not-enrolled"])
def test_a_lawyer_with_password_only_gets_403_problem_json_and_no_data(world, lawyer, has_device):
    if has_device:
        totp_device_for(lawyer)
    client = password_only(lawyer)
    case = world.case_a  # assigned to this lawyer: with a verified code the API would show it
    requests = [
        ("get", "/api/v1/cases/", {}),
        ("get", f"/api/v1/cases/{case.public_id}/", {}),
        ("get", f"/api/v1/demonstrators/{case.demonstrator.public_id}/", {}),
        (
            "post",
            "/api/v1/demonstrators/search/",
            {"data": {"legal_name": "Ana Alvarez"}, "content_type": "application/json"},
        ),
    ]
    for method, url, extra in requests:
        response = getattr(client, method)(url, **extra)
        assert response.status_code == 403, url
        assert response["Content-Type"] == "application/problem+json", url
        body = response.json()
        assert set(body) == PROBLEM_FIELDS, url
        assert body == {
            "type": "https://tracker.invalid/problems/mfa_required",
            "title": "Not allowed.",
            "status": 403,
            "detail": "Multi-factor verification is required for this account.",
        }
        for secret in (str(case.public_id), case.number, "Ana Alvarez"):
            assert secret.encode() not in response.content, (url, secret)


def test_the_mfa_403_has_the_shape_of_the_apis_other_403s(world, organizer, lawyer):
    totp_device_for(lawyer)
    gated = password_only(lawyer).get("/api/v1/cases/")
    refused = password_only(organizer).get("/api/v1/cases/")  # organizers may not read cases at all
    assert gated.status_code == refused.status_code == 403
    assert gated["Content-Type"] == refused["Content-Type"] == "application/problem+json"
    assert set(gated.json()) == set(refused.json()) == PROBLEM_FIELDS
    assert gated.json()["title"] == refused.json()["title"]
    assert refused.json()["type"].startswith("https://tracker.invalid/problems/")


def test_the_schema_documents_this_403_for_every_operation(world, lawyer):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["properties"]) >= PROBLEM_FIELDS and set(problem["required"]) <= PROBLEM_FIELDS
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                documented = operation["responses"]["403"]["content"]
                assert documented == {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                }, (
                    method,
                    path,
                )


def test_pages_still_redirect_to_the_code_page(world, lawyer):
    totp_device_for(lawyer)
    response = password_only(lawyer).get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/verify/")


def test_an_unknown_api_path_is_the_same_404_problem(world, clients):
    response = APIClient().get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Not found.", "status": 404, "detail": "Not found."}


@pytest.mark.django_db
def test_the_lockout_fallback_under_api_is_the_token_endpoints_wrong_password_answer(observer):
    wrong = APIClient().post("/api/v1/auth/token/", {"username": observer.username, "password": "wrong-guess-123"})
    request = RequestFactory().post("/api/v1/auth/token/")
    # axes hands over no response (its decorators) or the credentials in its place (its ASGI middleware)
    for stand_in in (None, {"username": observer.username}):
        with translation.override("en"):  # as LocaleMiddleware sets it for a request without Accept-Language
            fallback = lockout_response(request, stand_in, {"username": observer.username})
        assert fallback.status_code == wrong.status_code == 401
        assert fallback["Content-Type"] == wrong["Content-Type"] == "application/problem+json"
        assert fallback["WWW-Authenticate"] == wrong["WWW-Authenticate"]
        assert fallback.content == wrong.content
