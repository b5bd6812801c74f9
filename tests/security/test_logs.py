"""Logs never contain personal data: every log record emitted while the main flows run over the
seeded demo (sign-in and its failures, API reads, writes and searches, evidence, packets, pages,
errors, purge and lockdown) is captured raw, before any scrubbing, and searched for the seeded
people's names, phone numbers, e-mail addresses, addresses and birth dates."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from cases.models import Case, Demonstrator, WitnessStatement

PASSWORD = "a-long-demo-password"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append(text)


@pytest.fixture
def every_log_record():
    """Capture every record at DEBUG from every logger (raw, before the scrubbing filter), and the
    console output as configured (after it)."""
    capture = Capture()
    console = io.StringIO()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in logging.root.manager.loggerDict]
    saved = []
    for logger in loggers:
        if isinstance(logger, logging.Logger):
            saved.append((logger, logger.level, list(logger.handlers)))
            logger.setLevel(logging.DEBUG)
            if logger.handlers or logger is logging.getLogger():
                logger.handlers.insert(0, capture)
            for handler in logger.handlers:
                if isinstance(handler, logging.StreamHandler) and handler is not capture:
                    handler.setStream(console)
    yield capture, console
    for logger, level, handlers in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers


def personal_values() -> list[str]:
    values: list[str] = []
    for person in Demonstrator.objects.all():
        values += [person.legal_name, person.preferred_name, person.email, person.postal_address]
        if person.phone:
            digits = "".join(ch for ch in person.phone if ch.isdigit())
            values += [person.phone, digits[-7:]]
        if person.date_of_birth:
            dob = person.date_of_birth
            values += [dob.isoformat(), dob.strftime("%m/%d/%Y"), dob.strftime("%B %-d, %Y")]
    for statement in WitnessStatement.objects.all():
        values += [statement.witness_name, statement.witness_contact]
    return [v for v in values if v and len(v) >= 5]


def run_main_flows(api_token_for) -> None:
    from tests.auth import current_code, totp_device_for

    people = list(Demonstrator.objects.all()[:3])
    lawyer_case = Case.objects.filter(lawyers__username="lawyer").first()
    # Sign-in: failures, an unknown name that is a person's name, a lockout, then success with MFA.
    web = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(6):
        web.post("/login/", {"username": "lawyer", "password": "wrong-password-guess"})
    web.post("/login/", {"username": people[0].legal_name, "password": people[0].phone})
    coordinator = Client()
    coordinator.post("/login/", {"username": "coordinator", "password": PASSWORD})
    from cases.models import User

    coord = User.objects.get(username="coordinator")
    coordinator.post("/login/verify/", {"token": current_code(totp_device_for(coord))})
    # Pages and admin.
    for url in ["/", "/observe/reports/", "/citations/dashboard/", "/admin/cases/demonstrator/",
                f"/admin/cases/demonstrator/{people[0].pk}/change/", "/no-such-page/"]:  # fmt: skip
        coordinator.get(url)
    # API: reads, writes, searches, errors.
    api = api_token_for(coord)
    api.get("/api/v1/demonstrators/")
    api.get(f"/api/v1/demonstrators/{people[1].public_id}/")
    api.post("/api/v1/demonstrators/search/", {"name": people[1].legal_name}, format="json")
    api.post("/api/v1/demonstrators/search/", {"phone": people[2].phone}, format="json")
    api.post("/api/v1/demonstrators/", {"legal_name": "Logtest Person", "phone": "215-555-0123",
                                        "date_of_birth": "1988-08-08", "email": "logtest@example.org"},
             format="json")  # fmt: skip
    api.post("/api/v1/demonstrators/", {"legal_name": "", "phone": people[0].phone}, format="json")  # invalid
    api.patch(f"/api/v1/demonstrators/{people[0].public_id}/", {"date_of_birth": "not-a-date"}, format="json")
    api.get("/api/v1/cases/?q=" + people[0].legal_name)
    # Evidence: a refused upload and a download.
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.post("/api/v1/evidence/", {"case": str(lawyer_case.public_id), "kind": "photo",
                                   "file": SimpleUploadedFile(f"{people[0].legal_name}.svg", b"<svg></svg>")},
             format="multipart")  # fmt: skip
    from cases.models import Evidence

    for evidence in Evidence.objects.all()[:2]:
        coordinator.get(f"/evidence/{evidence.public_id}/download/")
    # A packet.
    from documents.services import packet_for_case

    packet_for_case(case=lawyer_case, by=coord)
    # Purge a closed case after its retention, then a lockdown.
    from cases.retention import purge_expired, purge_holds_for
    from cases.services import case_close

    later = timezone.localdate() + datetime.timedelta(days=400)
    candidates = Case.objects.exclude(pk=lawyer_case.pk).filter(complaints__isnull=True)
    # a case without pending charges or windows, now or then (they would hold it)
    held = [*purge_holds_for(candidates, today=timezone.localdate()), *purge_holds_for(candidates, today=later)]
    target = candidates.exclude(pk__in=held).first()
    case_close(case=target, by=coord)
    assert purge_expired(by=coord, today=later).purged == [target.number]
    call_command("lockdown")
    web.post("/login/", {"username": "lawyer", "password": PASSWORD})


@pytest.mark.django_db
def test_logs_hold_no_seeded_personal_data(every_log_record, settings):
    from tests.api.conftest import client_with_token

    settings.DEBUG = False
    with time_machine.travel(timezone.now(), tick=True):
        call_command("seed_demo", password=PASSWORD)
    secrets = personal_values() + ["Logtest Person", "215-555-0123", "1988-08-08", "logtest@example.org"]
    assert len(secrets) > 100
    capture, console = every_log_record
    run_main_flows(client_with_token)
    raw = "\n".join(capture.records)
    shown = console.getvalue()
    assert len(capture.records) > 10, "the flows must have logged something for this test to mean anything"
    for secret in secrets:
        assert secret not in raw, f"a log record holds personal data ({secret[:3]}…)"
        assert secret not in shown
