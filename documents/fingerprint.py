"""Whether anything a case packet shows may have changed, without building its context.

A stored case packet is found by the SHA-256 of its whole context (`rendering.input_hash`), which
is exact but means running the context's scoped queries and formatting every row on each
request. The *inputs stamp* is a cheaper key for the same packet: a SHA-256 over

- every column, as stored (ciphertext for encrypted fields), of every row the context can be
  built from: the case, its event and person, its lawyers, citations,
  payments, deadlines and their rules, arrests, complaints, the incidents concerning the case
  (`cases.selectors.incident_ids_concerning`, the same definition the context uses) with their
  force types, officer sightings, officers, reporters, the statements and evidence tied to the
  case, its complaints or those incidents, their custody logs and the accounts those name (of
  accounts, only the name columns: `COLUMNS`);
- what decides which of those rows the requesting user may see: the user's id, active flag and
  role, the complaints those statements and files hang on, and the user's own case assignments
  (a lawyer sees a statement tied to another case only while assigned to that case too);
- the language and the code and templates that shape the packet.

It is one SQL statement over primary keys and foreign-key indexes, read as raw rows (no model
instances, nothing decrypted), so a repeat request costs a few milliseconds instead of the
context's queries. Rows are a superset of what the context shows: a change to a row the packet
does not show changes the stamp too, which only costs the exact comparison (never a stale
packet). A new table read by the context must be added to `SOURCES`:
`tests/documents/test_fingerprint.py` fails when the context reads a table the stamp does not.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Field, Model
from django.utils import translation

from cases.models import (
    PACKET_EXPORT_NOTE,
    Arrest,
    ArrestSeen,
    Case,
    CustodyEvent,
    Demonstrator,
    Event,
    Evidence,
    ExcessiveForceComplaint,
    ForceType,
    Incident,
    IncidentOfficer,
    Officer,
    WitnessStatement,
)
from cases.roles import role_of
from cases.selectors import incident_ids_concerning
from cases.types import AnyUser
from citations.models import Citation, ClerkOfficeHours, Deadline, DeadlineKind, DeadlineRule, Payment
from documents.rendering import template_version

User = Case.lawyers.field.related_model
CaseLawyer = Case.lawyers.through
PersonAffected = Incident.people_affected.through
IncidentForce = Incident.force_types.through
ComplaintIncident = ExcessiveForceComplaint.incidents.through


def _t(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    """The column of a concrete field (the stubs allow a reverse relation, which has none)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise LookupError(f"{model._meta.label}.{name} has no column")
    return field.column


def _c(model: type[Model], field: str) -> str:
    return connection.ops.quote_name(_column(model, field))


