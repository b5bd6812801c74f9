"""Bulk import of citations and arrestee lists from the CSV files jail-support teams keep.

    import_citations_csv(*, data: bytes, by, event, atomic=True, dry_run=False,
                         kind="phl_cvn", default_fine=Decimal("0.00")) -> ImportResult

Columns (header names are matched case-insensitively, ignoring spaces, underscores, dashes and
punctuation; the variants in HEADER_VARIANTS are accepted): COLUMNS, the sheet jail-support teams
keep, then the extra columns kind and fine. The columns in REQUIRED_COLUMNS must be present (even
if empty); the others (agency, officer badge, notes, kind, fine) may be absent. Name, citation
number, offense and issued at need a value in every row. This module is the one home of the
columns: the import page lists them from here. See docs/deadlines.md ("Import format") for the
values each column accepts.

- Every row is validated; errors come back as [{"row", "column", "message"}] where row is the
  line in the spreadsheet (the header is row 1) and messages never repeat the cell's value.
- All or nothing by default: with any error nothing is written. `atomic=False` writes the valid
  rows and reports the others. `dry_run=True` validates and counts, then writes nothing.
- Re-importing the same file changes nothing: citations are matched by agency and number, people
  by the blind index of legal name and date of birth (or name and phone when no date of birth).
- UTF-8 (with or without BOM) and Windows-1252 are accepted; UTF-16/32 and anything that does not
  decode are refused. Cells that a spreadsheet would run as a formula are refused.
- Fast: a fixed number of queries whatever the row count (bulk_create, blind indexes computed
  once); see benchmarks/bench_import.py.
- Audited with counts only (`citations.import`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit import audit_record
from cases.models import Case, CaseStatus, Demonstrator, Event, Jurisdiction, Officer
from cases.services import case_numbers_reserve
from cases.types import User
from citations.deadlines import active_rules, court_calendar, sync_citation_deadlines
from citations.models import Citation, CitationKind, CitationStatus

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
DEFAULT_AGENCY = "Philadelphia Police Department"
LOOKUP_CHUNK = 2000

COLUMNS = ["name", "date of birth", "phone", "citation number", "agency", "offense", "issued at", "place",
           "officer badge", "notes"]  # fmt: skip
OPTIONAL_COLUMNS = ["kind", "fine"]
# Columns a sheet may leave out: an agency defaults to DEFAULT_AGENCY, a badge and notes to none.
MAY_BE_ABSENT = ["agency", "officer badge", "notes", *OPTIONAL_COLUMNS]
REQUIRED_COLUMNS = [column for column in COLUMNS if column not in MAY_BE_ABSENT]
HEADER_VARIANTS: dict[str, list[str]] = {
    "name": ["name", "full name", "legal name", "arrestee", "arrestee name", "defendant", "defendant name",
             "person", "client name"],
    "date of birth": ["date of birth", "dob", "d.o.b.", "birth date", "birthdate", "born"],
    "phone": ["phone", "phone number", "telephone", "tel", "cell", "cell phone", "mobile", "contact number"],
    "citation number": ["citation number", "citation no", "citation no.", "citation #", "citation", "citation id",
                        "ticket", "ticket number", "ticket #", "cvn", "cvn number", "notice number"],
    "agency": ["agency", "issuing agency", "police agency", "department", "police department"],
    "offense": ["offense", "offence", "offense code", "charge", "charges", "violation", "statute"],
    "issued at": ["issued at", "issued", "issued on", "date issued", "issue date", "date/time issued",
                  "date and time issued", "citation date", "date time", "datetime"],
    "place": ["place", "location", "where", "address of incident", "place issued"],
    "officer badge": ["officer badge", "badge", "badge number", "badge #", "badge no", "officer badge number",
                      "officer badge #", "officer"],
    "notes": ["notes", "note", "comments", "comment", "remarks"],
    "kind": ["kind", "type", "citation type", "citation kind", "track"],
    "fine": ["fine", "fine amount", "amount", "fine ($)"],
}  # fmt: skip
KIND_VARIANTS = {
    CitationKind.PHL_CVN: ["phl_cvn", "cvn", "code violation notice", "civil", "civil notice", "civil code violation"],
    CitationKind.PA_SUMMARY: ["pa_summary", "summary", "non-traffic summary", "nontraffic summary", "non-traffic"],
    CitationKind.PHL_SUMMARY_NTA: ["phl_summary_nta", "nta", "notice to appear", "summary nta", "municipal court"],
    CitationKind.TRAFFIC: ["traffic"],
    CitationKind.OTHER: ["other"],
}
LIMITS = {"name": 200, "phone": 40, "citation number": 40, "agency": 120, "offense": 200, "place": 300,
          "officer badge": 20, "notes": 2000}  # fmt: skip
FORMULA_START = ("=", "+", "-", "@")
PHONE_RE = re.compile(r"^\+?[0-9 ().\-/x]+$", re.IGNORECASE)
NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._/#\-]*$")
CODE_RE = re.compile(r"((?:\d+\s*Pa\.?\s*C\.?\s*S\.?|Phila\.?\s*Code)\s*§+\s*[\w.\-]+(?:\([\w]+\))*)", re.IGNORECASE)
DATETIME_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S",
                    "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M%p",
                    "%m/%d/%Y %I:%M:%S %p"]  # fmt: skip
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


class ImportRefused(Exception):
    """The file as a whole cannot be read (encoding, size, empty)."""


@dataclass
class ImportResult:
    """Counts of citations created, rows that updated an existing record, and rows that matched
    what is already recorded (skipped); `errors` are row-level; `written` says whether anything
    was saved."""

    created: int = 0
    updated: int = 0
    skipped: int = 0
    rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    # The cases that got a new citation, as (case number, public id), for the page's links.
    cases: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created, "updated": self.updated, "skipped": self.skipped, "rows": self.rows,
            "errors": self.errors, "warnings": self.warnings, "dry_run": self.dry_run, "written": self.written,
        }  # fmt: skip


@dataclass
class Row:
    line: int
    name: str
    dob: datetime.date | None
    phone: str
    number: str
    agency: str
    offense_code: str
    offense_description: str
    issued_at: datetime.datetime
    place: str
    badge: str
    notes: str
    kind: str
    fine: Decimal
    person_key: str = ""


# --- reading the file --------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252; anything else is refused with a clear reason."""
    if not data or not data.strip():
        raise ImportRefused(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than %(n)s MB; split it.") % {"n": MAX_BYTES // (1024 * 1024)})
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise ImportRefused(
            _("The file is UTF-16 or UTF-32 (or not text): save it as 'CSV UTF-8' and import it again.")
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(_("The file says it is UTF-8 but is not: save it as 'CSV UTF-8'.")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("The file is neither UTF-8 nor Windows-1252 text: save it as 'CSV UTF-8' and import it again.")
        ) from None


def _norm_header(value: str) -> str:
    value = unicodedata.normalize("NFKC", value).casefold().strip()
    value = re.sub(r"[\s_\-]+", " ", value)
    return value.strip(" :*")


HEADER_LOOKUP = {_norm_header(v): canonical for canonical, variants in HEADER_VARIANTS.items() for v in variants}


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


# --- cells -------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip()


def _formula(raw: str, column: str) -> bool:
    """A spreadsheet would run this cell (=, +, -, @ first, or a leading tab or carriage return)."""
    if raw[:1] in ("\t", "\r"):
        return True
    stripped = raw.strip()
    if not stripped or stripped[0] not in FORMULA_START:
        return False
    return not (column == "phone" and stripped[0] == "+" and PHONE_RE.match(stripped))


def parse_datetime(value: str, tz: ZoneInfo) -> datetime.datetime | None:
    """A local date and time (or an ISO value with an offset); None when unreadable or when the
    local time does not exist (skipped by a daylight-saving change)."""
    value = value.strip().upper().replace("  ", " ")
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        parsed = None
        for fmt in DATETIME_FORMATS + DATE_FORMATS:
            try:
                parsed = datetime.datetime.strptime(value, fmt)  # noqa: DTZ007 - made aware below
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if parsed.tzinfo is not None:
        return parsed
    aware = parsed.replace(tzinfo=tz)
    if aware.astimezone(datetime.UTC).astimezone(tz).replace(tzinfo=None) != parsed:
        return None  # in the spring-forward gap
    return aware


def parse_date(value: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def parse_kind(value: str) -> str | None:
    wanted = _norm_header(value)
    for kind, variants in KIND_VARIANTS.items():
        if wanted in {_norm_header(v) for v in variants}:
            return kind
    return None


def parse_money(value: str) -> Decimal | None:
    value = value.replace("$", "").replace(",", "").strip()
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount >= 10**8:
        return None
    return amount.quantize(Decimal("0.01"))


def split_offense(value: str) -> tuple[str, str]:
    """('18 Pa.C.S. § 5502', 'Failure to disperse') from '18 Pa.C.S. § 5502 Failure to disperse'."""
    match = CODE_RE.search(value)
    if match:
        code = re.sub(r"\s+", " ", match.group(1)).strip()
        rest = (value[: match.start()] + value[match.end() :]).strip(" -:;,()")
        return code[:60], (rest or value)[:200]
    return value[:60], value[:200]


# --- the import --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    """What every row of one file is read against."""

    tz: ZoneInfo
    kind: str
    default_fine: Decimal
    now: datetime.datetime
    today: datetime.date
    earliest: datetime.datetime = datetime.datetime(1990, 1, 1, tzinfo=datetime.UTC)


def _header_columns(header: list[str], result: ImportResult) -> dict[str, int]:
    """Each known column's index; an unknown column is a warning, a repeated or missing one an error."""
    columns: dict[str, int] = {}
    for index, raw in enumerate(header):
        canonical = HEADER_LOOKUP.get(_norm_header(raw))
        if canonical is None:
            if raw.strip():
                result.warnings.append(
                    _("Column %(n)s is not one this import reads; it was ignored.") % {"n": index + 1}
                )
            continue
        if canonical in columns:
            result.error(1, canonical, _("The column '%(column)s' appears twice.") % {"column": canonical})
            continue
        columns[canonical] = index
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            result.error(1, column, _("Missing column '%(column)s'.") % {"column": column})
    return columns


def _cell_values(raw: dict[str, str], line: int, result: ImportResult) -> dict[str, str]:
    """The row's cells, cleaned; a formula, a control character or an overlong value is an error
    (and the cell is left out)."""
    values: dict[str, str] = {}
    for name, cell in raw.items():
        if _formula(cell, name):
            result.error(line, name, _("A cell may not start with =, +, -, @, a tab or a return (formula)."))
            continue
        value = _clean(cell)
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            result.error(line, name, _("Control characters are not allowed."))
            continue
        if name in LIMITS and len(value) > LIMITS[name]:
            result.error(line, name, _("At most %(n)s characters.") % {"n": LIMITS[name]})
            continue
        values[name] = value
    return values


def _person_fields(
    values: dict[str, str], line: int, result: ImportResult, today: datetime.date
) -> datetime.date | None:
    """Check the person's cells (required name, date of birth, phone); the date of birth, if any."""
    dob = None
    if values.get("date of birth"):
        dob = parse_date(values["date of birth"])
        if dob is None:
            result.error(line, "date of birth", _("Not a date: use YYYY-MM-DD or MM/DD/YYYY."))
        elif not (datetime.date(1900, 1, 1) <= dob <= today):
            result.error(line, "date of birth", _("The date of birth is not plausible."))
    if values.get("phone"):
        digits = re.sub(r"\D", "", values["phone"])
        if not PHONE_RE.match(values["phone"]) or not 7 <= len(digits) <= 15:
            result.error(line, "phone", _("Not a phone number."))
    return dob


def _citation_fields(
    values: dict[str, str], line: int, result: ImportResult, reading: _Reading
) -> tuple[datetime.datetime | None, str, Decimal]:
    """Check the citation's cells (number, issue time, kind, fine): (issued at, kind, fine)."""
    if values.get("citation number") and not NUMBER_RE.match(values["citation number"]):
        result.error(line, "citation number", _("Use letters, digits, spaces and . _ / # - only."))
    issued_at = None
    if values.get("issued at"):
        issued_at = parse_datetime(values["issued at"], reading.tz)
        if issued_at is None:
            result.error(
                line,
                "issued at",
                _("Not a date and time: use YYYY-MM-DD HH:MM or MM/DD/YYYY HH:MM (local time)."),
            )
        elif not reading.earliest <= issued_at <= reading.now + datetime.timedelta(hours=1):
            result.error(line, "issued at", _("The date is in the future or implausibly old."))
    kind = reading.kind
    if values.get("kind"):
        parsed_kind = parse_kind(values["kind"])
        if parsed_kind is None:
            result.error(line, "kind", _("Unknown kind: use cvn, summary, nta, traffic or other."))
        else:
            kind = parsed_kind
    fine = reading.default_fine
    if values.get("fine"):
        parsed_fine = parse_money(values["fine"])
        if parsed_fine is None:
            result.error(line, "fine", _("Not an amount in dollars and cents."))
        else:
            fine = parsed_fine
    return issued_at, kind, fine


def _parse_row(
    line: int, cells: list[str], columns: dict[str, int], result: ImportResult, reading: _Reading
) -> Row | None:
    """One line of the file as a Row, or None with its errors added to `result`."""
    errors_before = len(result.errors)
    raw = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
    values = _cell_values(raw, line, result)
    for name in ("name", "citation number", "offense", "issued at"):
        if name in values and not values[name]:
            result.error(line, name, _("A value is required."))
    dob = _person_fields(values, line, result, reading.today)
    issued_at, kind, fine = _citation_fields(values, line, result, reading)
    if len(result.errors) > errors_before or issued_at is None:
        return None
    code, description = split_offense(values["offense"])
    return Row(
        line=line, name=values["name"], dob=dob, phone=values.get("phone", ""), number=values["citation number"],
        agency=values.get("agency") or DEFAULT_AGENCY, offense_code=code, offense_description=description,
        issued_at=issued_at, place=values.get("place", ""), badge=values.get("officer badge", ""),
        notes=values.get("notes", ""), kind=kind, fine=fine,
    )  # fmt: skip


def _read_rows(
    text: str, *, result: ImportResult, tz: ZoneInfo, kind: str, default_fine: Decimal, now: datetime.datetime
) -> list[Row]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise ImportRefused(_("The file is empty.")) from None
    columns = _header_columns(header, result)
    if result.errors:
        return []

    reading = _Reading(tz=tz, kind=kind, default_fine=default_fine, now=now, today=now.astimezone(tz).date())
    rows: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for line, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            result.rows += 1
            if result.rows > MAX_ROWS:
                raise ImportRefused(_("The file has more than %(n)s rows; split it.") % {"n": MAX_ROWS})
            if len(cells) > len(header):
                result.error(line, "", _("This row has more cells than the header has columns."))
                continue
            row = _parse_row(line, cells, columns, result, reading)
            if row is None:
                continue
            key = (row.agency.casefold(), row.number.casefold())
            if key in seen:
                result.error(
                    line, "citation number", _("Duplicate row: the same citation as row %(row)s.") % {"row": seen[key]}
                )
                continue
            seen[key] = line
            rows.append(row)
    except csv.Error:
        result.error(result.rows + 1, "", _("The file is not valid CSV (an unclosed quote?)."))
    if result.rows == 0 and not result.errors:
        result.error(2, "", _("The file has a header but no rows."))
    return rows


def _chunks(items: list[Any], size: int = LOOKUP_CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _person_keys(rows: list[Row]) -> None:
    """The blind index each row is matched on: legal name with date of birth, else legal name
    with phone, else none (a new person each time)."""
    name_dob = Demonstrator._meta.get_field("name_dob_index")
    name_only = Demonstrator._meta.get_field("legal_name_index")
    phone = Demonstrator._meta.get_field("phone_index")
    for row in rows:
        if row.dob:
            row.person_key = "d:" + name_dob.index_for(row.name, row.dob)
        elif row.phone:
            row.person_key = "p:" + name_only.index_for(row.name) + phone.index_for(row.phone)


def _name_index(row: Row) -> str:
    return Demonstrator._meta.get_field("legal_name_index").index_for(row.name)


@dataclass
class _Recorded:
    """What the database already holds for the rows of one file (a fixed number of queries)."""

    citations: dict[tuple[str, str], Citation]  # by agency and number, casefolded
    people: dict[str, Demonstrator]  # by `Row.person_key`
    owners: dict[int, tuple[str, str]]  # person id of each recorded citation -> (name and dob index, name index)
    cases: dict[int, Case]  # person id -> their case in the event
    officers: dict[tuple[str, str], Officer]  # by agency (casefolded) and full badge number


def _recorded_citations(rows: list[Row]) -> dict[tuple[str, str], Citation]:
    existing: dict[tuple[str, str], Citation] = {}
    for chunk in _chunks(sorted({r.number for r in rows})):
        for citation in Citation.objects.filter(number__in=chunk).select_related("case"):
            existing[(citation.agency.casefold(), citation.number.casefold())] = citation
    return existing


def _recorded_people(rows: list[Row]) -> dict[str, Demonstrator]:
    """People already recorded, by the blind index each row is matched on."""
    people: dict[str, Demonstrator] = {}
    dob_keys = sorted({r.person_key[2:] for r in rows if r.person_key.startswith("d:")})
    for chunk in _chunks(dob_keys):
        for person in Demonstrator.objects.filter(name_dob_index__in=chunk).only("pk", "name_dob_index").order_by("pk"):
            people.setdefault("d:" + person.name_dob_index, person)
    phone_rows = [r for r in rows if r.person_key.startswith("p:")]
    if phone_rows:
        name_index = {r.person_key[2:66] for r in phone_rows}
        for chunk in _chunks(sorted(name_index)):
            found = Demonstrator.objects.filter(legal_name_index__in=chunk).only(
                "pk", "legal_name_index", "phone_index"
            )
            for person in found.order_by("pk"):
                people.setdefault("p:" + person.legal_name_index + person.phone_index, person)
    return people


def _recorded(rows: list[Row], event: Event) -> _Recorded:
    citations = _recorded_citations(rows)
    people = _recorded_people(rows)
    owners: dict[int, tuple[str, str]] = {}  # the people existing citations belong to
    for chunk in _chunks(sorted({c.case.demonstrator_id for c in citations.values()})):
        for pk, dob_index, name_index in Demonstrator.objects.filter(pk__in=chunk).values_list(
            "pk", "name_dob_index", "legal_name_index"
        ):
            owners[pk] = (dob_index, name_index)
    cases: dict[int, Case] = {}
    for chunk in _chunks(sorted({p.pk for p in people.values()} | set(owners))):
        for case in Case.objects.filter(event=event, demonstrator_id__in=chunk):
            cases[case.demonstrator_id] = case
    officers: dict[tuple[str, str], Officer] = {}
    for chunk in _chunks(sorted({r.badge for r in rows if r.badge})):
        lookup = Officer.objects.filter(badge_number__in=chunk, badge_status="full", merged_into__isnull=True)
        for officer in lookup:
            officers[(officer.agency.casefold(), officer.badge_number)] = officer
    return _Recorded(citations=citations, people=people, owners=owners, cases=cases, officers=officers)


def _update_recorded(
    row: Row, current: Citation, *, recorded: _Recorded, event: Event, result: ImportResult, now: datetime.datetime
) -> bool:
    """Apply a row to the citation already recorded under its number: True when that changed it
    (counted as updated, to be written); False when the row matched it (counted as skipped) or
    cannot be that citation (an error)."""
    if current.case.event_id != event.pk:
        result.error(row.line, "citation number", _("This citation is already recorded for another event."))
        return False
    dob_index, name_index = recorded.owners[current.case.demonstrator_id]
    if row.dob:
        same_person = dob_index == row.person_key[2:] or (not dob_index and name_index == _name_index(row))
    else:
        same_person = name_index == _name_index(row)
    if not same_person:
        result.error(row.line, "name", _("This citation is already recorded for a different person."))
        return False
    changes: dict[str, object] = {
        "offense_code": row.offense_code, "offense_description": row.offense_description, "place": row.place,
        "officer_badge_as_written": row.badge,
    }  # fmt: skip
    if current.issued_at != row.issued_at:
        if current.status != CitationStatus.ISSUED:
            result.error(row.line, "issued at", _("Cannot change when a citation was issued after a plea or hearing."))
            return False
        changes["issued_at"] = row.issued_at
    changed = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not changed:
        result.skipped += 1
        return False
    for name, value in changed.items():
        setattr(current, name, value)
    current.updated_at = now
    result.updated += 1
    return True


@dataclass
class _Plan:
    """What the rows of a file will write."""

    new_people: dict[str, Demonstrator] = field(default_factory=dict)
    new_rows: list[tuple[Row, Demonstrator]] = field(default_factory=list)  # row, its person (recorded or new)
    to_update: list[Citation] = field(default_factory=list)


def _plan(rows: list[Row], *, recorded: _Recorded, event: Event, result: ImportResult, now: datetime.datetime) -> _Plan:
    plan = _Plan()
    for row in rows:
        current = recorded.citations.get((row.agency.casefold(), row.number.casefold()))
        if current is not None:
            if _update_recorded(row, current, recorded=recorded, event=event, result=result, now=now):
                plan.to_update.append(current)
            continue
        person = recorded.people.get(row.person_key) if row.person_key else None
        if person is None:
            key = row.person_key or f"row:{row.line}"
            if key not in plan.new_people:
                plan.new_people[key] = Demonstrator(
                    legal_name=row.name, date_of_birth=row.dob, phone=row.phone, support_notes=row.notes
                )
            elif row.notes and row.notes not in plan.new_people[key].support_notes:
                plan.new_people[key].support_notes = f"{plan.new_people[key].support_notes}\n{row.notes}".strip()
            person = plan.new_people[key]
        plan.new_rows.append((row, person))
        result.created += 1
    return plan


def _open_cases(plan: _Plan, *, cases: dict[int, Case], event: Event, now: datetime.datetime) -> None:
    """One case per person in this event: opened (intake) for those who have none yet."""
    needing_case: dict[int, Demonstrator] = {}
    for _row, person in plan.new_rows:
        if person.pk not in cases:
            needing_case[person.pk] = person
    if not needing_case:
        return
    today = now.astimezone(ZoneInfo(event.time_zone)).date()
    numbers_left = iter(case_numbers_reserve(year=today.year, count=len(needing_case)))
    new_cases = [
        Case(event=event, demonstrator=person, opened_on=today, status=CaseStatus.INTAKE, number=next(numbers_left))
        for person in needing_case.values()
    ]
    Case.objects.bulk_create(new_cases, batch_size=1000)
    cases.update({case.demonstrator_id: case for case in new_cases})


def _new_citation(
    row: Row, case: Case, *, recorded: _Recorded, event: Event, by: User | None, now: datetime.datetime
) -> Citation:
    return Citation(
        case=case,
        number=row.number,
        agency=row.agency,
        jurisdiction=Jurisdiction.PENNSYLVANIA if row.kind == CitationKind.PA_SUMMARY else event.jurisdiction,
        kind=row.kind,
        offense_code=row.offense_code,
        offense_description=row.offense_description,
        fine=row.fine,
        issued_at=row.issued_at,
        place=row.place,
        issuing_officer=recorded.officers.get((row.agency.casefold(), row.badge)),
        officer_badge_as_written=row.badge,
        status_changed_at=now,
        status_changed_by=by if getattr(by, "pk", None) else None,
    )


def _write(
    rows: list[Row], *, result: ImportResult, event: Event, by: User | None, now: datetime.datetime, atomic: bool
) -> None:
    errors_before = len(result.errors)
    _person_keys(rows)
    recorded = _recorded(rows, event)
    plan = _plan(rows, recorded=recorded, event=event, result=result, now=now)
    if atomic and len(result.errors) > errors_before:
        return
    if plan.new_people:
        Demonstrator.objects.bulk_create(list(plan.new_people.values()), batch_size=1000)
    _open_cases(plan, cases=recorded.cases, event=event, now=now)
    new_citations = [
        _new_citation(row, recorded.cases[person.pk], recorded=recorded, event=event, by=by, now=now)
        for row, person in plan.new_rows
    ]
    Citation.objects.bulk_create(new_citations, batch_size=1000)
    touched = {citation.case.public_id: citation.case.number for citation in new_citations}
    result.cases = sorted(((number, public_id) for public_id, number in touched.items()), key=lambda c: c[0])
    if plan.to_update:
        Citation.objects.bulk_update(
            plan.to_update,
            ["offense_code", "offense_description", "place", "officer_badge_as_written", "issued_at", "updated_at"],
            batch_size=1000,
        )
    rules = active_rules()
    calendar = court_calendar()
    for chunk in _chunks(new_citations + plan.to_update):
        sync_citation_deadlines(chunk, rules=rules, now=now, calendar=calendar)
    result.written = bool(new_citations or plan.to_update)


def import_citations_csv(
    *,
    data: bytes,
    by: User | None,
    event: Event,
    atomic: bool = True,
    dry_run: bool = False,
    kind: str = CitationKind.PHL_CVN,
    default_fine: Decimal = Decimal("0.00"),
) -> ImportResult:
    """Validate and import a CSV of citations for `event` (see the module docstring)."""
    result = ImportResult(dry_run=dry_run)
    now = timezone.now()
    if kind not in CitationKind.values:
        raise ValueError(f"unknown citation kind {kind!r}")
    try:
        text = decode(data)
        rows = _read_rows(
            text, result=result, tz=ZoneInfo(event.time_zone), kind=kind, default_fine=default_fine, now=now
        )
    except ImportRefused as refused:
        result.error(0, "", str(refused))
        rows = []
    if rows and (not result.errors or not atomic):
        with transaction.atomic():
            errors_before = len(result.errors)
            _write(rows, result=result, event=event, by=by, now=now, atomic=atomic)
            refused_now = len(result.errors) > errors_before
            if dry_run or (atomic and refused_now):
                transaction.set_rollback(True)
                result.written = False
    if result.errors and atomic:
        result.created = result.updated = result.skipped = 0
        result.written = False
    if not result.written:
        result.cases = []
    result.errors.sort(key=lambda e: (e["row"], e["column"]))
    audit_record(
        actor=by,
        action="citations.import",
        target=event,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        skipped=result.skipped,
        errors=len(result.errors),
        dry_run=dry_run,
        status="written" if result.written else "nothing written",
    )
    return result
