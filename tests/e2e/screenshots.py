"""Every page, for every role, at 360 and 1280 px, in English and Spanish: a full-page screenshot
of each (artifacts/screenshots/pages/, git-ignored, with an index.html to look at them all at
once) and, on each, the checks a reviewer would otherwise do by eye:

- axe-core (tests/e2e/node_modules, as the other browser tests) finds no violation;
- nothing scrolls sideways at 360 px (a wide table scrolls inside its own box);
- no request of the page answers 404 (the favicon included);
- no script error and no Content-Security-Policy refusal.

Run by `./dev screenshots` (and as its own step of .ci/run), not by the normal suite: the file
is not named test_*.py, so pytest collects it only when named on the command line.

The pages are the GET rows of tests/security/test_route_matrix.py (PAGES) that answer HTML, each
opened by the roles whose row says 200 (administrators only where coordinators are refused: they
see the coordinators' pages otherwise); the objects in their paths come from the demo world
(seed_demo), so the screenshots show what a person would see.
"""

from __future__ import annotations

import html
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from cases.models import Arrest, Case, Evidence, ExcessiveForceComplaint, Officer
from citations.calendar import calendar_feed_issue
from claims.models import Allegation
from custody.models import CustodyPlace
from tests.auth import mfa_verify_client
from tests.custody.fakes import make_hotline_entry
from tests.documents.fakes import make_finished_batch, make_stored_packet
from tests.e2e.conftest import AXE, CHROMIUM, LAUNCH_ARGS, ROOT
from tests.e2e.look import horizontal_overflow
from tests.security.test_route_matrix import PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OUT = ROOT / "artifacts" / "screenshots" / "pages"
WIDTHS = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 900}}
LANGUAGES = {"en": "en-US", "es": "es-ES"}
# Matrix role -> demo account (None: signed out).
ACCOUNTS = {
    "anonymous": None,
    "observer": "observer",
    "jail_support": "jailsupport",
    "lawyer": "lawyer",
    "organizer": "organizer",
    "coordinator": "coordinator",
    "administrator": "admin",
}
# Routes that answer something other than a page for a person to read (files, feeds, JSON, a
# service worker, redirects, a fragment fetched by a page's script).
NOT_PAGES = {
    "evidence_download", "observe-sw", "citations-calendar-feed", "citations-export", "documents-packet-file",
    "documents-batch-status", "documents-batch-download", "documents-subject-access", "claims-roster-csv",
    "claims-roster-pdf", "api:schema", "api/^.*$", "set_language", "healthz", "custody-board-partial",
    "custody-hotline-sw",
}  # fmt: skip


FILES = (".zip", ".csv", ".pdf", ".ics", ".json", ".js")
# Swagger UI's own markup (the API docs page) has axe findings the project cannot change (nested
# buttons, its heading order, its version stamp's contrast): they are listed in report.json as
# known, not counted. Every other page must have none.
THIRD_PARTY = {"api:docs"}
# SCREENSHOT_PAGES="desk-case dashboard" limits a run to those routes (to look at a page again).
ONLY = set(os.environ.get("SCREENSHOT_PAGES", "").split())