# Each condition is SQL over the source's table (alias t). {case}, {user}, {export} and {claim} (the
# civil-claim deadline kind) take one parameter each; the statement starts with common table
# expressions naming the incidents concerning the case (inc), its complaints (cc), and the
# statements (st) and files (ev) the packet may show.
INCIDENTS = "SELECT id FROM inc"
CASE_COMPLAINTS = "SELECT id FROM cc"
STATEMENTS = "SELECT id FROM st"
EVIDENCE = "SELECT id FROM ev"
PREFIX = (
    "WITH inc(id) AS ({incidents}), "  # nosec B608
    f"cc(id) AS (SELECT id FROM {_t(ExcessiveForceComplaint)} WHERE {_c(ExcessiveForceComplaint, 'case')} = {{case}}), "
    f"st(id) AS (SELECT id FROM {_t(WitnessStatement)} WHERE {_c(WitnessStatement, 'case')} = {{case}} "
    f"OR {_c(WitnessStatement, 'complaint')} IN ({CASE_COMPLAINTS}) "
    f"OR {_c(WitnessStatement, 'incident')} IN ({INCIDENTS})), "
    f"ev(id) AS (SELECT id FROM {_t(Evidence)} WHERE {_c(Evidence, 'case')} = {{case}} "
    f"OR {_c(Evidence, 'complaint')} IN ({CASE_COMPLAINTS}) "
    f"OR {_c(Evidence, 'incident')} IN ({INCIDENTS})) "
)
SOURCES: list[tuple[type[Model], str]] = [
    (Case, "t.id = {case}"),
    (Event, f"t.id = (SELECT {_c(Case, 'event')} FROM {_t(Case)} WHERE id = {{case}})"),  # nosec B608
    (Demonstrator, f"t.id = (SELECT {_c(Case, 'demonstrator')} FROM {_t(Case)} WHERE id = {{case}})"),  # nosec B608
    # This case's lawyers (their names are on the cover) and the user's own assignments.
    (CaseLawyer, f"t.{_c(CaseLawyer, 'case')} = {{case}} OR t.{_c(CaseLawyer, 'user')} = {{user}}"),
    (Citation, f"t.{_c(Citation, 'case')} = {{case}}"),
    (
        Payment,
        f"t.{_c(Payment, 'citation')} IN (SELECT id FROM {_t(Citation)} WHERE {_c(Citation, 'case')} = {{case}})",  # nosec B608
    ),
    (Deadline, f"t.{_c(Deadline, 'case')} = {{case}}"),
    # The rules of its deadlines, and those that set the civil-claim period a packet computes for
    # force not yet under a complaint (`context.computed_civil_claim`).
    (
        DeadlineRule,
        f"t.id IN (SELECT {_c(Deadline, 'rule')} FROM {_t(Deadline)} WHERE {_c(Deadline, 'case')} = {{case}}) "  # nosec B608
        f"OR t.{_c(DeadlineRule, 'kind')} = {{claim}}",
    ),
    # The clerk's office hours a filing's "due" shows (`context.deadline_dict`): the whole table,
    # a handful of rows, so a correction anywhere re-stamps the packets.
    (ClerkOfficeHours, "1 = 1"),
    (Arrest, f"t.{_c(Arrest, 'case')} = {{case}}"),
    # The case's complaints, and those the statements and files in the packet hang on (their
    # case decides whether a lawyer may see the attachment).
    (
        ExcessiveForceComplaint,
        f"t.{_c(ExcessiveForceComplaint, 'case')} = {{case}} "  # nosec B608
        f"OR t.id IN (SELECT {_c(WitnessStatement, 'complaint')} FROM {_t(WitnessStatement)} "
        f"WHERE id IN ({STATEMENTS})) "
        f"OR t.id IN (SELECT {_c(Evidence, 'complaint')} FROM {_t(Evidence)} WHERE id IN ({EVIDENCE}))",
    ),
    # The links that decide which incidents concern the case.
    (PersonAffected, f"t.{_c(PersonAffected, 'case')} = {{case}}"),
    (ArrestSeen, f"t.{_c(ArrestSeen, 'case')} = {{case}} OR t.{_c(ArrestSeen, 'incident')} IN ({INCIDENTS})"),
    (ComplaintIncident, f"t.{_c(ComplaintIncident, 'excessiveforcecomplaint')} IN ({CASE_COMPLAINTS})"),
    (Incident, f"t.id IN ({INCIDENTS})"),
    (IncidentForce, f"t.{_c(IncidentForce, 'incident')} IN ({INCIDENTS})"),
    (
        ForceType,
        f"t.id IN (SELECT {_c(IncidentForce, 'forcetype')} FROM {_t(IncidentForce)} "  # nosec B608
        f"WHERE {_c(IncidentForce, 'incident')} IN ({INCIDENTS}))",
    ),
    (IncidentOfficer, f"t.{_c(IncidentOfficer, 'incident')} IN ({INCIDENTS})"),
    (
        Officer,
        f"t.id IN (SELECT {_c(IncidentOfficer, 'officer')} FROM {_t(IncidentOfficer)} "  # nosec B608
        f"WHERE {_c(IncidentOfficer, 'incident')} IN ({INCIDENTS})) "
        f"OR t.id IN (SELECT {_c(Citation, 'issuing_officer')} FROM {_t(Citation)} "
        f"WHERE {_c(Citation, 'case')} = {{case}})",
    ),
    (WitnessStatement, f"t.id IN ({STATEMENTS})"),
    (Evidence, f"t.id IN ({EVIDENCE})"),
    # Not the export events each packet adds (the context leaves them out too): a packet's own
    # render does not change its stamp.
    (CustodyEvent, f"t.{_c(CustodyEvent, 'evidence')} IN ({EVIDENCE}) AND t.{_c(CustodyEvent, 'note')} <> {{export}}"),
    # Accounts named in the packet or read by its queries: lawyers, reporters, custody actors (not
    # the requesting user's own row, which each sign-in changes: their id, role and assignments
    # are in the stamp already).
    (
        User,
        f"t.id IN (SELECT {_c(CaseLawyer, 'user')} FROM {_t(CaseLawyer)} WHERE {_c(CaseLawyer, 'case')} = {{case}}) "  # nosec B608
        f"OR t.id IN (SELECT {_c(Incident, 'reporter')} FROM {_t(Incident)} WHERE id IN ({INCIDENTS})) "
        f"OR t.id IN (SELECT {_c(CustodyEvent, 'actor')} FROM {_t(CustodyEvent)} "
        f"WHERE {_c(CustodyEvent, 'evidence')} IN ({EVIDENCE}) AND {_c(CustodyEvent, 'note')} <> {{export}})",
    ),
]


