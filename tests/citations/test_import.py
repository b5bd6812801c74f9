"""Bulk import from jail-support CSV files: the happy path, re-import changes nothing, and each
malformed file (missing column, bad date, duplicate row, wrong encoding, a formula in a cell, an
empty file) refused with row-level errors and nothing written."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import AuditEntry, Case, Demonstrator
from citations.imports import COLUMNS, import_citations_csv
from citations.models import Citation, CitationKind, Deadline, DeadlineKind
from tests.citations.conftest import local
from tests.factories import EventFactory, OfficerFactory

HEADER = ["Name", "Date of birth", "Phone", "Citation number", "Agency", "Offense", "Issued at", "Place",
          "Officer badge", "Notes"]  # fmt: skip


def row(i: int, **overrides: str) -> list[str]:
    values = {
        "name": f"Person {i:04d} Example",
        "dob": f"{1970 + i % 30}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "phone": f"215-555-{i % 10000:04d}",
        "number": f"CVN-{i:06d}",
        "agency": "Philadelphia Police Department",
        "offense": "Phila. Code § 10-611 Obstruction of highways",
        "issued": f"2026-06-01 {20 + i % 3}:{i % 60:02d}",
        "place": "8th & Arch St",
        "badge": str(4100 + i % 5),
        "notes": "Needs daily medication" if i % 7 == 0 else "",
    }
    values.update(overrides)
    return list(values.values())


def to_csv(rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def counts() -> tuple[int, int, int, int]:
    return Demonstrator.objects.count(), Case.objects.count(), Citation.objects.count(), Deadline.objects.count()


@pytest.fixture
def run(phl_event, coordinator, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 3, 9)

    def go(data: bytes, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("event", phl_event)
        return import_citations_csv(data=data, by=coordinator, **kwargs)

    return go


def test_a_200_row_import_creates_people_cases_citations_and_deadlines(run, phl_event, django_assert_max_num_queries):
    OfficerFactory(agency="Philadelphia Police Department", badge_number="4101")
    rows = [row(i) for i in range(190)]
    rows += [
        row(i, number=f"SC-{i:06d}", offense="18 Pa.C.S. § 5502 Failure to disperse") for i in range(10)
    ]  # same people, 2nd citation
    # A fixed number, however many rows (41: the court calendar is read once, with the rules).
    with django_assert_max_num_queries(41):
        result = run(to_csv(rows), default_fine=Decimal("50.00"))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.skipped, result.rows, result.written) == (200, 0, 0, 200, True)
    assert counts() == (190, 190, 200, 200)
    person = Demonstrator.objects.get(name_dob_index=Demonstrator._meta.get_field("name_dob_index").index_for(
        "Person 0007 Example", datetime.date(1977, 8, 8)))  # fmt: skip
    assert person.phone == "215-555-0007" and person.support_notes == "Needs daily medication"
    case = person.cases.get()
    assert case.event == phl_event and re.fullmatch(r"2026-\d{4}", case.number)
    assert len(set(Case.objects.values_list("number", flat=True))) == 190
    first = Citation.objects.get(number="CVN-000001")
    assert (first.kind, first.fine, first.jurisdiction, first.status) == (
        "phl_cvn",
        Decimal("50.00"),
        "PA-PHL",
        "issued",
    )
    assert first.offense_code == "Phila. Code § 10-611" and first.offense_description == "Obstruction of highways"
    assert first.issued_at == local(2026, 6, 1, 21, 1)
    assert first.issuing_officer.badge_number == "4101" and first.officer_badge_as_written == "4101"
    assert Deadline.objects.get(citation=first).kind == DeadlineKind.PAY_OR_DISPUTE
    assert Citation.objects.get(number="SC-000003").case == Citation.objects.get(number="CVN-000003").case
    entry = AuditEntry.objects.get(action="citations.import")
    assert entry.details == {"rows": 200, "created": 200, "updated": 0, "skipped": 0, "errors": 0, "dry_run": False,
                             "status": "written"}  # fmt: skip
    assert "Person" not in str(entry.details) and "Person" not in entry.actor_label


def test_reimporting_the_same_file_changes_nothing(run):
    data = to_csv([row(i) for i in range(30)])
    run(data)
    before = counts()
    stamps = dict(Citation.objects.values_list("pk", "updated_at"))
    again = run(data)
    assert again.ok and (again.created, again.updated, again.skipped, again.written) == (0, 0, 30, False)
    assert counts() == before
    assert dict(Citation.objects.values_list("pk", "updated_at")) == stamps


def test_a_later_file_finds_the_same_people_by_name_and_birth_date(run):
    run(to_csv([row(1), row(2)]))
    later = run(to_csv([row(1, number="CVN-NEW-1", phone="")]))  # same person, new citation
    assert (later.created, later.skipped) == (1, 0)
    assert Demonstrator.objects.count() == 2 and Case.objects.count() == 2
    assert Citation.objects.get(number="CVN-NEW-1").case == Citation.objects.get(number="CVN-000001").case


def test_a_changed_row_updates_its_citation(run):
    run(to_csv([row(1), row(2)]))
    result = run(to_csv([row(1, place="Independence Mall"), row(2)]))
    assert (result.created, result.updated, result.skipped) == (0, 1, 1)
    assert Citation.objects.get(number="CVN-000001").place == "Independence Mall"


def test_header_variants_and_optional_columns(run):
    header = ["Full name", "DOB", "Cell", "Citation #", "Issuing agency", "Charge", "Date issued", "Location",
              "Badge #", "Comments", "Type", "Fine ($)"]  # fmt: skip
    data = to_csv([row(1) + ["summary", "$75.00"], row(2, dob="03/04/1990", issued="06/01/2026 9:15 PM") + ["NTA", ""]],
                  header=header)  # fmt: skip
    result = run(data)
    assert result.ok, result.errors
    one, two = Citation.objects.order_by("number")
    assert (one.kind, one.fine, one.jurisdiction) == (CitationKind.PA_SUMMARY, Decimal("75.00"), "PA")
    assert (two.kind, two.issued_at) == (CitationKind.PHL_SUMMARY_NTA, local(2026, 6, 1, 21, 15))
    # A statewide-track summary citation at this Philadelphia event follows Rule 1002: no 10-day
    # answer (nor its warrant risk) until the notice to appear's date is entered.
    assert not Deadline.objects.filter(citation=one).exists()


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"), (b"", "cp1252")],
    ids=["utf-8", "utf-8 with BOM", "windows-1252"],
)
def test_accepted_encodings(run, prefix, encoding):
    data = prefix + to_csv([row(1, name="José Ramírez Muñoz", notes="Café – at 8th")], encoding=encoding)
    result = run(data)
    assert result.ok, result.errors
    person = Demonstrator.objects.get()
    assert person.legal_name == "José Ramírez Muñoz" and person.support_notes == "Café – at 8th"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \r\n\r\n", "The file is empty."),
        ("Name,DOB\n".encode("utf-16"), "UTF-16"),
        (b"\xef\xbb\xbfName,\xff\xfe\n", "says it is UTF-8 but is not"),
        (b"Name,Date of birth\nJos\x81\x8d,1990-01-01\n", "neither UTF-8 nor Windows-1252"),
    ],
    ids=["empty", "blank lines", "utf-16", "bad utf-8 after bom", "undecodable"],
)
def test_unreadable_files_are_refused_clearly(run, data, message):
    result = run(data)
    assert not result.ok and not result.written
    assert [(e["row"], e["column"]) for e in result.errors] == [(0, "")]
    assert message in result.errors[0]["message"]
    assert counts() == (0, 0, 0, 0)
    assert AuditEntry.objects.get(action="citations.import").details["errors"] == 1


def test_header_only_and_missing_columns(run):
    only_header = run(to_csv([]))
    assert only_header.errors == [{"row": 2, "column": "", "message": "The file has a header but no rows."}]
    header = [h for h in HEADER if h not in ("Date of birth", "Issued at")]
    missing = run(to_csv([row(1)[:1] + row(1)[2:6] + row(1)[7:]], header=header))
    assert missing.errors == [
        {"row": 1, "column": "date of birth", "message": "Missing column 'date of birth'."},
        {"row": 1, "column": "issued at", "message": "Missing column 'issued at'."},
    ]
    assert counts() == (0, 0, 0, 0)


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(run):
    rows = [
        row(1),
        row(2, dob="31/31/1999"),                       # row 3
        row(3, issued="yesterday evening"),             # row 4
        row(4, number="CVN-000001"),                    # row 5: duplicate of row 2
        row(5, name=""),                                # row 6
        row(6, phone="call me"),                        # row 7
        row(7, issued="2026-03-08 02:30"),              # row 8: skipped by the spring-forward change
        row(8, issued="2027-01-01 10:00"),              # row 9: in the future
        row(9, dob="2031-01-01"),                       # row 10
        row(10, offense=""),                            # row 11
        row(11) + ["extra"],                            # row 12
    ]  # fmt: skip
    result = run(to_csv(rows))
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (3, "date of birth"), (4, "issued at"), (5, "citation number"), (6, "name"), (7, "phone"),
        (8, "issued at"), (9, "issued at"), (10, "date of birth"), (11, "offense"), (12, ""),
    ]  # fmt: skip
    assert result.errors[2]["message"] == "Duplicate row: the same citation as row 2."
    assert (result.created, result.written) == (0, False)
    assert counts() == (0, 0, 0, 0)
    # Messages never repeat what was in the cell.
    text = str(result.errors)
    for value in ("31/31/1999", "yesterday evening", "call me", "2031-01-01"):
        assert value not in text


@pytest.mark.parametrize(
    ("column", "value"),
    [("name", '=HYPERLINK("http://evil.example","x")'), ("notes", "+cmd|' /C calc'!A0"), ("place", "-2+3"),
     ("agency", "@SUM(A1:A9)"), ("notes", "\tleading tab"), ("offense", "\r=1+1"), ("phone", "+1 215 555 01=1")],
)  # fmt: skip
def test_a_formula_in_a_cell_is_refused(run, column, value):
    keys = ["name", "dob", "phone", "number", "agency", "offense", "issued", "place", "badge", "notes"]
    index = {"name": 0, "phone": 2, "agency": 4, "offense": 5, "place": 7, "notes": 9}[column]
    result = run(to_csv([row(1), row(2, **{keys[index]: value})]))
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, column)]
    assert "formula" in result.errors[0]["message"]
    assert counts() == (0, 0, 0, 0)


def test_an_international_phone_number_is_not_a_formula(run):
    result = run(to_csv([row(1, phone="+1 (215) 555-0100")]))
    assert result.ok and Demonstrator.objects.get().phone == "+1 (215) 555-0100"


def test_partial_mode_writes_the_valid_rows_and_reports_the_rest(run):
    result = run(to_csv([row(1), row(2, dob="1990-02-30"), row(3)]), atomic=False)
    assert (result.created, result.written) == (2, True)
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "date of birth")]
    assert sorted(Citation.objects.values_list("number", flat=True)) == ["CVN-000001", "CVN-000003"]


def test_dry_run_counts_but_writes_nothing(run):
    result = run(to_csv([row(i) for i in range(5)]), dry_run=True)
    assert result.ok and (result.created, result.written, result.dry_run) == (5, False, True)
    assert counts() == (0, 0, 0, 0)
    assert AuditEntry.objects.get(action="citations.import").details["dry_run"] is True


def test_a_citation_of_another_event_or_person_is_refused(run, phl_event):
    run(to_csv([row(1)]))
    elsewhere = run(to_csv([row(1)]), event=EventFactory(name="Another march"))
    assert elsewhere.errors[0]["message"] == "This citation is already recorded for another event."
    someone_else = run(to_csv([row(1, name="Another Person")]))
    assert someone_else.errors[0]["message"] == "This citation is already recorded for a different person."
    assert counts()[2] == 1


def test_semicolon_separated_files_are_read(run):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerow(row(1))
    assert run(out.getvalue().encode()).created == 1


# --- command and page ---------------------------------------------------------------------


def test_management_command(tmp_path, phl_event, coordinator, clock):
    clock(2026, 6, 3, 9)
    path = tmp_path / "night.csv"
    path.write_bytes(to_csv([row(1), row(2)]))
    out = io.StringIO()
    call_command("import_citations", str(path), event=phl_event.name, by=coordinator.username, stdout=out)
    assert "2 rows: 2 created, 0 updated, 0 unchanged, 0 errors; written." in out.getvalue()
    path.write_bytes(to_csv([row(3, dob="not a date")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 errors; nothing written"):
        call_command("import_citations", str(path), event=str(phl_event.public_id), stderr=err)
    assert "row 2, date of birth: Not a date" in err.getvalue()
    with pytest.raises(CommandError, match="No event"):
        call_command("import_citations", str(path), event="nope")


def test_the_import_page_is_for_coordinators(client_for, coordinator, lawyer, organizer, phl_event, clock):
    clock(2026, 6, 3, 9)
    from django.core.files.uploadedfile import SimpleUploadedFile

    for user in (lawyer, organizer):
        assert client_for(user).get("/citations/import/").status_code == 403
    client = client_for(coordinator)
    page = client.get("/citations/import/")
    assert page.status_code == 200 and b"<script" not in page.content
    upload = SimpleUploadedFile("night.csv", to_csv([row(1), row(2, issued="soon")]), content_type="text/csv")
    response = client.post("/citations/import/", {"event": str(phl_event.public_id), "kind": "phl_cvn", "file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing was imported" in body and "<td>3</td><td>issued at</td>" in body
    assert Citation.objects.count() == 0
    upload = SimpleUploadedFile("night.csv", to_csv([row(1), row(2)]), content_type="text/csv")
    response = client.post("/citations/import/", {"event": str(phl_event.public_id), "kind": "phl_cvn", "file": upload})
    assert "Imported" in response.content.decode() and Citation.objects.count() == 2


def test_agency_badge_and_notes_columns_may_be_absent(run):
    short_header = [h for h in HEADER if h not in ("Agency", "Officer badge", "Notes")]
    keep = [i for i, h in enumerate(HEADER) if h in short_header]
    result = run(to_csv([[row(i)[k] for k in keep] for i in (1, 2)], header=short_header))
    assert result.ok, result.errors
    assert result.created == 2
    citation = Citation.objects.get(number="CVN-000001")
    assert citation.agency == "Philadelphia Police Department" and citation.officer_badge_as_written == ""


def test_the_import_page_lists_the_columns_from_the_import_and_links_the_new_cases(
    client_for, coordinator, phl_event, clock
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from citations.imports import MAY_BE_ABSENT, REQUIRED_COLUMNS

    clock(2026, 6, 3, 9)
    client = client_for(coordinator)
    page = client.get("/citations/import/").content.decode()
    assert ", ".join(REQUIRED_COLUMNS) in page and ", ".join(MAY_BE_ABSENT) in page
    assert 'class="stack import-form"' in page and '<label for="id_file">' in page
    upload = SimpleUploadedFile("night.csv", to_csv([row(1), row(2)]), content_type="text/csv")
    body = client.post(
        "/citations/import/", {"event": str(phl_event.public_id), "kind": "phl_cvn", "file": upload}
    ).content.decode()
    for case in Case.objects.all():
        assert f'<a href="/desk/cases/{case.public_id}/">{case.number}</a>' in body
    assert Case.objects.count() == 2
    upload = SimpleUploadedFile("night.csv", to_csv([row(3)]), content_type="text/csv")
    checked = client.post(
        "/citations/import/", {"event": str(phl_event.public_id), "kind": "phl_cvn", "file": upload, "dry_run": "on"}
    ).content.decode()
    assert "Check result" in checked and 'class="case-links"' not in checked  # a check writes nothing