def _paths(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo objects the route templates name: the lawyer's first case with a citation and
    what hangs off it."""
    lawyer, coordinator = demo["lawyer"], demo["coordinator"]
    cases = Case.objects.filter(lawyers=lawyer, citations__isnull=False).distinct().order_by("number")
    case = next((c for c in cases if ExcessiveForceComplaint.objects.filter(case=c).exists()), None) or cases.first()
    assert case is not None, "the demo world has a case with a citation for the lawyer"
    complaint = ExcessiveForceComplaint.objects.filter(case__lawyers=lawyer).order_by("id").first()
    arrest = Arrest.objects.filter(case=case).first() or Arrest.objects.order_by("id").first()
    evidence = Evidence.objects.order_by("id").first()
    ids: dict[str, Any] = {
        "case_a": case.public_id,
        "citation_a": case.citations.order_by("id").first().public_id,  # type: ignore[union-attr]  # has one
        "person_a": case.demonstrator.public_id,
        "event": case.event.public_id,
        "account": demo["observer2"].pk,
        "officer": Officer.objects.order_by("id").first().public_id,  # type: ignore[union-attr]  # seeded
        "packet_a": make_stored_packet(case=case, by=lawyer).public_id,
        "batch_a": make_finished_batch(case=case, by=lawyer).public_id,
        "feed": calendar_feed_issue(user=lawyer, by=lawyer),
        "hotline_a": make_hotline_entry(event=case.event, by=coordinator).public_id,
        "place": CustodyPlace.objects.order_by("id").first().public_id,  # type: ignore[union-attr]  # seeded
    }
    if arrest is not None:
        ids["arrest_a"] = arrest.public_id
    if evidence is not None:
        ids["evidence_o"] = evidence.public_id
    if complaint is not None:
        ids["complaint_a"] = complaint.public_id
        allegation = complaint.allegations.first() or Allegation.objects.create(complaint=complaint)
        ids["allegation_a"] = allegation.public_id
    return ids


def _pages(ids: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """(route name, path, roles) for every GET page of the route matrix."""
    pages = []
    for (name, method), (template, _body, statuses) in PAGES.items():
        if method != "get" or name in NOT_PAGES or (ONLY and name not in ONLY):
            continue
        try:
            path = template.format(**ids)
        except KeyError:
            continue
        if path.endswith(FILES):  # a download, not a page
            continue
        roles = [role for role in ACCOUNTS if statuses.get(role) == 200]
        if "administrator" in roles and "coordinator" in roles:
            roles.remove("administrator")
        if roles:
            pages.append((name, path, roles))
    return pages


def _session_cookies(demo: dict[str, Any]) -> dict[str, str]:
    """One signed-in session per role, made before the browser starts: writing a session while the
    live server answers a page's requests would lock SQLite's tables."""
    cookies = {}
    for role, username in ACCOUNTS.items():
        if username is None:
            continue
        client = Client()
        client.force_login(demo[username], backend="django.contrib.auth.backends.ModelBackend")
        mfa_verify_client(client, demo[username])
        cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def _context(browser: Any, live_server: Any, cookie: str | None, viewport: dict[str, int], locale: str) -> Any:
    context = browser.new_context(viewport=viewport, locale=locale)
    if cookie is not None:
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def _axe(page: Any) -> list[dict[str, Any]]:
    page.evaluate(AXE.read_text())
    result = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]


def _index(shots: list[dict[str, Any]]) -> None:
    rows = "\n".join(
        f'<figure><a href="{html.escape(s["file"])}"><img loading="lazy" src="{html.escape(s["file"])}" '
        f'alt="{html.escape(s["title"])}"></a><figcaption>{html.escape(s["title"])}'
        f"{' · <strong>' + html.escape('; '.join(s['problems'])) + '</strong>' if s['problems'] else ''}"
        "</figcaption></figure>"
        for s in shots
    )
    (OUT / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Every page</title><style>body{font:14px system-ui;margin:1rem}"
        "main{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:1rem}"
        "img{width:100%;height:320px;object-fit:cover;object-position:top;border:1px solid #ccc}"
        "figure{margin:0}</style><h1>Every page, every role, 360 and 1280 px, English and Spanish</h1>"
        f"<main>{rows}</main>",
        encoding="utf-8",
    )


def test_every_page_for_every_role(demo: dict[str, Any], live_server: Any) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    assert AXE.exists(), "axe-core is missing: run ./dev setup (npm ci in tests/e2e)"
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only this run needs a browser

    ids = _paths(demo)
    pages = _pages(ids)
    cookies = _session_cookies(demo)
    OUT.mkdir(parents=True, exist_ok=True)
    shots: list[dict[str, Any]] = []
    problems: list[str] = []
    known: list[str] = []
    started = time.monotonic()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        for language, locale in LANGUAGES.items():
            for width, viewport in WIDTHS.items():
                for role in ACCOUNTS:
                    mine = [(name, path) for name, path, roles in pages if role in roles]
                    if not mine:
                        continue
                    context = _context(browser, live_server, cookies.get(role), viewport, locale)
                    page = context.new_page()
                    for name, path in mine:
                        found = _visit(page, live_server.url + path, role, width)
                        title = f"{name} · {role} · {width} px · {language}"
                        if found is None:
                            continue
                        if name in THIRD_PARTY:
                            known += [f"{title}: {p}" for p in found if p.startswith("axe ")]
                            found = [p for p in found if not p.startswith("axe ")]
                        file = f"{language}/{width}/{role}--{name.replace(':', '-')}.jpg"
                        (OUT / file).parent.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(OUT / file), full_page=True, type="jpeg", quality=70)
                        shots.append({"file": file, "title": title, "problems": found})
                        problems += [f"{title}: {p}" for p in found]
                    context.close()
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
    _index(shots)
    (OUT / "report.json").write_text(
        json.dumps({"shots": shots, "problems": problems, "known": known}, indent=1), encoding="utf-8"
    )
    print(f"\n{len(shots)} screenshots in {time.monotonic() - started:.0f} s: {OUT / 'index.html'}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def _visit(page: Any, url: str, role: str, width: str) -> list[str] | None:
    """Open `url` and check it; None when it is not a page for this role in the demo world."""
    failed: list[str] = []
    errors: list[str] = []

    def response(answer: Any) -> None:
        if answer.status == 404 and answer.url != url:
            failed.append(f"404 for {answer.url}")

    def console(message: Any) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text[:160])

    def script_error(exc: Any) -> None:
        errors.append(f"script error: {exc}"[:160])

    page.on("response", response)
    page.on("console", console)
    page.on("pageerror", script_error)
    try:
        try:
            answer = page.goto(url)
        except Exception as exc:  # a route that answers a file: Chromium starts a download instead
            if "Download is starting" in str(exc):
                print(f"skipped {url} as {role}: a download")
                return None
            raise
        if answer is None or answer.status != 200 or "text/html" not in answer.headers.get("content-type", ""):
            print(f"skipped {url} as {role}: {answer.status if answer else 'no answer'}")
            return None
        found = failed + errors
        if width == "360":
            overflow = horizontal_overflow(page)
            if overflow["scroll"] > 0:
                found.append(f"scrolls sideways by {overflow['scroll']} px ({', '.join(overflow['wide'][:3])})")
        found += [f"axe {v['impact']} {v['id']} {v['nodes']}" for v in _axe(page)]
        return found
    finally:
        page.remove_listener("response", response)
        page.remove_listener("console", console)
        page.remove_listener("pageerror", script_error)
