"""Every URL of the site × every role, in one table: pages, the API, the admin, i18n, the API's
schema and docs, the health check. A route without a row fails the suite.

Roles: anonymous, observer, jail support (assigned to the world's event), lawyer (case_a is theirs), another lawyer (for the 404 of a record
out of scope), organizer, coordinator, administrator, and a suspended account (a deactivated
coordinator: signed out, like anonymous). Path parameters name real objects of the API test
world (tests/api/conftest.py), so 200 and 404 mean what they say. Each request runs in a savepoint
rolled back afterwards: every role meets the same world.

- Pages (`PAGES`): one row per (URL name, method) with the status for every role. A method a
  route has no row for must be refused to every role (401, 403, 404, 405, or the sign-in page).
- The API under /api/v1/: tests/api/test_role_matrix.py holds its rows (every route × method ×
  role); here the same rows are run for the roles it leaves out: administrators (the coordinators'
  answer) and the suspended account (401); and a method without a row must be refused there too.
- The admin: every admin URL sends every role but administrators to the sign-in page, for GET
  and POST alike (coordinators too: they work in their own pages); administrators get past the
  site's gate (and no admin page answers 500).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve

from cases.permissions import OPERATIONS
from cases.roles import Role
from citations.calendar import calendar_feed_issue
from citations.models import BulkAction
from claims.models import Allegation
from custody.models import CustodyPlace
from custody.services.merge import duplicate_dismiss, person_merge
from tests.api import test_role_matrix as api_matrix
from tests.api.conftest import World, client_with_token, world  # noqa: F401 - the fixture
from tests.auth import mfa_verify_client
from tests.citations.fakes import make_bulk_run, make_disposition_run
from tests.custody.fakes import make_hotline_entry
from tests.documents.fakes import make_finished_batch, make_stored_packet
from tests.factories import DemonstratorFactory, UserFactory

ROLES = [
    "anonymous", "observer", "jail_support", "lawyer", "other_lawyer", "organizer", "coordinator", "administrator",
    "suspended",
]  # fmt: skip
SIGNED_OUT = ("anonymous", "suspended")
METHODS = ["get", "post", "put", "patch", "delete"]
REFUSED = {401, 403, 404, 405}
SIGN_IN = 302  # to /login/?next=..., checked for every row that expects it of a signed-out role
SIGN_OUT_ANYWAY = {"logout", "set_language", "login"}  # answer a signed-out visitor with their own redirect


def expect(default: int, **statuses: int) -> dict[str, int]:
    """`default` for every signed-in role, the sign-in page for signed-out ones, unless named."""
    table = {role: (SIGN_IN if role in SIGNED_OUT else default) for role in ROLES}
    table.update(statuses)
    return table


EVERYONE = expect(200, anonymous=200, suspended=200)
REDIRECTS = expect(302, anonymous=302, suspended=302)
SIGN_IN_PAGE = expect(302, anonymous=200, suspended=200)
NOT_A_SIGN_IN = expect(302, anonymous=405, suspended=405)
NO_FACTOR_NEEDED = expect(200, observer=302, organizer=302)
SIGNED_IN = expect(200)
OBSERVE = expect(403, observer=200, coordinator=200, administrator=200)
DESK = expect(403, lawyer=200, other_lawyer=200, coordinator=200, administrator=200)
DESK_A = lambda ok: expect(403, lawyer=ok, other_lawyer=404, coordinator=ok, administrator=ok)  # noqa: E731
OFFICE = lambda ok: expect(403, coordinator=ok, administrator=ok)  # noqa: E731
JAIL = lambda ok: expect(403, jail_support=ok, coordinator=ok, administrator=ok)  # noqa: E731
NUMBERS = expect(403, lawyer=200, other_lawyer=200, organizer=200, coordinator=200, administrator=200)

# (URL name, method) -> (path, body, status per role). Paths name world objects in braces.
PAGES: dict[tuple[str, str], tuple[str, Any, dict[str, int]]] = {
    # --- home, health, sign-in, one's account
    ("home", "get"): ("/", None, SIGNED_IN),
    ("healthz", "get"): ("/healthz", None, EVERYONE),
    # the sign-in page sends whoever is signed in home; an empty form is refused by the form
    # (no attempt counted); PUT and friends are not a way to sign in
    ("login", "get"): ("/login/", None, SIGN_IN_PAGE),
    ("login", "post"): ("/login/", {}, SIGN_IN_PAGE),
    ("login", "put"): ("/login/", {}, NOT_A_SIGN_IN),
    ("login", "patch"): ("/login/", {}, NOT_A_SIGN_IN),
    ("login", "delete"): ("/login/", {}, NOT_A_SIGN_IN),
    ("logout", "post"): ("/logout/", {}, expect(302, anonymous=302, suspended=302)),
    # the second factor: asked of lawyers, coordinators and administrators (these sessions are
    # verified: sent on); observers and organizers need none, and may enrol one
    ("mfa_verify", "get"): ("/login/verify/", None, NO_FACTOR_NEEDED),
    ("mfa_verify", "post"): ("/login/verify/", {}, NO_FACTOR_NEEDED),
    ("mfa_enrol", "get"): ("/login/enrol/", None, expect(302, observer=200, organizer=200)),
    ("mfa_enrol", "post"): ("/login/enrol/", {}, expect(302, observer=200, organizer=200)),
    ("account_security", "get"): ("/account/security/", None, SIGNED_IN),
    ("account_language", "get"): ("/account/language/", None, SIGNED_IN),
    ("account_language", "post"): ("/account/language/", {"language": "es"}, expect(302)),
    ("mfa_recovery_codes", "post"): ("/account/recovery-codes/", {}, NO_FACTOR_NEEDED),
    ("logout_everywhere", "post"): ("/account/logout-everywhere/", {}, expect(302)),
    # Django's language switch: POST sets it, any other method only redirects back
    ("set_language", "post"): ("/i18n/setlang/", {"language": "es"}, REDIRECTS),
    ("set_language", "get"): ("/i18n/setlang/", None, REDIRECTS),
    ("set_language", "put"): ("/i18n/setlang/", None, REDIRECTS),
    ("set_language", "patch"): ("/i18n/setlang/", None, REDIRECTS),
    ("set_language", "delete"): ("/i18n/setlang/", None, REDIRECTS),
    # --- the administrators' emergency lockdown (hidden from everyone else: 404)
    ("lockdown", "get"): ("/security/lockdown/", None, expect(404, administrator=200)),
    ("lockdown", "post"): ("/security/lockdown/", {}, expect(404, administrator=200)),
    # --- evidence files (observer's report on the lawyer's client)
    ("evidence_download", "get"): (
        "/evidence/{evidence_o}/download/",
        None,
        expect(403, observer=200, lawyer=200, other_lawyer=404, coordinator=200, administrator=200),
    ),
    # --- the observer's phone
    ("observe-new", "get"): ("/observe/", None, OBSERVE),
    ("observe-new", "post"): ("/observe/", {}, expect(403, observer=400, coordinator=400, administrator=400)),
    ("observe-reports", "get"): ("/observe/reports/", None, OBSERVE),
    ("observe-sw", "get"): ("/observe/sw.js", None, OBSERVE),
    # --- coordination
    ("coord-home", "get"): ("/coordination/", None, OFFICE(200)),
    ("coord-home", "post"): ("/coordination/", {"q": "2026-0001"}, OFFICE(200)),  # a search
    ("coord-assign", "get"): ("/coordination/cases/{case_a}/assign/", None, OFFICE(200)),
    ("coord-assign", "post"): ("/coordination/cases/{case_a}/assign/", {}, OFFICE(302)),
    ("coord-accounts", "get"): ("/coordination/accounts/", None, OFFICE(200)),
    ("coord-accounts", "post"): ("/coordination/accounts/", {"username": ""}, OFFICE(400)),
    ("coord-account-role", "post"): ("/coordination/accounts/{account}/role/", {"role": "lawyer"}, OFFICE(302)),
    ("coord-account-active", "post"): ("/coordination/accounts/{account}/active/", {"active": "0"}, OFFICE(302)),
    ("coord-audit", "get"): ("/coordination/audit/", None, OFFICE(200)),
    ("coord-court-calendar", "get"): ("/coordination/court-calendar/", None, OFFICE(200)),
    ("coord-court-calendar", "post"): ("/coordination/court-calendar/", {"action": "save"}, OFFICE(400)),
    ("coord-clerk-hours", "get"): ("/coordination/clerk-hours/", None, OFFICE(200)),
    ("coord-clerk-hours", "post"): ("/coordination/clerk-hours/", {"office": ""}, OFFICE(400)),
    ("custody-jail-support", "get"): ("/coordination/custody/jail-support/", None, OFFICE(200)),
    ("custody-jail-support", "post"): ("/coordination/custody/jail-support/", {}, OFFICE(400)),
    # places of custody: an empty form is refused (400); the place named is unused
    ("custody-places", "get"): ("/coordination/custody/places/", None, OFFICE(200)),
    ("custody-places", "post"): ("/coordination/custody/places/", {}, OFFICE(400)),
    ("custody-place", "get"): ("/coordination/custody/places/{place}/", None, OFFICE(200)),
    ("custody-place", "post"): ("/coordination/custody/places/{place}/", {}, OFFICE(400)),
    # --- the night of a mass arrest: boards and the hotline log (jail support: its events only)
    ("custody-home", "get"): ("/custody/", None, JAIL(200)),
    # --- the intake desk (an empty intake is refused with the form; no suggestion for nothing typed)
    ("intake", "get"): ("/coordination/intake/", None, OFFICE(200)),
    ("intake", "post"): ("/coordination/intake/", {}, OFFICE(400)),
    ("intake-duplicates", "post"): ("/coordination/intake/duplicates/", {}, OFFICE(200)),
    ("custody-release", "get"): ("/coordination/custody/{arrest_a}/release/", None, OFFICE(200)),
    ("custody-release", "post"): ("/coordination/custody/{arrest_a}/release/", {}, OFFICE(400)),
    # bulk actions: an empty form is refused (400) before any preview; a refund without its
    # fields goes back to the refunds page with the error
    ("coord-bulk-disposition", "get"): ("/coordination/bulk/disposition/", None, OFFICE(200)),
    ("coord-bulk-disposition", "post"): ("/coordination/bulk/disposition/", {}, OFFICE(400)),
    ("coord-bulk-disposition-run", "get"): ("/coordination/bulk/disposition/{run}/", None, OFFICE(200)),
    ("coord-bulk-disposition-status", "get"): ("/coordination/bulk/disposition/{run}/status/", None, OFFICE(200)),
    ("coord-bulk-refunds", "get"): ("/coordination/bulk/refunds/", None, OFFICE(200)),
    ("coord-bulk-refund-record", "post"): ("/coordination/bulk/refunds/record/", {}, OFFICE(302)),
    ("coord-bulk-assign", "get"): ("/coordination/bulk/assign/", None, OFFICE(200)),
    ("coord-bulk-assign", "post"): ("/coordination/bulk/assign/", {}, OFFICE(400)),
    ("coord-bulk-assign-run", "get"): ("/coordination/bulk/assign/{assign_run}/", None, OFFICE(200)),
    ("coord-bulk-assign-status", "get"): ("/coordination/bulk/assign/{assign_run}/status/", None, OFFICE(200)),
    ("custody-board", "get"): ("/custody/events/{event}/", None, JAIL(200)),
    ("custody-board-partial", "get"): ("/custody/events/{event}/board/", None, JAIL(200)),
    ("custody-hotline", "get"): ("/custody/events/{event}/hotline/", None, JAIL(200)),
    ("custody-hotline-new", "get"): ("/custody/events/{event}/hotline/new/", None, JAIL(200)),
    ("custody-hotline-new", "post"): ("/custody/events/{event}/hotline/new/", {}, JAIL(400)),
    # the service worker that opens the quick entry offline (those who may write the log)
    ("custody-hotline-sw", "get"): ("/custody/events/{event}/hotline/sw.js", None, JAIL(200)),
    ("custody-stage", "get"): ("/custody/arrests/{arrest_a}/stage/", None, JAIL(200)),
    ("custody-stage", "post"): ("/custody/arrests/{arrest_a}/stage/", {}, JAIL(400)),
    # an empty choice unlinks the entry (it was linked to nobody): sent back to the log
    ("custody-hotline-link", "post"): ("/custody/hotline/{hotline_a}/link/", {}, OFFICE(302)),
    # events: created and corrected on their own page (an empty form is refused)
    ("coord-events", "get"): ("/coordination/events/", None, OFFICE(200)),
    ("coord-events", "post"): ("/coordination/events/", {}, OFFICE(400)),
    ("coord-event", "get"): ("/coordination/events/{event}/", None, OFFICE(200)),
    ("coord-event", "post"): ("/coordination/events/{event}/", {}, OFFICE(400)),
    ("people-merge-queue", "get"): ("/coordination/people/duplicates/", None, OFFICE(200)),
    ("people-merge", "get"): ("/coordination/people/merge/{person_a}/{person_b}/", None, OFFICE(200)),
    ("people-merge", "post"): ("/coordination/people/merge/{person_a}/{person_b}/", {}, OFFICE(400)),
    ("people-merge-undo", "post"): ("/coordination/people/merges/{merge_a}/undo/", {}, OFFICE(302)),
    ("people-duplicate-dismiss", "post"): (
        "/coordination/people/not-duplicates/{person_a}/{person_b}/",
        {},
        OFFICE(302),
    ),
    ("people-duplicate-dismiss-undo", "post"): (
        "/coordination/people/not-duplicates/{dismissal_a}/undo/",
        {},
        OFFICE(302),
    ),  # fmt: skip
    # --- the desk
    ("desk-cases", "get"): ("/desk/cases/", None, DESK),
    ("desk-cases", "post"): ("/desk/cases/", {"q": "2026-0001"}, DESK),  # a search (a name stays out of URLs)
    ("desk-case", "get"): ("/desk/cases/{case_a}/", None, DESK_A(200)),
    # the client's citation is still open: the page asks to confirm (409) before closing
    ("desk-case-close", "post"): ("/desk/cases/{case_a}/close/", {}, DESK_A(409)),
    ("desk-citation", "get"): ("/desk/citations/{citation_a}/", None, DESK_A(200)),
    ("desk-citation-action", "post"): ("/desk/citations/{citation_a}/respond/", {}, DESK_A(400)),
    ("desk-due", "get"): ("/desk/due/", None, DESK),
    ("desk-rules", "get"): ("/desk/rules/", None, DESK),
    # the day force was used, for a complaint without an incident (an empty form: back to the case)
    ("desk-complaint-force-date", "post"): ("/desk/complaints/{complaint_a}/force-date/", {}, DESK_A(302)),
    # signing a rule as checked: lawyers and coordinators (an empty form is refused)
    ("desk-rule-review", "post"): (
        "/desk/rules/pa-summary-respond/review/",
        {},
        expect(403, lawyer=400, other_lawyer=400, coordinator=400),
    ),
    ("desk-docket", "get"): ("/desk/docket/", None, DESK),
    ("desk-hearing-outcomes", "get"): ("/desk/docket/outcomes/", None, DESK),
    # a run of the lawyer's own courtroom list: theirs, and those who see every case
    ("desk-hearing-outcomes-run", "get"): ("/desk/docket/outcomes/{outcomes_run}/", None, DESK_A(200)),
    ("desk-hearing-outcomes-status", "get"): ("/desk/docket/outcomes/{outcomes_run}/status/", None, DESK_A(200)),
    # no outcome chosen: refused, nothing recorded
    ("desk-hearing-outcomes", "post"): (
        "/desk/docket/outcomes/",
        {},
        expect(403, lawyer=400, other_lawyer=400, coordinator=400, administrator=400),
    ),
    # --- citations: dashboard, calendar feed, bulk import and export
    ("dashboard", "get"): ("/citations/dashboard/", None, NUMBERS),
    ("citations-calendar", "get"): ("/citations/calendar/", None, expect(404, lawyer=200, other_lawyer=200)),
    ("citations-calendar", "post"): (
        "/citations/calendar/",
        {"action": "revoke"},
        expect(404, lawyer=200, other_lawyer=200),
    ),
    # the feed is authenticated by the secret in its URL alone, whoever asks
    ("citations-calendar-feed", "get"): ("/citations/calendar/{feed}.ics", None, EVERYONE),
    ("citations-import", "get"): ("/citations/import/", None, OFFICE(200)),
    ("citations-import", "post"): ("/citations/import/", {}, OFFICE(200)),
    ("citations-export", "get"): ("/citations/export.csv", None, OFFICE(200)),
    # --- packets, batches, subject access
    ("documents-case-packet", "post"): ("/documents/cases/{case_a}/packet/", {"kind": "none"}, DESK_A(400)),
    ("documents-docket-packet", "post"): (
        "/documents/docket/packet/",
        {},
        expect(403, lawyer=400, other_lawyer=400, coordinator=400, administrator=400),
    ),
    ("documents-packet-file", "get"): ("/documents/packets/{packet_a}/", None, DESK_A(200)),
    ("documents-batch-start", "post"): (
        "/documents/batches/",
        {},
        expect(403, lawyer=400, other_lawyer=400, coordinator=400, administrator=400),
    ),
    ("documents-batch", "get"): ("/documents/batches/{batch_a}/", None, DESK_A(200)),
    ("documents-batch-status", "get"): ("/documents/batches/{batch_a}/status/", None, DESK_A(200)),
    ("documents-batch-download", "get"): ("/documents/batches/{batch_a}/download/", None, DESK_A(200)),
    ("documents-subject-access", "get"): ("/documents/people/{person_a}/subject-access.json", None, OFFICE(200)),
    # --- claims: allegations and findings of a complaint
    ("claims-allegations", "get"): ("/claims/complaints/{complaint_a}/allegations/", None, DESK_A(200)),
    ("claims-allegation-add", "post"): ("/claims/complaints/{complaint_a}/allegations/new/", {}, DESK_A(400)),
    ("claims-allegation", "get"): ("/claims/allegations/{allegation_a}/", None, DESK_A(200)),
    ("claims-allegation", "post"): ("/claims/allegations/{allegation_a}/", {}, DESK_A(400)),
    # --- claims: the plaintiff roster of an event (exports: coordinators)
    ("claims-roster-index", "get"): ("/claims/roster/", None, DESK),
    ("claims-roster", "get"): ("/claims/events/{event}/roster/", None, DESK),
    ("claims-roster-csv", "get"): ("/claims/events/{event}/roster.csv", None, OFFICE(200)),
    ("claims-roster-pdf", "get"): ("/claims/events/{event}/roster.pdf", None, OFFICE(200)),
    # --- claims: an officer's history; merging an unidentified record into them (coordinators)
    ("claims-officers", "get"): ("/claims/officers/", None, DESK),
    ("claims-officer", "get"): ("/claims/officers/{officer}/", None, DESK),
    ("claims-officer-merge", "post"): ("/claims/officers/{officer}/merge/", {}, OFFICE(400)),
    # --- claims: the signed evidence export (coordinators) and its public key (anyone signed in)
    ("claims-evidence-case", "get"): ("/claims/cases/{case_a}/evidence.zip", None, OFFICE(200)),
    ("claims-evidence-event", "get"): ("/claims/events/{event}/evidence.zip", None, OFFICE(200)),
    ("claims-signing-key", "get"): ("/claims/evidence-signing-key.pem", None, SIGNED_IN),
    # --- claims: an incident's preservation letters (lawyers of a case it concerns, coordinators)
    ("claims-preservation", "get"): ("/claims/incidents/{incident_o}/preservation/", None, DESK_A(200)),
    ("claims-preservation-letter", "get"): (
        "/claims/incidents/{incident_o}/preservation/police.pdf",
        None,
        DESK_A(200),
    ),
    ("claims-preservation-sent", "post"): ("/claims/incidents/{incident_o}/preservation/sent/", {}, DESK_A(400)),
    # --- claims: a photo's blur editor (lawyers of a case it concerns, coordinators); the world's
    # photo has no blurred copy yet (404 to those who may see it)
    ("claims-blur", "get"): ("/claims/evidence/{evidence_o}/blur/", None, DESK_A(200)),
    ("claims-blur", "post"): ("/claims/evidence/{evidence_o}/blur/", {}, DESK_A(400)),
    ("claims-blur-copy", "get"): ("/claims/evidence/{evidence_o}/blur/copy.img", None, DESK_A(200)),
    ("claims-blur-blurred", "get"): ("/claims/evidence/{evidence_o}/blur/blurred.jpg", None, DESK_A(404)),
    # --- reminders: a person's consent, the outbox, a lawyer's digest; the provider's webhooks
    # answer 403 to anyone without the provider's signature, signed in or not
    ("reminders-consent", "get"): ("/reminders/people/{person_a}/consent/", None, DESK_A(200)),
    ("reminders-consent", "post"): ("/reminders/people/{person_a}/consent/", {}, DESK_A(400)),
    ("reminders-outbox", "get"): ("/reminders/outbox/", None, OFFICE(200)),
    ("reminders-digest", "get"): ("/reminders/digest/", None, expect(403, lawyer=200, other_lawyer=200)),
    ("reminders-digest", "post"): ("/reminders/digest/", {}, expect(403, lawyer=302, other_lawyer=302)),
    ("reminders-sms-status", "post"): ("/reminders/sms/status/", {}, expect(403, anonymous=403, suspended=403)),
    ("reminders-sms-inbound", "post"): ("/reminders/sms/inbound/", {}, expect(403, anonymous=403, suspended=403)),
    # --- the API's own schema, docs, and the problem+json 404 for any other path under /api/
    ("api:schema", "get"): ("/api/schema/", None, EVERYONE),
    ("api:docs", "get"): ("/api/docs/", None, EVERYONE),
    ("api/^.*$", "get"): ("/api/no-such-thing/", None, expect(404, anonymous=404, suspended=404)),
}


# Pages that ask no operation of the table: open to anyone, or to anyone signed in about their
# own account (sign-in, second factor, sessions), or authenticated otherwise (the feed's token).
NO_OPERATION = {
    "home", "healthz", "login", "logout", "mfa_verify", "mfa_enrol", "account_security", "account_language",
    "mfa_recovery_codes",
    "logout_everywhere", "set_language", "citations-calendar-feed", "api:schema", "api:docs", "api/^.*$",
    "reminders-sms-status", "reminders-sms-inbound",
}  # fmt: skip


# --- the routes, from the URL configuration itself ---------------------------------------------


def site_routes(patterns: list[Any] | None = None, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """(key, route) for every URL pattern: the key is the namespaced URL name, or the pattern for
    an unnamed one."""
    found: list[tuple[str, str]] = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.extend(site_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner))
            continue
        assert isinstance(pattern, URLPattern)
        route = prefix + str(pattern.pattern)
        found.append((f"{namespace}{pattern.name}" if pattern.name else route, route))
    return found


def routes_without_rows(routes: list[tuple[str, str]]) -> list[str]:
    """The routes no table holds: the API's under /api/v1/ by api_matrix, the admin's by its rule,
    every other by PAGES."""
    page_keys = {name for name, _method in PAGES}
    missing = []
    for key, route in routes:
        if route.startswith("admin/"):
            continue  # one rule for the whole admin site (test_the_admin_lets_in_only_its_roles)
        if route.startswith("api/v1/"):
            continue  # api_matrix checks its own coverage, by name and method
        if key not in page_keys:
            missing.append(f"{key} ({route})")
    return missing


def test_every_route_of_the_site_has_a_row():
    assert not routes_without_rows(site_routes())
    stale = {name for name, _ in PAGES} - {key for key, _ in site_routes()}
    assert not stale, f"rows for routes that do not exist: {stale}"
    api_matrix.test_the_matrix_covers_every_route_and_method()


def test_every_page_names_its_operation_and_its_row_agrees_with_the_table():
    """A page either names its row of the permission table (`page_for`) or is listed in
    NO_OPERATION; and where it names one, PAGES refuses exactly the roles the table leaves out,
    so the table and this matrix cannot drift apart."""
    persona_roles = {"observer": Role.OBSERVER, "jail_support": Role.JAIL_SUPPORT, "lawyer": Role.LAWYER,
                     "other_lawyer": Role.LAWYER,
                     "organizer": Role.ORGANIZER, "coordinator": Role.COORDINATOR,
                     "administrator": Role.ADMINISTRATOR}  # fmt: skip
    wrong = []
    for (name, method), (template, _body, statuses) in PAGES.items():
        view = resolve(template.split("{")[0] if "{" not in template else _sample(template)).func
        name_of_operation = getattr(view, "permission_operation", None)
        if name_of_operation is None:
            if name not in NO_OPERATION:
                wrong.append(f"{name}: names no operation (page_for) and is not in NO_OPERATION")
            continue
        allowed = OPERATIONS[name_of_operation].roles
        refusal = 404 if getattr(view, "permission_hidden", False) else 403
        for persona, role in persona_roles.items():
            status = statuses[persona]
            if (role in allowed and status == refusal) or (role not in allowed and status != refusal):
                verdict = "allows" if role in allowed else "refuses"
                wrong.append(
                    f"{method.upper()} {name} as {persona}: {status} in PAGES, but {name_of_operation} {verdict} it"
                )
    assert not wrong, "\n".join(wrong)


def _sample(template: str) -> str:
    """A path of the template's shape, for resolving its view."""
    sample = {"feed": "token", "account": 1}
    return template.format_map(_Any(sample))


