import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Demonstrator, Event, ForceType, IncidentOfficer, WitnessStatement
from citations.dashboard import dashboard_summary
from tests.factories import (
    CaseFactory,
    CitationFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
    PaymentFactory,
)


def personal_values() -> list[str]:
    """Every seeded demonstrator's and witness's identifying values, in the forms a page could show."""
    values: list[str] = []
    for person in Demonstrator.objects.all():
        values += [person.legal_name, person.phone, person.email, person.postal_address]
        if person.preferred_name:
            values.append(person.preferred_name)
        if person.date_of_birth:
            dob = person.date_of_birth
            values += [dob.isoformat(), dob.strftime("%m/%d/%Y"), f"{dob:%B} {dob.day}, {dob.year}"]
    for statement in WitnessStatement.objects.all():
        values += [v for v in (statement.witness_name, statement.witness_contact) if v]
    return [v for v in values if v]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"),
    [("organizer", 200), ("lawyer", 200), ("coordinator", 200), ("observer", 403), ("outsider", 403)],
)
def test_who_may_open_the_dashboard(request, client_for, persona, status):
    assert client_for(request.getfixturevalue(persona)).get("/citations/dashboard/").status_code == status


@pytest.mark.django_db
def test_the_dashboard_shows_the_demo_numbers_and_no_personal_data(client_for, organizer):
    call_command("seed_demo", password="a-long-demo-password")
    summary = dashboard_summary()
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert f'id="people-total">{summary["people"]["people"]["display"]}<' in page
    assert f'id="people-cited">{summary["people"]["cited"]["display"]}<' in page
    assert f'id="citations-total">{summary["citations"]["total"]["display"]}<' in page
    assert "<svg" in page and "<table" in page and "Show as a table" in page
    assert "Ofc." in page or "Sgt." in page  # officers are public employees: they may be named
    leaks = [value for value in personal_values() if value in page]
    assert not leaks, f"personal data on the organizer's dashboard: {len(leaks)} values"
    events = list(Event.objects.all())  # the demo seeds several events (the march, the night, an earlier one)
    assert len(events) > 1
    for event in events:
        per_event = client_for(organizer).get(f"/citations/dashboard/?event={event.public_id}").content.decode()
        assert event.name in per_event and not [v for v in personal_values() if v in per_event], event.name


@pytest.mark.django_db
def test_small_counts_are_shown_as_fewer_than_the_threshold(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    event, tiny = EventFactory(), EventFactory()
    cases = [CaseFactory(event=event) for _ in range(5)]
    CitationFactory.create_batch(2, case=cases[0])
    CaseFactory(event=tiny)
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert 'id="citations-total">fewer than 5<' in page
    assert 'id="people-total">5<' in page  # the tiny event's one person is left out overall
    page = client_for(organizer).get(f"/citations/dashboard/?event={tiny.public_id}").content.decode()
    assert 'id="people-total">fewer than 5<' in page and 'id="citations-total"' not in page


@pytest.mark.django_db
def test_an_unknown_event_is_404(client_for, organizer):
    response = client_for(organizer).get("/citations/dashboard/?event=00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_dashboard_is_in_spanish_on_request(client_for, organizer):
    CitationFactory.create_batch(2)
    page = client_for(organizer).get("/citations/dashboard/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'lang="es"' in page and "menos de 5" in page


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 40])
def test_dashboard_query_count_does_not_grow(client_for, organizer, django_assert_max_num_queries, rows):
    event = EventFactory()
    for i in range(rows):
        case = CaseFactory(event=event)
        CitationFactory(case=case, issued_at=timezone.now() - datetime.timedelta(days=i % 20))
        IncidentFactory(event=event)
    client = client_for(organizer)
    # session, user, role; the summary's 8 aggregate queries; events for the picker; session save (3)
    with django_assert_max_num_queries(15):
        response = client.get("/citations/dashboard/")
    assert response.status_code == 200
    with django_assert_max_num_queries(16):  # and the chosen event
        assert client.get(f"/citations/dashboard/?event={event.public_id}").status_code == 200


def _busy_event(people: int = 6):
    event = EventFactory()
    cases = [CaseFactory(event=event) for _ in range(people)]
    return event, cases


@pytest.mark.django_db
def test_a_day_with_a_suppressed_count_gets_a_mark_and_the_legend_says_why(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    event, _cases = _busy_event()
    baton, gas = ForceType.objects.get(code="baton"), ForceType.objects.get(code="tear_gas")
    busy_day = timezone.now() - datetime.timedelta(days=3)
    quiet_day = timezone.now() - datetime.timedelta(days=2)
    for _ in range(6):
        IncidentFactory(event=event, occurred_at=busy_day).force_types.set([baton])
    IncidentFactory(event=event, occurred_at=quiet_day).force_types.set([gas])  # one: suppressed
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    quiet = timezone.localtime(quiet_day).date().isoformat()
    busy = timezone.localtime(busy_day).date().isoformat()
    assert f'data-date="{quiet}" data-suppressed="true"' in page
    assert f'data-date="{busy}">' in page  # nothing suppressed that day: no mark
    assert page.count('class="suppressed-mark"') == 1
    assert 'id="suppressed-legend"' in page and "fewer than 5 (not drawn to scale)" in page


@pytest.mark.django_db
def test_the_refunds_card_shows_an_amount_or_a_small_print_note(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    _event, cases = _busy_event()
    waived = CitationFactory(case=cases[0], disposition="waived")
    PaymentFactory(citation=waived, amount=Decimal("50.00"))  # one citation: the amount is suppressed
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert '<p class="figure-note" id="money-refunds">fewer than 5 citations</p>' in page
    assert '<div class="figure" id="money-refunds">' not in page
    for case in cases[1:]:
        PaymentFactory(citation=CitationFactory(case=case, disposition="waived"), amount=Decimal("250.00"))
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert '<div class="figure" id="money-refunds">$1,300.00</div>' in page


@pytest.mark.django_db
def test_dashboard_money_follows_the_language(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    _event, cases = _busy_event()
    for case in cases:
        PaymentFactory(citation=CitationFactory(case=case, fine=Decimal("500.00")), amount=Decimal("250.00"))
    client = client_for(organizer)
    english = client.get("/citations/dashboard/").content.decode()
    spanish = client.get("/citations/dashboard/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<div class="figure" id="money-paid">$1,500.00</div>' in english
    assert '<div class="figure" id="money-paid">1\xa0500,00 $</div>' in spanish
    assert "$1,500.00" not in spanish and "$1\xa0500,00" not in spanish


@pytest.mark.django_db
def test_long_officer_labels_are_shown_whole(client_for, organizer, settings):
    settings.SMALL_COUNT_THRESHOLD = 5
    event, _cases = _busy_event()
    officer = OfficerFactory(name="Sgt. R. Malone", badge_number="4100", unit="Civil Affairs Unit, East Division")
    for _ in range(6):
        IncidentOfficer.objects.create(incident=IncidentFactory(event=event), officer=officer)
    page = client_for(organizer).get("/citations/dashboard/").content.decode()
    assert '<span class="bar-label">Sgt. R. Malone #4100 (Civil Affairs Unit, East Division)</span>' in page
    assert "…" not in page
