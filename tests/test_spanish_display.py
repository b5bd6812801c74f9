"""Spanish wherever a person reads: force types on the observer form and the dashboard, deadline
rule texts and offence descriptions on the desk, and money formatted by the active language
(one helper, core.formatting.money) on every page that shows an amount."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from cases.models import ForceType
from citations.models import CitationKind
from citations.services import citation_create, payment_record
from core.formatting import date_text, money
from tests.factories import CaseFactory, EventFactory, IncidentFactory

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def test_money_follows_the_language():
    with translation.override("en"):
        assert (money(Decimal("1000")), money("50"), money(0)) == ("$1,000.00", "$50.00", "$0.00")
    with translation.override("es"):
        assert (money(Decimal("1000")), money("50"), money(0)) == ("1\xa0000,00 $", "50,00 $", "0,00 $")
    assert money(None) == ""


@pytest.mark.django_db
def test_the_observer_form_shows_force_types_in_spanish(client_for, observer):
    EventFactory()
    page = client_for(observer).get("/observe/", **ES).content.decode()
    assert "Porra" in page and "Gas lacrimógeno" in page and "Encapsulamiento" in page
    assert ">Baton<" not in page and "Tear gas" not in page
    english = client_for(observer).get("/observe/").content.decode()
    assert "Baton" in english  # stored in English, translated only when shown


@pytest.mark.django_db
def test_the_dashboard_shows_force_types_in_spanish(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    event = EventFactory()
    for _ in range(5):
        CaseFactory(event=event)
    baton = ForceType.objects.get(code="baton")
    for _ in range(6):
        IncidentFactory(event=event).force_types.set([baton])
    page = client_for(organizer).get("/citations/dashboard/", **ES).content.decode()
    assert "Porra" in page and "Baton" not in page


@pytest.fixture
def spanish_citation(lawyer, coordinator):
    case = CaseFactory(lawyers=[lawyer], event__jurisdiction="PA")  # outside Philadelphia: the 10-day answer
    citation = citation_create(
        case=case, by=coordinator, number="SC-77", kind=CitationKind.PA_SUMMARY, offense_code="18 Pa.C.S. § 5502",
        offense_description="Failure to disperse upon official order", fine=Decimal("1250.00"),
        issued_at=timezone.now() - datetime.timedelta(days=3),
    )  # fmt: skip
    payment_record(
        citation=citation, amount=Decimal("50.00"), payer="self", by=coordinator, paid_on=timezone.localdate()
    )
    return citation


@pytest.mark.django_db
def test_the_citation_page_reads_in_spanish(client_for, lawyer, spanish_citation):
    page = client_for(lawyer).get(f"/desk/citations/{spanish_citation.public_id}/", **ES).content.decode()
    assert "No dispersarse tras una orden oficial" in page and "Failure to disperse" not in page
    assert "Declararse dentro de los 10 días desde la emisión" in page and "Plead within 10 days" not in page
    assert "1\xa0250,00 $" in page and "50,00 $" in page
    assert "$50.00" not in page and "$1,250" not in page and "$1\xa0250" not in page  # no "$" first in Spanish
    english = client_for(lawyer).get(f"/desk/citations/{spanish_citation.public_id}/").content.decode()
    assert "$1,250.00" in english and "Failure to disperse upon official order" in english


@pytest.mark.django_db
def test_the_case_page_reads_in_spanish(client_for, lawyer, spanish_citation):
    page = client_for(lawyer).get(f"/desk/cases/{spanish_citation.case.public_id}/", **ES).content.decode()
    assert "No dispersarse tras una orden oficial" in page and "1\xa0200,00 $" in page
    assert "$1" not in page


# --- dates: one table of styles per language (config/formats/<lang>/formats.py) ---------------

DEC_6 = datetime.date(2026, 12, 6)  # a Sunday


def test_dates_read_in_the_order_of_the_language():
    with translation.override("en"):
        assert date_text(DEC_6, "long_day") == "December 6, 2026"
        assert date_text(DEC_6, "long_weekday") == "Sunday 6 December 2026"
        assert date_text(DEC_6, "weekday") == "Sun 6 Dec 2026"
    with translation.override("es"):
        assert date_text(DEC_6, "long_day") == "6 de diciembre de 2026"
        assert date_text(DEC_6, "long_weekday") == "domingo, 6 de diciembre de 2026"
        assert date_text(DEC_6, "long_weekday_day") == "domingo 6 de diciembre"
        assert date_text(DEC_6, "weekday") == "dom 6 dic 2026"


def test_spanish_abbreviated_months_and_days_are_lower_case():
    """Spanish writes "dom 6 dic", not "Dic" (Django's "M" capitalises; the styles use "b")."""
    styles = ["day", "weekday", "day_time", "weekday_time", "short_weekday", "short_weekday_time", "day_month_time"]
    with translation.override("es"):
        for month in range(1, 13):
            moment = datetime.datetime(2026, month, 6, 14, 30)
            for style in styles:
                text = date_text(moment, style)
                assert text == text.lower(), (style, text)
        assert date_text(datetime.date(2026, 1, 6), "weekday") == "mar 6 ene 2026"


def test_every_date_style_is_written_for_every_language():
    from django.conf import settings
    from django.utils.formats import get_format_modules

    styles = {
        language: {name for name in dir(get_format_modules(language)[0]) if name.endswith("_FORMAT")}
        for language, _name in settings.LANGUAGES
    }
    assert styles["en"] and all(names == styles["en"] for names in styles.values())


def test_every_style_a_template_names_is_defined_in_every_language():
    """`when` raises on a style no format module defines: a misspelt style would be a page that
    answers 500. Every use names its style as a literal, so this scan sees them all."""
    import re
    from pathlib import Path

    from django.conf import settings

    root = Path(__file__).resolve().parent.parent / "templates"
    texts = {path: path.read_text(encoding="utf-8") for path in root.rglob("*.html")}
    unquoted = [str(path.relative_to(root)) for path, text in texts.items() if re.search(r"\|when(?!:[\"'])", text)]
    assert not unquoted, unquoted
    styles = {style for text in texts.values() for style in re.findall(r"\|when:[\"'](\w+)[\"']", text)}
    assert {"day", "weekday", "long_weekday"} <= styles
    moment = timezone.make_aware(datetime.datetime(2026, 12, 6, 14, 30))  # date styles read a datetime too
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for style in sorted(styles):
                assert date_text(moment, style), (language, style)


def test_page_dates_go_through_the_styles_not_a_format_of_their_own():
    """A date format written in a template reads in English order in Spanish: every date a page
    shows with words (month or day names) goes through `when` (ISO dates and times excepted;
    letters to agencies and court filings stay English)."""
    import re
    from pathlib import Path

    english_only = {"claims/preservation_letter.html"}
    root = Path(__file__).resolve().parent.parent / "templates"
    own = []
    for path in root.rglob("*.html"):
        if str(path.relative_to(root)) in english_only or "documents" in path.parts:
            continue
        for fmt in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text(encoding="utf-8")):
            if re.search(r"(?<!\\)[DlMFNbE]", fmt) and not fmt.endswith("_FORMAT"):
                own.append(f"{path.relative_to(root)}: {fmt}")
    assert not own, own


@pytest.mark.django_db
def test_the_docket_names_its_day_in_the_reader_s_order(client_for, lawyer):
    url = "/desk/docket/?date=2026-12-06"
    english = client_for(lawyer).get(url).content.decode()
    spanish = client_for(lawyer).get(url, **ES).content.decode()
    assert "Sunday 6 December 2026" in english
    assert "domingo, 6 de diciembre de 2026" in spanish and "domingo 6 diciembre" not in spanish
