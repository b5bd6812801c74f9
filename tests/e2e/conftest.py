"""Browser tests: Playwright drives Debian's headless Chromium against pytest-django's live server.

Never a downloaded browser: `executable_path` points at the system Chromium (./dev test installs
it). Playwright's sync API runs an event loop in this thread, so Django's async-safety guard is
switched off only while the browser is up (DJANGO_ALLOW_ASYNC_UNSAFE), then restored.
Screenshots go to artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.auth import mfa_verify_client

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
DEMO_PASSWORD = "e2e-demo-password-2026"


class _one_request_at_a_time:  # noqa: N801 (stands in for Django's handler class)
    """On SQLite the test database lives in memory, and Django hands the live server's threads
    the test's own connection: two requests at once (a page and its images, a poll and a post)
    would share one connection and its transaction state ("pop from empty list", then "database
    table is locked" for every later test). One request at a time, as a single-process server
    would, until its response is closed; PostgreSQL gives each thread its own connection."""

    _lock = threading.Lock()

    def __init__(self, application: Any) -> None:
        self.application = application

    def __call__(self, environ: Any, start_response: Any) -> Any:
        self._lock.acquire()
        try:
            response = self.application(environ, start_response)
        except BaseException:
            self._lock.release()
            raise
        return _ReleasedOnClose(response, self._lock)


class _ReleasedOnClose:
    """A WSGI response that lets the next request in once the server has closed it."""

    def __init__(self, response: Any, lock: threading.Lock) -> None:
        self.response, self.lock, self.closed = response, lock, False

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        if self.closed:  # the server's error path may close twice
            return
        self.closed = True
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.lock.release()


@pytest.fixture(scope="session")
def live_server() -> Iterator[Any]:
    """pytest-django's live server on 127.0.0.1 and a free port, without Django's test media
    handler: media is private here (MEDIA_URL is None) and goes out only through permission-checked
    views, so the browser must not get a back door to it."""
    from django.test import testcases
    from pytest_django.live_server_helper import LiveServer

    original = testcases._MediaFilesHandler
    testcases._MediaFilesHandler = _one_request_at_a_time if connection.vendor == "sqlite" else (lambda app: app)
    try:
        server = LiveServer("127.0.0.1:0")
    finally:
        testcases._MediaFilesHandler = original
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run ./dev test (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo(transactional_db: Any) -> dict[str, Any]:
    """The demo data set (seed_demo) with its accounts."""
    # A transactional test starts from an emptied database: put back what migrations seed.
    from django.apps import apps as django_apps
    from django.core.management import call_command
    from django.db import connection

    from cases.models import User

    for module, function in (
        ("cases.migrations.0002_roles_and_force_types", "create"),
        ("citations.migrations.0003_seed_pennsylvania_deadline_rules", "seed"),
        ("custody.migrations.0003_philadelphia_places", "add_places"),  # the demo night holds people there
        ("claims.migrations.0003_seed_record_kinds", "seed"),  # what preservation letters ask for
    ):
        getattr(importlib.import_module(module), function)(django_apps, connection.schema_editor())
    call_command("seed_demo", password=DEMO_PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {u.username: u for u in User.objects.all()}


class Session:
    """One signed-in browser context with CSP-violation and script-error tracking."""

    def __init__(self, browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> None:
        self.base = live_server.url
        self.context = browser.new_context(viewport=viewport, locale="en-US", accept_downloads=True)
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        mfa_verify_client(client, user)  # as if the person had entered their second-factor code
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": self.base}])
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))

    def _console(self, message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.problems.append(f"CSP: {text}")
        elif message.type == "error" and "Failed to load resource" not in text:
            self.problems.append(f"console error: {text}")

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response.status if response else 'no answer'}"
        return response

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def axe_violations(self, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
        """axe-core run in the page (evaluated through the browser's debugging protocol, so the
        page's CSP stays as strict as for real visitors). Returns serious and critical violations."""
        assert AXE.exists(), "axe-core is missing: run ./dev test (it runs npm ci in tests/e2e)"
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate("async () => JSON.stringify(await axe.run(document))")
        violations = json.loads(result)["violations"]
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
            if v["impact"] in impacts
        ]

    def assert_clean(self) -> None:
        assert not self.problems, self.problems

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_for(browser: Any, live_server: Any) -> Iterator[Any]:
    opened: list[Session] = []

    def make(user: Any, viewport: dict[str, int] | None = None) -> Session:
        session = Session(browser, live_server, user, viewport or DESKTOP)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()


@pytest.fixture(scope="session")
def _serialized_test_data(django_db_setup: Any) -> Any:
    """The migrations' data as serialized when the test database was made, read before the browser
    starts (scope order): once Playwright runs in this thread, `connections["default"]` is another
    wrapper that lacks it."""
    from django.db import connections

    return getattr(connections["default"], "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _flush_as_a_serialized_test(_django_db_helper: Any, _serialized_test_data: Any) -> Iterator[None]:
    """Without the serialized data on the wrapper the flush after the test uses, the flush re-ran
    the post-migrate handlers: they re-created the role groups under new ids, and the next test
    that restores the serialized data (on PostgreSQL, the two-worker reminders test) failed on
    them. This teardown runs before the database's, and hands the data to that wrapper."""
    from django.db import connections

    yield
    if _serialized_test_data is not None and not hasattr(connections["default"], "_test_serialized_contents"):
        connections["default"]._test_serialized_contents = _serialized_test_data
