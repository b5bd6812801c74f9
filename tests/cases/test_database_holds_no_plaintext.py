"""A stolen database dump must not reveal who the demonstrators are."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection

from cases.models import Demonstrator, WitnessStatement
from custody.models import HotlineEntry


def as_text(value: object) -> str:
    """A cell as an attacker would grep it: bytes decoded both as UTF-8 and as Latin-1."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace") + value.decode("latin-1")
    return str(value)


def every_table() -> dict[str, str]:
    """Every cell of every table, as text, by table; and each session's data decoded (it is
    signed, not encrypted)."""
    tables = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = "\n".join(" ".join(as_text(v) for v in row) for row in cursor.fetchall())
        cursor.execute("SELECT session_data FROM django_session")
        tables["django_session (decoded)"] = "\n".join(str(SessionStore().decode(row[0])) for row in cursor.fetchall())
    return tables


def dump_all_tables() -> str:
    """Every cell of every table, as text: what an attacker with the dump would grep."""
    return "\n".join(every_table().values())


@pytest.mark.django_db
def test_dump_contains_no_seeded_plaintext():
    call_command("seed_demo", password="a-long-demo-password")
    people = list(Demonstrator.objects.all())
    witnesses = [w for w in WitnessStatement.objects.all() if w.witness_name]
    # the encampment's 30, the reminders' march's 2, the night in progress's 12 (demo/night.py), and
    # one of the thirty registered again under another spelling (demo/duplicates.py)
    assert len(people) == 45 and witnesses
    dump = dump_all_tables()
    assert len(dump) > 10_000
    for person in people:
        for secret in [
            person.legal_name,
            person.phone,
            person.email,
            person.date_of_birth.isoformat() if person.date_of_birth else None,
            person.postal_address,
        ]:
            assert not secret or secret not in dump, "personal data found in plaintext in the database"
    for witness in witnesses:
        assert witness.witness_name not in dump and witness.witness_contact not in dump
    for entry in HotlineEntry.objects.all():  # the night's hotline log: who, the caller, medical needs, injuries
        for secret in [entry.about, entry.caller_contact, entry.medical_needs, entry.injuries, entry.waiting_outside]:
            assert not secret or secret not in dump, "hotline text found in plaintext in the database"
