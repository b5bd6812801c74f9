"""The Spanish catalogue is complete and the late pages (lockdown, import, packet batch, complaint
confirmation) render in Spanish."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.documents.fakes import make_finished_batch
from tests.factories import CaseFactory, CitationFactory, ComplaintFactory, EventFactory

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")
TAG = re.compile(r"</?[a-z][^>]*>")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    strings: dict[str, str] = field(default_factory=dict)  # "msgid", "msgid_plural", "msgstr", "msgstr[0]", ...
    obsolete: bool = False


def parse_po(text: str) -> list[Entry]:
    """A .po file's entries (msgctxt, msgid, msgid_plural and every msgstr, each joined from its lines)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry, key = Entry(), ""
        for line in block.splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line):
                key = match.group(1)
                entry.strings[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry.strings[key] += ast.literal_eval(line)
            else:
                raise AssertionError(f"unreadable line in the catalogue: {line!r}")
        entries.append(entry)
    return entries


def translations(entry: Entry) -> list[str]:
    return [value for key, value in entry.strings.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse_po(CATALOGUE.read_text(encoding="utf-8"))


def test_the_parser_sees_untranslated_fuzzy_and_plural_entries():
    sample = (
        'msgid ""\nmsgstr "Language: es\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Case %(n)s"\nmsgstr "Caso %(n)s"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n\n'
        'msgid "%(n)s file"\nmsgid_plural "%(n)s files"\nmsgstr[0] "%(n)s archivo"\nmsgstr[1] ""\n'
    )
    header, fuzzy, empty, plural = parse_po(sample)
    assert "fuzzy" in fuzzy.flags and "python-format" in fuzzy.flags
    assert empty.strings["msgid"] == "Two lines" and translations(empty) == [""]
    assert translations(plural) == ["%(n)s archivo", ""] and header.strings["msgstr"] == "Language: es\n"


def test_every_spanish_entry_is_translated_and_none_is_fuzzy(catalogue):
    assert len(catalogue) > 500  # the whole catalogue was read
    fuzzy = [e.strings.get("msgid") for e in catalogue if "fuzzy" in e.flags]
    untranslated = [e.strings["msgid"] for e in catalogue if e.strings["msgid"] and not all(translations(e))]
    obsolete = [e.strings.get("msgid") for e in catalogue if e.obsolete]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not obsolete, f"obsolete entries left in the catalogue: {obsolete}"


def test_spanish_plurals_have_both_forms(catalogue):
    header = catalogue[0].strings["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    for entry in catalogue:
        if "msgid_plural" in entry.strings:
            assert set(entry.strings) >= {"msgstr[0]", "msgstr[1]"}, entry.strings["msgid"]


def test_translations_keep_every_placeholder_and_tag(catalogue):
    problems = []
    for entry in catalogue[1:]:
        source = entry.strings["msgid"] + entry.strings.get("msgid_plural", "")
        for text in translations(entry):
            if sorted(set(PLACEHOLDER.findall(text))) != sorted(set(PLACEHOLDER.findall(source))):
                problems.append((entry.strings["msgid"], text))
            if sorted(TAG.findall(text)) != sorted(TAG.findall(entry.strings["msgid"])):
                problems.append((entry.strings["msgid"], text))
    assert not problems


@pytest.mark.django_db
def test_the_lockdown_page_is_in_spanish(client_for, administrator):
    page = client_for(administrator).get("/security/lockdown/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page
    assert "Bloqueo de emergencia" in page and "Bloquear ahora" in page
    assert 'Escriba "LOCK DOWN" para confirmar' in page.replace("&quot;", '"')
    assert "Emergency lockdown" not in page and "Lock down now" not in page


@pytest.mark.django_db
def test_the_import_page_and_its_row_errors_are_in_spanish(client_for, coordinator):
    client = client_for(coordinator)
    page = client.get("/citations/import/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page
    assert "Importar citaciones desde una hoja de cálculo" in page and "Archivo CSV (UTF-8 o Windows-1252)" in page
    assert "Import citations from a spreadsheet" not in page and "Event the citations belong to" not in page
    upload = SimpleUploadedFile("night.csv", b"name,phone\nAna Ruiz,215-555-0100\n", content_type="text/csv")
    form = {"event": str(EventFactory().public_id), "kind": "phl_cvn", "file": upload}
    result = client.post("/citations/import/", form, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "No se importó nada" in result and "Falta la columna" in result
    assert "Missing column" not in result and "Nothing was imported" not in result


def test_a_refused_citation_step_is_explained_in_spanish():
    from citations import lifecycle as lc
    from citations.models import CitationKind, CitationStatus

    with translation.override("es"):
        refusal = lc.refusal(CitationKind.PHL_CVN, lc.APPEAL, CitationStatus.DECIDED)
    assert refusal == (
        "No se puede registrar una apelación (aviso de infracción del código de Filadelfia en estado «decidida»): "
        "esto no se permite nunca en este tipo de citación."
    )


@pytest.mark.django_db
def test_a_packet_batch_page_is_in_spanish(client_for, lawyer):
    batch = make_finished_batch(case=CaseFactory(lawyers=[lawyer]), by=lawyer)
    response = client_for(lawyer).get(f"/documents/batches/{batch.public_id}/", HTTP_ACCEPT_LANGUAGE="es")
    page = response.content.decode()
    assert response.status_code == 200 and 'lang="es"' in page
    assert "Lote de expedientes" in page and "Todos los casos de un evento" in page and "Terminado" in page
    assert "Packet batch" not in page and "Every case of an event" not in page


@pytest.mark.django_db
def test_the_complaint_packet_confirmation_is_in_spanish(client_for, lawyer):
    case = CaseFactory(lawyers=[lawyer])
    CitationFactory(case=case)
    ComplaintFactory(case=case)
    response = client_for(lawyer).post(
        f"/documents/cases/{case.public_id}/packet/", {"kind": "complaint"}, HTTP_ACCEPT_LANGUAGE="es"
    )
    page = response.content.decode()
    assert response.status_code == 409 and 'lang="es"' in page
    assert "Se necesita la confirmación de un abogado" in page and "El cliente tiene una citación o un caso" in page
    assert "The client has an open citation" not in page
