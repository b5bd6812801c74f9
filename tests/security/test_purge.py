"""After a purge, the person is gone: nowhere in the database (plaintext, ciphertext, blind
indexes, decrypted values) or in the media; the counts stay right; holds are respected."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from cases.audit import audit_verify
from cases.fields import BlindIndexField, EncryptedTextField
from cases.models import AuditEntry, Case, DataKey, Demonstrator, Evidence, WitnessStatement
from cases.retention import case_purge, purge_expired
from citations.dashboard import dashboard_summary
from documents.models import PhotoDerivative
from documents.photos import photo_derivative_make
from tests.security import purge_scenario
from tests.security.purge_scenario import TODAY


def raw_dump() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            chunks.extend(" ".join(str(v) for v in row) for row in cursor.fetchall())
    return "\n".join(chunks)


def decrypted_dump() -> str:
    """Every encrypted value of every model, decrypted: what someone holding the keys could read."""
    values = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            for row in model._default_manager.values_list(*names):
                values.extend(str(v) for v in row if v)
    return "\n".join(values)


def sealed_values(obj) -> list[str]:
    """The raw ciphertexts and blind indexes of a row, as stored."""
    fields = [f for f in obj._meta.concrete_fields if isinstance(f, (EncryptedTextField, BlindIndexField))]
    table = connection.ops.quote_name(obj._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [obj.pk])  # noqa: S608
        return [v for v in cursor.fetchone() if v]


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def scenario(coordinator, lawyer):
    with time_machine.travel(purge_scenario.at(purge_scenario.LONG_AGO), tick=False):
        return purge_scenario.build(coordinator=coordinator, lawyer=lawyer)


@pytest.mark.django_db
def test_a_purged_person_is_found_nowhere_in_the_database_or_media(
    scenario, settings, coordinator, django_capture_on_commit_callbacks
):
    s = scenario
    for photo in (s.evidence[0], s.evidence[2]):  # the JPEGs a packet embeds, stored sealed
        photo_derivative_make(evidence=photo)
    derivatives = list(PhotoDerivative.objects.all())
    sealed = sealed_values(s.person) + sealed_values(s.case)
    files = [Path(settings.MEDIA_ROOT, n) for e in s.evidence for n in (e.file.name, e.served_file.name) if n]
    files += [Path(settings.MEDIA_ROOT, d.file.name) for d in derivatives]
    assert all(f.exists() for f in files) and len(sealed) >= 10 and len(derivatives) == 2
    before_plain = decrypted_dump()
    assert all(secret in before_plain + raw_dump() for secret in s.secrets), "the scenario must hold every secret"

    with time_machine.travel(purge_scenario.at(TODAY)), django_capture_on_commit_callbacks(execute=True):
        report = purge_expired(by=coordinator, today=TODAY)

    assert report.purged == [s.case.number] and not report.held
    dump, plain = raw_dump(), decrypted_dump()
    for secret in s.secrets:
        assert secret not in dump and secret not in plain, f"{secret!r} survived the purge"
    for token in sealed:
        assert token not in dump, "a ciphertext or blind index of the person survived"
    for secret in s.kept_secrets:
        assert secret in dump + plain, f"the neighbour's {secret!r} was purged too"
    assert not any(f.exists() for f in files)
    assert not DataKey.objects.filter(scope__contains=str(s.case.public_id)).exists()
    assert not Evidence.objects.filter(pk__in=[e.pk for e in s.evidence]).exists()
    assert not PhotoDerivative.objects.exists()
    remaining_media = b"".join(p.read_bytes() for p in media_files(settings))
    assert b"Zelda" not in remaining_media and len(media_files(settings)) == 1  # the neighbour's file
    person = Demonstrator.objects.get(pk=s.person.pk)
    assert person.purged_at and person.legal_name == "" and person.date_of_birth is None and person.phone == ""
    assert person.legal_name_index == person.phone_index == person.name_dob_index == ""
    case = Case.objects.get(pk=s.case.pk)
    assert case.purged_at and not case.lawyers.exists() and case.lawyer_notes == ""
    assert [w.witness_name for w in WitnessStatement.objects.all()] == ["Nadia Neighbourwit"]  # deleted, not blanked
    assert audit_verify().ok
    purge_entry = AuditEntry.objects.get(action="case.purge")
    assert purge_entry.target_id == str(s.case.public_id)


@pytest.mark.django_db
def test_the_dashboard_shows_the_same_numbers_before_and_after_a_purge(scenario, settings, coordinator):
    settings.SMALL_COUNT_THRESHOLD = 1
    with time_machine.travel(purge_scenario.at(TODAY)):
        before = dashboard_summary(today=TODAY)
        purge_expired(by=coordinator, today=TODAY)
        after = dashboard_summary(today=TODAY)
    assert before == after
    assert before["people"]["people"]["value"] == 2


@pytest.mark.django_db
def test_dry_run_lists_what_would_go_and_changes_nothing(scenario, coordinator, capsys):
    s = scenario
    with time_machine.travel(purge_scenario.at(TODAY)):
        before = raw_dump()
        call_command("purge_expired", "--dry-run")
    out = capsys.readouterr().out
    assert f"Would purge case {s.case.number}" in out and s.neighbour.number not in out
    after = raw_dump()
    assert Demonstrator.objects.get(pk=s.person.pk).legal_name == "Zelda Quixote-Marsh"
    # only the audit entry of the dry run itself was added
    assert len(after) > len(before) and Evidence.objects.count() == 4
    assert AuditEntry.objects.filter(action="retention.purge_expired", details__dry_run=True).exists()


@pytest.mark.django_db
def test_a_case_with_an_open_civil_claim_window_is_on_hold(scenario, coordinator, capsys):
    s = scenario
    # The complaint's incident happened 2023-03-01: the two-year window closed 2025-03-01. Move it.
    s.case.complaints.get().incidents.update(occurred_at=purge_scenario.at(datetime.date(2025, 1, 10)))
    with time_machine.travel(purge_scenario.at(TODAY)):
        report = purge_expired(by=coordinator, today=TODAY)
        assert report.purged == [] and "civil-claim window open until 2027-01-10" in report.held[s.case.number][0]
        with pytest.raises(ValueError, match="on hold"):
            case_purge(case=s.case, by=coordinator, today=TODAY)
        call_command("purge_expired")
    assert "On hold: case" in capsys.readouterr().out
    assert Demonstrator.objects.get(pk=s.person.pk).legal_name == "Zelda Quixote-Marsh"


@pytest.mark.django_db
def test_a_case_with_an_open_appeal_deadline_or_appeal_is_on_hold(scenario, coordinator):
    from citations.models import CitationStatus, Deadline, DeadlineKind, DeadlineRule

    s = scenario
    citation = s.case.citations.get()
    rule = DeadlineRule.objects.filter(kind=DeadlineKind.APPEAL).first() or DeadlineRule.objects.create(
        code="test-appeal", kind=DeadlineKind.APPEAL, trigger="convicted", offset=30, description="Appeal",
        source="test",
    )  # fmt: skip
    Deadline.objects.create(case=s.case, citation=citation, rule=rule, kind=DeadlineKind.APPEAL,
                            due_on=TODAY + datetime.timedelta(days=3),
                            due_at=purge_scenario.at(TODAY + datetime.timedelta(days=3)))  # fmt: skip
    report = purge_expired(by=coordinator, today=TODAY, dry_run=True)
    assert any("appeal window open until" in r for r in report.held[s.case.number])
    Deadline.objects.all().delete()
    type(citation).objects.filter(pk=citation.pk).update(status=CitationStatus.APPEALED)
    report = purge_expired(by=coordinator, today=TODAY, dry_run=True)
    assert report.held[s.case.number] == ["appeal in progress"]


@pytest.mark.django_db
def test_open_cases_and_cases_inside_retention_are_never_purged(coordinator, lawyer):
    from cases.services import case_close
    from tests.factories import CaseFactory

    active = CaseFactory()
    recent = CaseFactory(opened_on=TODAY - datetime.timedelta(days=40))
    case_close(case=recent, by=coordinator, closed_on=TODAY - datetime.timedelta(days=10))
    report = purge_expired(by=coordinator, today=TODAY)
    assert report.purged == [] and not Case.objects.filter(purged_at__isnull=False).exists()
    with pytest.raises(ValueError, match="not past its retention"):
        case_purge(case=active, by=coordinator, today=TODAY)


@pytest.mark.django_db
def test_the_daily_task_runs_the_purge(scenario):
    from cases.tasks import purge_expired_task

    with time_machine.travel(purge_scenario.at(TODAY)):
        result = purge_expired_task.enqueue(dry_run=False)
    assert result.return_value["purged"] == [scenario.case.number]
    assert Case.objects.get(pk=scenario.case.pk).purged_at is not None
