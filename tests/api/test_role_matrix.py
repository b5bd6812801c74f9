"""Every API route × every role, in one table. A route under /api/v1/ without a row fails the suite.

Each row: (url name, method) -> (path, body, expected status per role). Paths name world objects
in braces ({case_a} is the lawyer's case, {case_b} the other lawyer's, {incident_o} the
observer's report...). Every request runs in a savepoint that is rolled back, so each role meets
the same world. DELETE is listed for every object route: nothing in the API deletes records
(retention and purge do), so it must answer 405 to every signed-in role.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver
from django.utils import timezone

from api.urls import v1_patterns
from cases.mfa import mfa_required_for
from citations.models import BulkAction
from claims.models import Allegation
from custody.models import CustodyPlace
from custody.services.merge import duplicate_dismiss, person_merge
from tests.api.conftest import ROLES, World, png_bytes
from tests.auth import current_code, totp_device_for
from tests.citations.fakes import make_bulk_run, make_disposition_run
from tests.custody.fakes import make_hotline_entry
from tests.documents.fakes import make_finished_batch, make_stored_packet

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the factories' test password
WHEN = "2026-07-01T12:00:00Z"


def expect(
    anonymous=401,
    observer=403,
    other_observer=403,
    jail_support=403,
    lawyer=403,
    other_lawyer=403,
    organizer=403,
    coordinator=403,
):  # type: ignore[no-untyped-def]
    return {
        "anonymous": anonymous,
        "observer": observer,
        "other_observer": other_observer,
        "jail_support": jail_support,
        "lawyer": lawyer,
        "other_lawyer": other_lawyer,
        "organizer": organizer,
        "coordinator": coordinator,
    }


ALL_READ = expect(observer=200, other_observer=200, lawyer=200, other_lawyer=200, organizer=200, coordinator=200)
OFFICE_ONLY = lambda ok: expect(coordinator=ok)  # noqa: E731
DESK_LIST = expect(lawyer=200, other_lawyer=200, coordinator=200)
DESK_A = lambda ok: expect(lawyer=ok, other_lawyer=404, coordinator=ok)  # noqa: E731
DESK_CREATE_A = expect(lawyer=201, other_lawyer=400, coordinator=201)  # other lawyer names a case out of scope
FIELD_LIST = expect(observer=200, other_observer=200, lawyer=200, other_lawyer=200, coordinator=200)
NO_DELETE = expect(
    observer=405, other_observer=405, jail_support=405, lawyer=405, other_lawyer=405, organizer=405, coordinator=405
)


LATER = (timezone.now() + datetime.timedelta(days=20)).isoformat()


def today() -> str:
    return timezone.localdate().isoformat()


def answered(world: World) -> bool:
    """Prepare (inside the request's rolled-back savepoint): the client pleaded not guilty."""
    from citations.services import citation_record_response

    citation_record_response(citation=world.citation_a, response="not_guilty", at=timezone.now(), by=None)
    return True


def convicted(world: World) -> bool:
    from citations.services import citation_record_disposition

    answered(world)
    citation_record_disposition(
        citation=world.citation_a, disposition="guilty", decided_on=timezone.localdate(), by=None
    )
    return True


def dismissed(world: World) -> bool:
    from citations.services import citation_record_disposition

    citation_record_disposition(
        citation=world.citation_a, disposition="dismissed", decided_on=timezone.localdate(), by=None
    )
    return True


IMPORT_CSV = (
    "name,date of birth,phone,citation number,agency,offense,issued at,place,officer badge,notes\r\n"
    "Ida Import,1990-01-02,215-555-0199,CVN-7701,Philadelphia Police Department,"
    "Phila. Code § 10-611 obstruction,2026-07-01 21:00,8th & Arch,4242,\r\n"
)


def csv_file() -> Any:
    return SimpleUploadedFile("jail-support.csv", IMPORT_CSV.encode(), content_type="text/csv")


def png(world: World, role: str) -> Any:
    return SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")


def own_credentials(world: World, role: str) -> dict[str, str]:
    user = world.users[role]
    if user is None:
        return {"username": "nobody-at-all", "password": "wrong-password-123"}
    body = {"username": user.username, "password": PASSWORD}
    if mfa_required_for(user):
        body["otp_token"] = current_code(totp_device_for(user))
    return body


NIGHT = expect(jail_support=200, coordinator=200)  # jail support: the world's event is assigned to it


def hotline_entry(world: World, role: str) -> dict[str, str]:
    return {"client_uuid": str(uuid.uuid4()), "event": str(world.event.public_id), "about": "Red jacket, about 20"}


MATRIX: dict[tuple[str, str], tuple[str, Any, dict[str, int]]] = {
    # --- auth
    ("auth-token", "post"): (
        "/api/v1/auth/token/",
        own_credentials,
        expect(
            anonymous=401,
            observer=201,
            other_observer=201,
            jail_support=201,
            lawyer=201,
            other_lawyer=201,
            organizer=201,
            coordinator=201,
        ),
    ),
    ("auth-token", "delete"): (
        "/api/v1/auth/token/",
        None,
        expect(
            observer=204,
            other_observer=204,
            jail_support=204,
            lawyer=204,
            other_lawyer=204,
            organizer=204,
            coordinator=204,
        ),
    ),
    # --- events: not personal; everyone signed in reads, coordinators write
    ("event-list", "get"): ("/api/v1/events/", None, ALL_READ),
    ("event-list", "post"): (
        "/api/v1/events/",
        lambda w, role: {"name": f"Vigil {role}", "starts_at": WHEN, "jurisdiction": "PA-PHL"},
        OFFICE_ONLY(201),
    ),
    ("event-detail", "get"): ("/api/v1/events/{event}/", None, ALL_READ),
    ("event-detail", "patch"): ("/api/v1/events/{event}/", {"place": "Love Park"}, OFFICE_ONLY(200)),
    ("event-detail", "delete"): ("/api/v1/events/{event}/", None, NO_DELETE),
    # --- demonstrators
    ("demonstrator-list", "get"): ("/api/v1/demonstrators/", None, DESK_LIST),
    ("demonstrator-list", "post"): (
        "/api/v1/demonstrators/",
        {"legal_name": "Dee New", "phone": "215-555-0142"},
        OFFICE_ONLY(201),
    ),
    ("demonstrator-detail", "get"): ("/api/v1/demonstrators/{person_a}/", None, DESK_A(200)),
    ("demonstrator-detail", "patch"): ("/api/v1/demonstrators/{person_a}/", {"pronouns": "they/them"}, DESK_A(200)),
    ("demonstrator-detail", "delete"): ("/api/v1/demonstrators/{person_a}/", None, NO_DELETE),
    ("demonstrator-search", "post"): ("/api/v1/demonstrators/search/", {"name": "Ana Alvarez"}, DESK_LIST),
    # --- cases
    ("case-list", "get"): ("/api/v1/cases/", None, DESK_LIST),
    ("case-list", "post"): (
        "/api/v1/cases/",
        lambda w, role: {"event": str(w.event.public_id), "demonstrator": str(w.spare_person.public_id)},
        OFFICE_ONLY(201),
    ),
    ("case-detail", "get"): ("/api/v1/cases/{case_a}/", None, DESK_A(200)),
    ("case-detail", "patch"): ("/api/v1/cases/{case_a}/", {"lawyer_notes": "Called the client."}, DESK_A(200)),
    ("case-detail", "delete"): ("/api/v1/cases/{case_a}/", None, NO_DELETE),
    ("case-assign", "post"): (
        "/api/v1/cases/{case_a}/assign/",
        lambda w, role: {"lawyers": [w.users["lawyer"].username]},
        OFFICE_ONLY(200),
    ),
    ("case-close", "post"): ("/api/v1/cases/{case_a}/close/", {"confirm": True, "note": "Moved away"}, DESK_A(200)),
    # --- arrests
    ("arrest-list", "get"): ("/api/v1/arrests/", None, DESK_LIST),
    ("arrest-list", "post"): (
        "/api/v1/arrests/",
        lambda w, role: {"case": str(w.case_a.public_id), "arrested_at": WHEN, "place": "Broad & Vine"},
        DESK_CREATE_A,
    ),
    ("arrest-detail", "get"): ("/api/v1/arrests/{arrest_a}/", None, DESK_A(200)),
    ("arrest-detail", "patch"): ("/api/v1/arrests/{arrest_a}/", {"custody_status": "released"}, DESK_A(200)),
    ("arrest-detail", "delete"): ("/api/v1/arrests/{arrest_a}/", None, NO_DELETE),
    # --- officers: public employees; the field and the desk read, the desk writes, coordinators merge
    ("officer-list", "get"): ("/api/v1/officers/", None, FIELD_LIST),
    ("officer-list", "post"): (
        "/api/v1/officers/",
        lambda w, role: {"name": "Ofc. New", "badge_number": f"77{ROLES.index(role)}", "unit": "SWAT"},
        expect(lawyer=201, other_lawyer=201, coordinator=201),
    ),
    ("officer-detail", "get"): ("/api/v1/officers/{officer}/", None, FIELD_LIST),
    ("officer-detail", "patch"): (
        "/api/v1/officers/{officer}/",
        {"unit": "Civil Affairs"},
        expect(lawyer=200, other_lawyer=200, coordinator=200),
    ),
    ("officer-detail", "delete"): ("/api/v1/officers/{officer}/", None, NO_DELETE),
    ("officer-merge", "post"): (
        "/api/v1/officers/{spare_officer}/merge/",
        lambda w, role: {"into": str(w.officer.public_id)},
        OFFICE_ONLY(200),
    ),
    # --- incidents: observers report and read back their own; lawyers read those about their cases
    ("incident-list", "get"): ("/api/v1/incidents/", None, FIELD_LIST),
    ("incident-list", "post"): (
        "/api/v1/incidents/",
        lambda w, role: {
            "event": str(w.event.public_id),
            "occurred_at": WHEN,
            "officers": [{"badge_number": "4242"}],
            "force_types": ["baton"],
        },
        expect(observer=201, other_observer=201, coordinator=201),
    ),
    ("incident-detail", "get"): (
        "/api/v1/incidents/{incident_o}/",
        None,
        expect(observer=200, other_observer=404, lawyer=200, other_lawyer=404, coordinator=200),
    ),
    ("incident-detail", "patch"): (
        "/api/v1/incidents/{incident_o}/",
        {"place": "9th & Arch"},
        expect(observer=200, other_observer=404, coordinator=200),
    ),
    ("incident-detail", "delete"): ("/api/v1/incidents/{incident_o}/", None, NO_DELETE),
    # --- citations: the lawyer's citation_a; lifecycle actions call citations.services
    ("citation-list", "get"): ("/api/v1/citations/", None, DESK_LIST),
    ("citation-list", "post"): (
        "/api/v1/citations/",
        lambda w, role: {
            "case": str(w.case_a.public_id),
            "number": f"CVN-{role}",
            "kind": "phl_cvn",
            "offense_code": "Phila. Code § 10-611",
            "issued_at": WHEN,
            "fine": "50.00",
        },  # fmt: skip
        DESK_CREATE_A,
    ),
    ("citation-detail", "get"): ("/api/v1/citations/{citation_a}/", None, DESK_A(200)),
    ("citation-detail", "patch"): ("/api/v1/citations/{citation_a}/", {"place": "8th & Arch"}, DESK_A(200)),
    ("citation-detail", "delete"): ("/api/v1/citations/{citation_a}/", None, NO_DELETE),
    ("citation-response", "post"): (
        "/api/v1/citations/{citation_a}/response/",
        {"response": "not_guilty"},
        DESK_A(200),
    ),
    ("citation-plea", "post"): ("/api/v1/citations/{citation_a}/plea/", {"response": "not_guilty"}, DESK_A(200)),
    ("citation-hearing", "post"): (
        "/api/v1/citations/{citation_a}/hearing/",
        # LATER may fall on a weekend: confirmed, as the court set it (the check has its own tests)
        lambda w, role: answered(w) and {"hearing_at": LATER, "courtroom": "1104", "confirm_closed_day": True},
        DESK_A(200),
    ),
    ("citation-docket", "post"): (
        "/api/v1/citations/{citation_a}/docket/",
        {"docket_number": "MJ-51-0001"},
        DESK_A(200),
    ),
    ("citation-disposition", "post"): (
        "/api/v1/citations/{citation_a}/disposition/",
        lambda w, role: {"disposition": "dismissed", "decided_on": today()},
        DESK_A(200),
    ),
    ("citation-appeal-window", "post"): (
        "/api/v1/citations/{citation_a}/appeal-window/",
        lambda w, role: convicted(w) and {},
        DESK_A(200),
    ),
    ("citation-appeal", "post"): (
        "/api/v1/citations/{citation_a}/appeal/",
        lambda w, role: convicted(w) and {"filed_on": today()},
        DESK_A(200),
    ),
    ("citation-close", "post"): (
        "/api/v1/citations/{citation_a}/close/",
        lambda w, role: dismissed(w) and {},
        DESK_A(200),
    ),
    ("citation-payments", "get"): ("/api/v1/citations/{citation_a}/payments/", None, DESK_A(200)),
    ("citation-payments", "post"): (
        "/api/v1/citations/{citation_a}/payments/",
        lambda w, role: {"amount": "20.00", "payer": "bail_fund", "paid_on": today()},
        expect(lawyer=201, other_lawyer=404, coordinator=201),
    ),
    # --- deadlines (read only)
    ("deadline-list", "get"): ("/api/v1/deadlines/", None, DESK_LIST),
    ("deadline-detail", "get"): ("/api/v1/deadlines/{deadline_a}/", None, DESK_A(200)),
    ("deadline-detail", "delete"): ("/api/v1/deadlines/{deadline_a}/", None, NO_DELETE),
    # --- complaints
    ("complaint-list", "get"): ("/api/v1/complaints/", None, DESK_LIST),
    ("complaint-list", "post"): (
        "/api/v1/complaints/",
        lambda w, role: {
            "case": str(w.case_a.public_id),
            "narrative": "Struck while walking away.",
            "forum": "oversight",
        },
        DESK_CREATE_A,
    ),
    ("complaint-detail", "get"): ("/api/v1/complaints/{complaint_a}/", None, DESK_A(200)),
    ("complaint-detail", "patch"): ("/api/v1/complaints/{complaint_a}/", {"status": "filed"}, DESK_A(200)),
    ("complaint-detail", "delete"): ("/api/v1/complaints/{complaint_a}/", None, NO_DELETE),
    # --- allegations of complaints and their findings
    ("allegation-list", "get"): ("/api/v1/allegations/", None, DESK_LIST),
    ("allegation-list", "post"): (
        "/api/v1/allegations/",
        lambda w, role: {"complaint": str(w.complaint_a.public_id), "officer": str(w.officer.public_id)},
        DESK_CREATE_A,
    ),
    ("allegation-detail", "get"): ("/api/v1/allegations/{allegation_a}/", None, DESK_A(200)),
    ("allegation-detail", "patch"): (
        "/api/v1/allegations/{allegation_a}/",
        {"finding": "sustained", "decided_on": "2026-09-01"},
        DESK_A(200),
    ),
    ("allegation-detail", "delete"): ("/api/v1/allegations/{allegation_a}/", None, NO_DELETE),
    # --- witness statements
    ("statement-list", "get"): ("/api/v1/witness-statements/", None, DESK_LIST),
    ("statement-list", "post"): (
        "/api/v1/witness-statements/",
        lambda w, role: {"case": str(w.case_a.public_id), "statement": "I saw the bicycle push."},
        DESK_CREATE_A,
    ),
    ("statement-detail", "get"): ("/api/v1/witness-statements/{statement_a}/", None, DESK_A(200)),
    ("statement-detail", "patch"): ("/api/v1/witness-statements/{statement_a}/", {"anonymous": True}, DESK_A(200)),
    ("statement-detail", "delete"): ("/api/v1/witness-statements/{statement_a}/", None, NO_DELETE),
    # --- evidence (upload to the observer's incident: in scope for the observer, the lawyer and coordinators)
    ("evidence-list", "get"): ("/api/v1/evidence/", None, FIELD_LIST),
    ("evidence-list", "post"): (
        "/api/v1/evidence/",
        lambda w, role: {"file": png(w, role), "incident": str(w.incident_o.public_id)},
        expect(observer=201, other_observer=400, lawyer=201, other_lawyer=400, coordinator=201),
    ),
    ("evidence-detail", "get"): (
        "/api/v1/evidence/{evidence_o}/",
        None,
        expect(observer=200, other_observer=404, lawyer=200, other_lawyer=404, coordinator=200),
    ),
    ("evidence-detail", "delete"): ("/api/v1/evidence/{evidence_o}/", None, NO_DELETE),
    ("evidence-download", "get"): (
        "/api/v1/evidence/{evidence_o}/download/",
        None,
        expect(observer=200, other_observer=404, lawyer=200, other_lawyer=404, coordinator=200),
    ),
    # --- a photo's blur regions, face proposals and blurred copy (the lawyer of a case it concerns,
    #     coordinators: evidence.blur); the world's photo has no blurred copy until one is saved
    ("evidence-blur", "get"): ("/api/v1/evidence/{evidence_o}/blur/", None, DESK_A(200)),
    ("evidence-blur", "put"): ("/api/v1/evidence/{evidence_o}/blur/", {"regions": [[0.1, 0.1, 0.2, 0.2]]}, DESK_A(200)),
    ("evidence-blur-proposals", "get"): ("/api/v1/evidence/{evidence_o}/blur/proposals/", None, DESK_A(200)),
    ("evidence-blurred", "get"): ("/api/v1/evidence/{evidence_o}/blur/blurred.jpg", None, DESK_A(404)),
    # --- an incident's preservation plans and letters (lawyers of a case it concerns, coordinators)
    ("preservation-plans", "get"): ("/api/v1/incidents/{incident_o}/preservation/", None, DESK_A(200)),
    ("preservation-letters", "get"): ("/api/v1/incidents/{incident_o}/preservation/letters/", None, DESK_A(200)),
    ("preservation-letters", "post"): (
        "/api/v1/incidents/{incident_o}/preservation/letters/",
        {"recipient": "police", "sent_at": WHEN, "sent_how": "email", "reference": "msg-1"},
        DESK_A(201),
    ),
    ("preservation-letter-pdf", "get"): ("/api/v1/incidents/{incident_o}/preservation/police.pdf", None, DESK_A(200)),
    # --- bulk import and export of citations: coordinators
    ("import-citations", "post"): (
        "/api/v1/imports/citations/",
        lambda w, role: {"file": csv_file(), "event": str(w.event.public_id)},
        OFFICE_ONLY(200),
    ),
    ("export-citations", "get"): ("/api/v1/exports/citations.csv", None, OFFICE_ONLY(200)),
    # --- the intake desk: one-step intake, a release into the case (coordinators)
    ("intake", "post"): (
        "/api/v1/intake/",
        lambda w, role: {
            "event": str(w.event.public_id),
            "person": {"legal_name": "Rae Intake"},
            "arrest": {"arrested_at": WHEN, "custody_status": "held"},
            "citations": [
                {"number": f"IN-{role}", "kind": "pa_summary", "offense_code": "18 Pa.C.S. § 5502", "issued_at": WHEN}
            ],
        },
        OFFICE_ONLY(201),
    ),
    ("custody-release", "post"): (
        "/api/v1/custody/{arrest_a}/release/",
        {"released_at": LATER},
        OFFICE_ONLY(200),
    ),
    ("people-merge", "post"): (
        "/api/v1/people/merges/",
        lambda w, role: {
            "merged_person": str(w.spare_person.public_id),
            "kept_person": str(w.case_a.demonstrator.public_id),
        },
        OFFICE_ONLY(201),
    ),
    ("people-merge-undo", "post"): ("/api/v1/people/merges/{merge_a}/undo/", {}, OFFICE_ONLY(200)),
    ("people-duplicate-dismiss", "post"): (
        "/api/v1/people/merges/dismissals/",
        lambda w, role: {
            "first_person": str(w.spare_person.public_id),
            "second_person": str(w.case_a.demonstrator.public_id),
        },
        OFFICE_ONLY(201),
    ),
    ("people-duplicate-dismiss-undo", "post"): (
        "/api/v1/people/merges/dismissals/{dismissal_a}/undo/",
        {},
        OFFICE_ONLY(200),
    ),  # fmt: skip
    # --- dashboard: aggregates only
    ("dashboard", "get"): (
        "/api/v1/dashboard/",
        None,
        expect(lawyer=200, other_lawyer=200, organizer=200, coordinator=200),
    ),
    # --- packets (documents app)
    ("case-packet", "post"): ("/api/v1/cases/{case_a}/packet/", {"kind": "case"}, DESK_A(200)),
    ("packet-docket", "post"): (
        "/api/v1/packets/docket/",
        {"date": "2026-07-01"},
        expect(lawyer=200, other_lawyer=200, coordinator=200),
    ),
    ("packet-batch-list", "get"): ("/api/v1/packets/", None, DESK_LIST),
    ("packet-batch-list", "post"): (
        "/api/v1/packets/",
        lambda w, role: {"kind": "event", "event": str(w.event.public_id)},
        expect(lawyer=202, other_lawyer=202, coordinator=202),
    ),
    ("packet-batch-detail", "get"): ("/api/v1/packets/{batch_a}/", None, DESK_A(200)),
    ("packet-batch-download", "get"): ("/api/v1/packets/{batch_a}/download/", None, DESK_A(200)),
    ("packet-file", "get"): ("/api/v1/packets/files/{packet_a}/", None, DESK_A(200)),
    # --- the night: hotline log, custody board, moves (jail support: its assigned event)
    ("hotline-list", "get"): ("/api/v1/hotline/?event={event}", None, NIGHT),
    ("hotline-list", "post"): ("/api/v1/hotline/", hotline_entry, expect(jail_support=201, coordinator=201)),
    ("hotline-link", "post"): (
        "/api/v1/hotline/{hotline_a}/link/",
        lambda w, role: {"arrest": str(w.arrest_a.public_id)},
        OFFICE_ONLY(200),
    ),
    ("custody-board", "get"): ("/api/v1/custody/events/{event}/board/", None, NIGHT),
    ("custody-stage", "post"): ("/api/v1/custody/arrests/{arrest_a}/stage/", {"stage": "in_transport"}, NIGHT),
    # places of custody: read by whoever records where people are held, written by coordinators;
    # the place named is unused, so a coordinator may delete it
    ("custody-place-list", "get"): ("/api/v1/custody/places/", None, NIGHT),
    ("custody-place-list", "post"): (
        "/api/v1/custody/places/",
        {"name": "22nd Police District annex", "kind": "district"},
        OFFICE_ONLY(201),
    ),
    ("custody-place-detail", "get"): ("/api/v1/custody/places/{place}/", None, NIGHT),
    ("custody-place-detail", "patch"): ("/api/v1/custody/places/{place}/", {"active": False}, OFFICE_ONLY(200)),
    ("custody-place-detail", "delete"): ("/api/v1/custody/places/{place}/", None, OFFICE_ONLY(204)),
    # --- bulk actions (previews here: nothing is written without "confirm": true)
    ("bulk-mass-disposition", "post"): (
        "/api/v1/bulk/mass-disposition/",
        lambda w, role: {
            "event": str(w.event.public_id),
            "kind": "pa_summary",
            "issued_from": "2026-01-01",
            "issued_to": today(),
            "disposition": "withdrawn",
            "decided_on": today(),
        },
        OFFICE_ONLY(200),
    ),  # fmt: skip
    ("bulk-mass-disposition-run", "get"): ("/api/v1/bulk/mass-disposition/{run}/", None, OFFICE_ONLY(200)),
    ("bulk-assign", "post"): (
        "/api/v1/bulk/assign/",
        lambda w, role: {"lawyer": w.users["lawyer"].username, "cases": [str(w.case_b.public_id)]},
        OFFICE_ONLY(200),
    ),
    ("bulk-hearing-outcomes", "post"): (
        "/api/v1/bulk/hearing-outcomes/",
        lambda w, role: {"date": today(), "outcomes": []},
        DESK_LIST,
    ),
    ("bulk-assign-run", "get"): ("/api/v1/bulk/assign/{assign_run}/", None, OFFICE_ONLY(200)),
    # a run of the lawyer's own courtroom list: theirs, and those who see every case
    ("bulk-hearing-outcomes-run", "get"): ("/api/v1/bulk/hearing-outcomes/{outcomes_run}/", None, DESK_A(200)),
}


def _routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    """(url name, method) for every route under /api/v1/, from the URL configuration itself."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found.extend(_routes(pattern.url_patterns, prefix + str(pattern.pattern)))
            continue
        assert isinstance(pattern, URLPattern)
        callback = pattern.callback
        if hasattr(callback, "actions"):  # a viewset route
            methods = {m for m in callback.actions if m not in ("head", "options")}
            if pattern.name and pattern.name.endswith("-detail"):
                methods.add("delete")
        else:
            view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            names = getattr(view, "http_method_names", ["get"]) if view else ["get"]
            methods = {m for m in names if m not in ("head", "options", "trace") and hasattr(view, m)}
        for method in sorted(methods):
            found.append((pattern.name or f"{prefix}{pattern.pattern}", method))
    return found


ROUTES = _routes(v1_patterns)


def test_the_matrix_covers_every_route_and_method():
    missing = sorted(set(ROUTES) - set(MATRIX))
    assert not missing, f"routes under /api/v1/ without a row in the role matrix: {missing}"
    stale = sorted(set(MATRIX) - set(ROUTES))
    assert not stale, f"matrix rows for routes that do not exist: {stale}"
    for key, (_path, _body, statuses) in MATRIX.items():
        assert set(statuses) == set(ROLES), f"{key} must give a status for every role"


def _path(template: str, world: World) -> str:
    ids = {
        "event": world.event.public_id,
        "person_a": world.case_a.demonstrator.public_id,
        "case_a": world.case_a.public_id,
        "arrest_a": world.arrest_a.public_id,
        "officer": world.officer.public_id,
        "spare_officer": world.spare_officer.public_id,
        "incident_o": world.incident_o.public_id,
        "complaint_a": world.complaint_a.public_id,
        "statement_a": world.statement_a.public_id,
        "evidence_o": world.evidence_o.public_id,
        "citation_a": world.citation_a.public_id,
        "deadline_a": world.citation_a.deadlines.first().public_id,
    }
    # Packets: a stored packet and a finished batch of the lawyer's case, made only when a row needs them.
    if "{packet_a}" in template:
        ids["packet_a"] = make_stored_packet(case=world.case_a, by=world.users["lawyer"]).public_id
    if "{allegation_a}" in template:
        ids["allegation_a"] = Allegation.objects.create(complaint=world.complaint_a, officer=world.officer).public_id
    if "{hotline_a}" in template:
        ids["hotline_a"] = make_hotline_entry(event=world.event, by=world.users["coordinator"]).public_id
    if "{assign_run}" in template:
        ids["assign_run"] = make_bulk_run(action=BulkAction.ASSIGN, by=world.users["coordinator"]).public_id
    if "{outcomes_run}" in template:
        ids["outcomes_run"] = make_bulk_run(action=BulkAction.HEARING_OUTCOMES, by=world.users["lawyer"]).public_id
    if "{place}" in template:
        ids["place"] = CustodyPlace.objects.get_or_create(name="Matrix annex (unused)")[0].public_id
    if "{run}" in template:
        ids["run"] = make_disposition_run(event=world.event, by=world.users["coordinator"]).public_id
    if "{batch_a}" in template:
        ids["batch_a"] = make_finished_batch(case=world.case_a, by=world.users["lawyer"]).public_id
    if "{dismissal_a}" in template:
        ids["dismissal_a"] = duplicate_dismiss(
            first=world.spare_person, second=world.case_a.demonstrator, by=None
        ).public_id
    if "{merge_a}" in template:
        ids["merge_a"] = person_merge(source=world.spare_person, target=world.case_a.demonstrator, by=None).public_id
    return template.format(**ids)


def _request(client: Any, method: str, path: str, body: Any) -> Any:
    if method in ("get", "delete") and body is None:
        return getattr(client, method)(path)
    if isinstance(body, dict) and any(hasattr(v, "read") for v in body.values()):
        return client.post(path, body, format="multipart")
    return getattr(client, method)(path, body or {}, format="json")


def test_role_matrix(world, clients, monkeypatch):
    """One world, every row: each request runs in a savepoint rolled back afterwards."""
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"auth": "10000/min", "writes": "10000/min"})
    wrong = []
    for (name, method), (template, body, statuses) in sorted(MATRIX.items()):
        path = _path(template, world)
        for role in ROLES:
            with transaction.atomic():
                payload = body(world, role) if callable(body) else body  # may prepare state: rolled back too
                response = _request(clients[role], method, path, payload)
                transaction.set_rollback(True)
            if response.status_code != statuses[role]:
                detail = getattr(response, "data", None)
                wrong.append(
                    f"{method.upper()} {name} as {role}: expected {statuses[role]}, got {response.status_code} {detail!r}"[
                        :400
                    ]
                )
            elif response.status_code >= 400 and not response["Content-Type"].startswith("application/problem+json"):
                wrong.append(f"{method.upper()} {name} as {role}: {response.status_code} as {response['Content-Type']}")
    assert not wrong, "\n".join(wrong)


def test_observer_loses_read_back_after_the_window(world, clients, settings):
    """The lost-phone rule: after OBSERVER_READBACK_HOURS the reporter gets 404 like anyone else."""
    settings.OBSERVER_READBACK_HOURS = 24
    path = f"/api/v1/incidents/{world.incident_o.public_id}/"
    assert clients["observer"].get(path).status_code == 200
    type(world.incident_o).objects.filter(pk=world.incident_o.pk).update(
        created_at=world.incident_o.created_at - datetime.timedelta(hours=25)
    )
    assert clients["observer"].get(path).status_code == 404
    assert clients["observer"].get("/api/v1/incidents/").json()["count"] == 0
    assert clients["observer"].get(f"/api/v1/evidence/{world.evidence_o.public_id}/").status_code == 200  # own upload
    assert clients["lawyer"].get(path).status_code == 200  # the lawyer of the case still reads it
