"""Every HTML page of every role, timed through the whole Django stack (middleware, second-factor
gate, scope, audit entry, template), on the load-data set. Goal: a median of at most 300 ms per
page at full scale (10,000 people), on SQLite and PostgreSQL.

The pages are the GET rows of the route matrix (tests/security/test_route_matrix.py, the list
the screenshot run reads too), each opened by every role whose row answers 200; a GET route that
is not a page (a file, a feed, a fragment) is listed in NOT_TIMED with why, and
tests/test_bench_pages.py fails when a GET route is in neither, so a new page cannot be left out.

The records are the busiest ones: the busiest load-data lawyer (most cases), their case with
the most citations, its first citation, client, complaint, allegation and incident; the event
with the most people; the docket also on its busiest hearing day. The custody pages (board,
hotline log, a stage, a release) open the custody board benchmark's event (3,000 arrestees,
300 hotline entries; built once, bench_custody_board.py), to which the jail-support account is
assigned. Each figure's note gives its SQL query count."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

GOAL_MS = 300.0
# The matrix's roles that have an account here ("other_lawyer" and "suspended" only test refusals).
ROLES = ("anonymous", "observer", "jail_support", "lawyer", "organizer", "coordinator", "administrator")
# GET routes of the matrix not timed here, and why (a route in neither list fails a test).
NOT_TIMED: dict[str, str] = {
    "healthz": "a health probe for the load balancer, not a page",
    "set_language": "only redirects",
    "api/^.*$": "the API's 404 answer",
    "api:schema": "the API's schema document (YAML)",
    "observe-sw": "the observer's service worker script",
    "evidence_download": "a file download",
    "citations-calendar-feed": "an iCalendar feed",
    "citations-export": "a CSV download",
    "documents-packet-file": "a PDF download",
    "documents-batch-status": "JSON polled by the batch page",
    "documents-batch-download": "a ZIP download",
    "documents-subject-access": "a JSON download",
    "claims-roster-csv": "a CSV download",
    "claims-roster-pdf": "a PDF download",
    "claims-evidence-case": "a ZIP download",
    "claims-evidence-event": "a ZIP download",
    "claims-signing-key": "a PEM file",
    "claims-preservation-letter": "a PDF download",
    "claims-blur-copy": "an image",
    "claims-blur-blurred": "an image",
    "custody-board-partial": "the board's fragment the board page polls (timed in bench_custody_board)",
    "coord-bulk-disposition-status": "the fragment the run's page polls",
    "coord-bulk-assign-status": "the fragment the run's page polls",
    "desk-hearing-outcomes-status": "the fragment the run's page polls",
}
# Route names whose {event} and {arrest_a} are the custody board event's (the night's pages).
CUSTODY = ("custody-",)
# Placeholders of the matrix's paths that `_objects` fills.
PLACEHOLDERS = (
    "case_a", "citation_a", "person_a", "person_b", "event", "arrest_a", "incident_o", "complaint_a",
    "allegation_a", "officer", "evidence_o", "run", "assign_run", "outcomes_run", "batch_a", "hotline_a",
    "place",
)  # fmt: skip


def routes() -> list[tuple[str, str, list[str]]]:
    """(route name, path template, roles) for every GET row of the route matrix that is timed."""
    from tests.security.test_route_matrix import PAGES

    timed = []
    for (name, method), (template, _body, statuses) in PAGES.items():
        if method == "get" and name not in NOT_TIMED:
            timed.append((name, template, [role for role in ROLES if statuses.get(role) == 200]))
    return timed


def _photo() -> bytes:
    """A phone-sized photo (1600 x 1200 JPEG) for the blur editor."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 120, 160)).save(out, "JPEG", quality=85)
    return out.getvalue()