def source_tables() -> set[str]:
    return {model._meta.db_table for model, _ in SOURCES}


# Accounts appear in a packet by name only; the rest of their row (last sign-in, password hash,
# session epoch) changes with every sign-in and would only defeat the stamp.
COLUMNS: dict[type[Model], list[str]] = {User: ["id", "username", "first_name", "last_name"]}


def _row_text(model: type[Model], vendor: str) -> str:
    """The row as text that no other row reads the same: PostgreSQL's record text (its output
    format, which it can parse back); elsewhere every column length-prefixed, `-` for NULL.
    Every concrete column, or those `COLUMNS` names."""
    names = COLUMNS.get(model)
    columns = [_column(model, n) for n in names] if names else None
    if vendor == "postgresql":
        if columns is None:
            return "CAST(t AS TEXT)"
        return f"CAST(ROW({', '.join('t.' + connection.ops.quote_name(c) for c in columns)}) AS TEXT)"
    parts = []
    for name in columns or [_column(model, field.name) for field in model._meta.concrete_fields]:
        column = f"CAST(t.{connection.ops.quote_name(name)} AS TEXT)"
        parts.append(f"COALESCE(LENGTH({column}) || ':' || {column}, '-')")
    return " || '|' || ".join(parts)


@lru_cache(maxsize=4)
def _statement_template(vendor: str) -> str:
    selects = [
        f"SELECT '{model._meta.db_table}', t.id, {_row_text(model, vendor)} FROM {_t(model)} t WHERE {where}"  # nosec B608
        for model, where in SOURCES
    ]
    return PREFIX + " UNION ALL ".join(selects)


@lru_cache(maxsize=4)
def _incidents_subquery(vendor: str) -> tuple[str, int]:
    """`cases.selectors.incident_ids_concerning` for one case, compiled once: its SQL is the same
    for every case and its parameters are the case's id, `count` times."""
    probe = Case(pk=-1)
    sql, params = incident_ids_concerning(probe).query.sql_with_params()
    if any(value != probe.pk for value in params):  # the shape changed: this cache no longer fits
        raise RuntimeError("incident_ids_concerning(case) takes parameters other than the case id")
    return sql, len(params)


def _statement(case: Case, user_pk: int | None) -> tuple[str, list[Any]]:
    """The SQL and its parameters, in order of appearance of the placeholders."""
    incidents_sql, count = _incidents_subquery(connection.vendor)
    fillers: dict[str, tuple[str, list[Any]]] = {
        "case": ("%s", [case.pk]),
        "user": ("%s", [user_pk]),
        "export": ("%s", [PACKET_EXPORT_NOTE]),
        "claim": ("%s", [DeadlineKind.CIVIL_CLAIM.value]),
        "incidents": (incidents_sql, [case.pk] * count),
    }
    template = _statement_template(connection.vendor)
    sql: list[str] = []
    params: list[Any] = []
    rest = template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        name, _, rest = tail.partition("}")
        fragment, values = fillers[name]
        sql.append(head + fragment)
        params.extend(values)
    sql.append(rest)
    return "".join(sql), params


@lru_cache(maxsize=1)
def code_version() -> str:
    """Digest of the code and translations that shape a packet's context, computed once per
    process: a deployment that changes them makes every stamp differ (the next request of each
    packet compares the whole context, once)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    files = sorted(
        [
            *(root / "documents").glob("*.py"),
            *(root / "cases").glob("*.py"),
            *(root / "citations").glob("*.py"),
            *(root / "locale").glob("**/*.mo"),
        ]
    )
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def case_inputs_stamp(*, case: Case, user: AnyUser) -> str:
    """The inputs stamp of `case`'s packet as `user` would get it now (one query)."""
    sql, params = _statement(case, getattr(user, "pk", None))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    role = role_of(user)
    digest = hashlib.sha256()
    for part in (
        code_version(),
        template_version(),
        str(getattr(user, "pk", None)),
        str(getattr(user, "is_active", None)),
        role.value if role else "",
        translation.get_language() or "",
    ):
        digest.update(part.encode())
        digest.update(b"\x00")
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        digest.update(repr(row).encode())
    return digest.hexdigest()
