"""Response headers, the error pages, and the production settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/login/", "/", "/admin/"])
def test_every_page_sends_the_security_headers(client_for, coordinator, url):
    response = client_for(coordinator).get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "base-uri 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"] and "microphone=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_pages_for_signed_in_people_are_never_cached(client_for, coordinator):
    assert "no-store" in client_for(coordinator).get("/")["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.urls("tests.security.urls_boom")
def test_500_is_generic_and_holds_nothing_of_the_request(settings, caplog):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/boom/?name=Mar%C3%ADa")
    body = response.content.decode()
    assert response.status_code == 500 and "Something went wrong" in body
    for leak in ["María", "215-555", "1990-04-17", "RuntimeError", "Traceback"]:
        assert leak not in body
    logged = "\n".join(caplog.messages)
    assert "215-555-0142" not in logged and "1990-04-17" not in logged


@pytest.mark.django_db
def test_404_page_is_generic(client_for, coordinator):
    response = client_for(coordinator).get("/no-such-page/")
    assert response.status_code == 404 and "nothing you can see" in response.content.decode()


def test_production_settings_are_hardened():
    """Load production settings in a fresh interpreter with throwaway keys and read them back."""
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        "print(json.dumps({k: getattr(s, k) for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        " 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT',"
        " 'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'DEBUG', 'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY',"
        " 'SECURE_HSTS_INCLUDE_SUBDOMAINS']}))"
    )
    key = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "p" * 30 + "q" * 30,
        "FIELD_ENCRYPTION_KEYS": "k1:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=",
        "BLIND_INDEX_KEY": key,
        "IP_HASH_KEY": "Q0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0NDQ0M=",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    s = json.loads(out.stdout.strip().splitlines()[-1])
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"] and s["SESSION_COOKIE_HTTPONLY"]
    assert s["CSRF_COOKIE_HTTPONLY"] and s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_HSTS_SECONDS"] >= 31_536_000 and not s["DEBUG"]
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-") and s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_REFERRER_POLICY"] == "same-origin"


def test_production_refuses_development_keys():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "DATABASE_URL": "sqlite:///:memory:"}
    for name in ["DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY", "IP_HASH_KEY"]:
        env.pop(name, None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "Refusing to start in production" in out.stderr