class _Any(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "00000000-0000-0000-0000-000000000000"


def _new_page(request: Any) -> Any:  # pragma: no cover - never requested
    raise AssertionError


def test_a_route_without_a_row_fails(settings):
    """The check itself: a urlconf with one more page than the table knows is reported."""
    extra = [path("desk/new-page/", _new_page, name="desk-new-page"), *get_resolver().url_patterns]
    assert routes_without_rows(site_routes(extra)) == ["desk-new-page (desk/new-page/)"]
    unnamed = [path("coordination/bulk/", _new_page)]
    assert routes_without_rows(site_routes(unnamed)) == ["coordination/bulk/ (coordination/bulk/)"]


# --- the world, as every role ------------------------------------------------------------------


@pytest.fixture
def people(world: World, administrator: Any) -> dict[str, Any]:  # noqa: F811
    suspended = UserFactory(username="sid_suspended", role="coordinator")
    suspended.is_active = False
    suspended.save()
    users = {role: world.users.get(role) for role in ROLES if role in world.users}
    return users | {"administrator": administrator, "suspended": suspended}


@pytest.fixture
def page_clients(people: dict[str, Any]) -> dict[str, Client]:
    clients = {}
    for role, user in people.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            if user.is_active:
                mfa_verify_client(client, user)
        clients[role] = client
    return clients


def _merge() -> Any:
    """A merge of a spare record into another, undoable (each undo runs in a rolled-back savepoint)."""
    return person_merge(source=DemonstratorFactory(), target=DemonstratorFactory(), by=None)


def _ids(world: World, people: dict[str, Any]) -> dict[str, Any]:  # noqa: F811
    return {
        "case_a": world.case_a.public_id,
        "arrest_a": world.arrest_a.public_id,
        "run": make_disposition_run(event=world.event, by=people["coordinator"]).public_id,
        "assign_run": make_bulk_run(action=BulkAction.ASSIGN, by=people["coordinator"]).public_id,
        "outcomes_run": make_bulk_run(action=BulkAction.HEARING_OUTCOMES, by=people["lawyer"]).public_id,
        "citation_a": world.citation_a.public_id,
        "evidence_o": world.evidence_o.public_id,
        "person_a": world.case_a.demonstrator.public_id,
        "person_b": world.case_b.demonstrator.public_id,
        "merge_a": _merge().public_id,
        "dismissal_a": duplicate_dismiss(first=DemonstratorFactory(), second=DemonstratorFactory(), by=None).public_id,
        "account": world.users["other_observer"].pk,
        "event": world.event.public_id,
        "hotline_a": make_hotline_entry(event=world.event, by=people["coordinator"]).public_id,
        "place": CustodyPlace.objects.get_or_create(name="Matrix annex (unused)")[0].public_id,
        "packet_a": make_stored_packet(case=world.case_a, by=people["lawyer"]).public_id,
        "batch_a": make_finished_batch(case=world.case_a, by=people["lawyer"]).public_id,
        "feed": calendar_feed_issue(user=people["lawyer"], by=people["lawyer"]),
        "complaint_a": world.complaint_a.public_id,
        "officer": world.officer.public_id,
        "incident_o": world.incident_o.public_id,
        "allegation_a": Allegation.objects.create(complaint=world.complaint_a).public_id,
    }


def _send(client: Client, method: str, url: str, body: Any) -> Any:
    """One request whose effects are all undone: the database in a rolled-back savepoint, and
    the client's cookies put back (a response that signs out or rotates the session would
    otherwise leave the next row a stranger)."""
    cookies = copy.deepcopy(client.cookies)
    try:
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif method == "post":
                response = client.post(url, body or {})
            else:
                response = getattr(client, method)(url, "", content_type="application/x-www-form-urlencoded")
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return response


def _rolled_back(send: Callable[[], Any]) -> Any:
    with transaction.atomic():
        response = send()
        transaction.set_rollback(True)
    return response


def _signed_out_answer(response: Any) -> bool:
    """The sign-in page (or the admin's own sign-in URL, which sends there)."""
    return response.status_code == SIGN_IN and response["Location"].startswith(("/login/?", "/admin/login/?"))


def test_every_page_as_every_role(world, people, page_clients):  # noqa: F811
    ids = _ids(world, people)
    wrong = []
    for (name, method), (template, body, statuses) in PAGES.items():
        url = template.format(**ids)
        for role in ROLES:
            response = _send(page_clients[role], method, url, body)
            got = response.status_code
            if got != statuses[role]:
                wrong.append(f"{method.upper()} {name} as {role}: expected {statuses[role]}, got {got}")
            elif (
                role in SIGNED_OUT
                and got == SIGN_IN
                and name not in SIGN_OUT_ANYWAY
                and not _signed_out_answer(response)
            ):
                wrong.append(f"{method.upper()} {name} as {role}: 302 to {response['Location']}, not the sign-in page")
    assert not wrong, "\n".join(wrong)


def test_a_method_without_a_row_is_refused_to_every_role(world, people, page_clients):  # noqa: F811
    ids = _ids(world, people)
    listed: dict[str, set[str]] = {}
    templates: dict[str, str] = {}
    for (name, method), (template, _body, _statuses) in PAGES.items():
        listed.setdefault(name, set()).add(method)
        templates[name] = template
    served = []
    for name, methods in listed.items():
        url = templates[name].format(**ids)
        for method in METHODS:
            if method in methods or (method == "head"):
                continue
            for role in ROLES:
                response = _send(page_clients[role], method, url, {})
                if response.status_code not in REFUSED and not _signed_out_answer(response):
                    served.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert not served, "methods served without a row in PAGES:\n" + "\n".join(served)


# --- the API: the rows of tests/api/test_role_matrix.py, for the roles it leaves out --------


def test_every_api_route_as_administrator_and_suspended(world, people, monkeypatch):  # noqa: F811
    """Administrators get the coordinators' answer on every API route; a suspended account's
    token answers 401 everywhere."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "10000/min", "writes": "10000/min"})
    suspended = people["suspended"]
    suspended.is_active = True  # a token issued before the suspension
    clients = {"administrator": client_with_token(people["administrator"]), "suspended": client_with_token(suspended)}
    type(suspended).objects.filter(pk=suspended.pk).update(is_active=False)
    world.users["administrator"] = people["administrator"]
    world.users["suspended"] = suspended
    wrong = []
    for (name, method), (template, body, statuses) in sorted(api_matrix.MATRIX.items()):
        url = api_matrix._path(template, world)
        for role, wanted in (("administrator", statuses["coordinator"]), ("suspended", 401)):

            def send(role: str = role, body: Any = body, method: str = method, url: str = url) -> Any:
                # bodies are built for the API matrix's roles: an administrator sends a coordinator's
                # (each request is rolled back), but signs in with its own credentials
                as_role = role if body is api_matrix.own_credentials else "coordinator"
                payload = body(world, as_role) if callable(body) else body
                return api_matrix._request(clients[role], method, url, payload)

            got = _rolled_back(send).status_code
            if got != wanted:
                wrong.append(f"{method.upper()} {name} as {role}: expected {wanted}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_an_api_method_without_a_row_is_refused(world, people, monkeypatch):  # noqa: F811
    """Under /api/v1/ too, a method no row of the API matrix lists answers 405 (or a refusal),
    even to the roles that may do everything else there."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "10000/min", "writes": "10000/min"})
    templates = {name: template for (name, _method), (template, _body, _statuses) in api_matrix.MATRIX.items()}
    listed = {(name, method) for name, method in api_matrix.MATRIX}
    clients = {role: client_with_token(people[role]) for role in ("coordinator", "administrator", "organizer")}
    served = []
    for name, template in sorted(templates.items()):
        url = api_matrix._path(template, world)
        for method in METHODS:
            if (name, method) in listed:
                continue
            for role, client in clients.items():
                with transaction.atomic():
                    response = getattr(client, method)(url, {}, format="json")
                    transaction.set_rollback(True)
                if response.status_code not in REFUSED:
                    served.append(f"{method.upper()} {name} as {role}: {response.status_code}")
    assert not served, "API methods served without a row in tests/api/test_role_matrix.py:\n" + "\n".join(served)


# --- the admin: one rule for every admin URL ---------------------------------------------------


def _admin_url(route: str, world: World) -> str:  # noqa: F811
    """A concrete URL for an admin route pattern (object ids of real rows; the first app label)."""
    url = route.replace("<path:object_id>", str(world.case_a.pk)).replace("<int:content_type_id>", "1")
    url = url.replace("<path:object_id>", "1").replace("<path:url>", "nowhere/")
    if "(?P<app_label>" in url:
        url = "admin/cases/"
    return "/" + url.lstrip("^").rstrip("$")


ADMIN_SIGN_IN_OUT = {"admin/login/", "admin/logout/"}


def test_the_admin_lets_in_only_its_roles(world, people, page_clients):  # noqa: F811
    admin_routes = sorted({route for _key, route in site_routes() if route.startswith("admin/")})
    assert len(admin_routes) > 20  # the walk reached the model pages
    wrong = []
    for route in admin_routes:
        url = _admin_url(route, world)
        for role in ROLES:
            # POST too for the roles kept out (the gate holds for writes); the admin's own forms
            # are not this table's business, so its roles only GET (each page rendered once)
            for method in ("get",) if role == "administrator" else ("get", "post"):
                response = _send(page_clients[role], method, url, {})
                kept_out = _signed_out_answer(response)
                if response.status_code >= 500:
                    wrong.append(f"{method.upper()} {url} as {role}: {response.status_code}")
                elif route in ADMIN_SIGN_IN_OUT:  # the admin's own sign-in and sign-out only send people on
                    if response.status_code not in (302, 405):
                        wrong.append(f"{method.upper()} {url} as {role}: {response.status_code}, not sent on")
                elif role == "administrator":
                    if kept_out:
                        wrong.append(f"{method.upper()} {url} as {role}: sent to sign in")
                elif not kept_out:
                    wrong.append(f"{method.upper()} {url} as {role}: {response.status_code}, not sent to sign in")
    assert not wrong, "\n".join(wrong[:60])