def _objects(lawyer: Any, coordinator: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The placeholders' values on the busiest records (the load data's, and the custody board
    benchmark's event for the custody pages). The photo is added once; each benchmark run adds
    three finished bulk runs and a packet batch (no rows in them), for their pages."""
    from django.core.files.base import ContentFile
    from django.db.models import Count

    from cases.models import Arrest, Case, CustodyStatus, Demonstrator, Event, Evidence, Incident
    from cases.services import evidence_add
    from citations.models import BulkAction
    from claims.models import Allegation
    from custody.models import CustodyPlace, CustodyPlacement, HotlineEntry
    from tests.citations.fakes import make_bulk_run, make_disposition_run
    from tests.documents.fakes import make_finished_batch

    case = Case.objects.filter(lawyers=lawyer).annotate(n=Count("citations")).order_by("-n", "number").first()
    assert case is not None, "the load data gives the busiest lawyer a case"
    complaint = case.complaints.order_by("id").first() or (
        Case.objects.filter(lawyers=lawyer, complaints__isnull=False).order_by("number").first().complaints.first()  # type: ignore[union-attr]
    )
    incident = Incident.objects.filter(people_affected=case).order_by("id").first() or complaint.incidents.first()
    other = Demonstrator.objects.exclude(pk=case.demonstrator_id).order_by("id").first()
    event = Event.objects.annotate(n=Count("cases")).order_by("-n", "id").first()
    evidence = Evidence.objects.filter(incident=incident, kind="photo").order_by("id").first() or evidence_add(
        upload=ContentFile(_photo(), name="bench.jpg"), kind="photo", content_type="image/jpeg",
        by=coordinator, incident=incident,
    )  # fmt: skip
    from benchmarks.bench_custody_board import EVENT

    night = Event.objects.get(name=EVENT)
    ids = {
        "case_a": case.public_id,
        "citation_a": case.citations.order_by("issued_at", "id").first().public_id,  # type: ignore[union-attr]
        "person_a": case.demonstrator.public_id,
        "person_b": other.public_id,  # type: ignore[union-attr]
        "event": event.public_id,  # type: ignore[union-attr]
        "arrest_a": Arrest.objects.filter(case=case).order_by("id").first().public_id  # type: ignore[union-attr]
        if Arrest.objects.filter(case=case).exists()
        else Arrest.objects.order_by("id").first().public_id,  # type: ignore[union-attr]
        "incident_o": incident.public_id,  # type: ignore[union-attr]
        "complaint_a": complaint.public_id,  # type: ignore[union-attr]
        "allegation_a": (
            Allegation.objects.filter(complaint=complaint).order_by("id").first()
            or Allegation.objects.create(complaint=complaint)
        ).public_id,
        "officer": complaint.officers.order_by("id").first().public_id,  # type: ignore[union-attr]
        "evidence_o": evidence.public_id,
        "run": make_disposition_run(event=event, by=coordinator).public_id,
        "assign_run": make_bulk_run(action=BulkAction.ASSIGN, by=coordinator).public_id,
        "outcomes_run": make_bulk_run(action=BulkAction.HEARING_OUTCOMES, by=lawyer).public_id,
        "batch_a": make_finished_batch(case=case, by=lawyer).public_id,
        "hotline_a": HotlineEntry.objects.filter(event=night).order_by("id").first().public_id,  # type: ignore[union-attr]
    }
    held = Arrest.objects.filter(case__event=night, custody_status__in=CustodyStatus.in_custody()).order_by("id")
    custody = {**ids, "event": night.public_id, "arrest_a": held.first().public_id}  # type: ignore[union-attr]
    busiest_place = CustodyPlacement.objects.values("place").annotate(n=Count("id")).order_by("-n").first()
    place = CustodyPlace.objects.get(pk=busiest_place["place"]) if busiest_place else CustodyPlace.objects.first()
    ids["place"] = custody["place"] = place.public_id  # type: ignore[union-attr]
    return ids, custody


def _clients(lawyer: Any) -> dict[str, Any]:
    from django.test import Client

    from benchmarks.bench_custody_board import EVENT, build
    from cases.models import Event
    from custody.models import JailSupportAssignment

    clients = {
        "anonymous": Client(),
        "lawyer": harness.client_for_user(lawyer),
        **{role: harness.client_for(role) for role in ROLES if role not in ("anonymous", "lawyer")},
    }
    coordinator, volunteer = clients["coordinator"].bench_user, clients["jail_support"].bench_user
    if not Event.objects.filter(name=EVENT).exists():
        print("building the custody board event (once)...", flush=True)
        build(coordinator, volunteer)
    JailSupportAssignment.objects.get_or_create(
        user=volunteer, event=Event.objects.get(name=EVENT), defaults={"assigned_by": coordinator}
    )
    return clients


def _pages() -> list[tuple[str, Any, str, str]]:
    """(role, client, path, label) for every timed page of every role, on the busiest records."""
    from django.db.models import Count

    from cases.models import User
    from citations.models import Citation

    lawyer = (
        User.objects.filter(username__startswith="load-lawyer-")
        .annotate(n=Count("assigned_cases"))
        .order_by("-n", "username")
        .first()
    )
    clients = _clients(lawyer)
    ids, custody = _objects(lawyer, clients["coordinator"].bench_user)
    busiest = (
        Citation.objects.filter(hearing_at__isnull=False)
        .values("hearing_at__date")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    pages = []
    for name, template, roles in routes():
        path = template.format(**(custody if name.startswith(CUSTODY) else ids))
        pages += [(role, clients[role], path, name) for role in roles]
        if name == "desk-docket" and busiest:  # the docket again, on its busiest hearing day
            day = f"{path}?date={busiest['hearing_at__date'].isoformat()}"
            pages += [(role, clients[role], day, f"{name} (busiest day)") for role in roles]
    return pages


def main() -> harness.Results:
    args = harness.parser(__doc__).parse_args()
    info = harness.setup(args)
    repeat = harness.repeat_for(args)
    results = harness.Results("bench_pages", info)
    print(f"Every page of every role ({args.db}, {args.scale}, median of {repeat}):")
    for role, client, path, name in _pages():
        response = client.get(path)
        assert response.status_code == 200, (role, path, response.status_code)

        def call(client: Any = client, path: str = path) -> None:
            assert client.get(path).status_code == 200

        _, queries = harness.capture_queries(call)
        median, _ = harness.median_ms(call, repeat=repeat, warmup=1)
        results.add(f"{role} {name}", median, "ms", goal=GOAL_MS, note=f"{len(queries)} queries, {path}")
    results.write(args.json)
    return results


if __name__ == "__main__":
    main()
