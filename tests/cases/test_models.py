import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, IncidentOfficer, Officer
from cases.services import case_close, case_create, officer_find_or_create, officer_merge
from citations.models import Citation, Payment
from tests.factories import (
    ArrestFactory,
    CaseFactory,
    CitationFactory,
    ComplaintFactory,
    DemonstratorFactory,
    EventFactory,
    IncidentFactory,
    OfficerFactory,
)


@pytest.mark.django_db
def test_case_numbers_are_sequential_per_year_and_unique(coordinator):
    event = EventFactory()
    first = case_create(
        event=event, demonstrator=DemonstratorFactory(), by=coordinator, opened_on=datetime.date(2026, 7, 1)
    )
    second = case_create(
        event=event, demonstrator=DemonstratorFactory(), by=coordinator, opened_on=datetime.date(2026, 7, 2)
    )
    other_year = case_create(
        event=event, demonstrator=DemonstratorFactory(), by=coordinator, opened_on=datetime.date(2027, 1, 2)
    )
    assert (first.number, second.number, other_year.number) == ("2026-0001", "2026-0002", "2027-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=second.pk).update(number=first.number)


@pytest.mark.django_db
def test_one_case_per_person_per_event(coordinator):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        case_create(event=case.event, demonstrator=case.demonstrator, by=coordinator)


@pytest.mark.django_db
def test_closing_a_case_sets_its_retention_date(coordinator, settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 180
    case = CaseFactory(opened_on=datetime.date(2026, 7, 1))
    case_close(case=case, by=coordinator, closed_on=datetime.date(2026, 8, 1))
    case.refresh_from_db()
    assert case.status == "closed" and case.retention_until == datetime.date(2027, 1, 28)
    with pytest.raises(ValidationError):
        case_close(case=case, by=coordinator)


@pytest.mark.django_db
def test_citation_number_is_unique_per_agency_only():
    CitationFactory(number="A-1", agency="Philadelphia Police Department")
    CitationFactory(number="A-1", agency="SEPTA Transit Police")
    with pytest.raises(IntegrityError), transaction.atomic():
        CitationFactory(number="A-1", agency="Philadelphia Police Department")


@pytest.mark.django_db
def test_money_is_exact_to_the_cent_and_never_negative():
    citation = CitationFactory(fine=Decimal("50.00"), costs=Decimal("0.10"))
    for _ in range(3):
        Payment.objects.create(citation=citation, amount=Decimal("0.10"), paid_on=timezone.localdate())
    citation.refresh_from_db()
    paid = sum(p.amount for p in citation.payments.all())
    assert paid == Decimal("0.30")  # a float would give 0.30000000000000004
    assert citation.amount_due == Decimal("50.10")
    bad = Citation(case=citation.case, number="X", kind="phl_cvn", offense_code="x", fine=Decimal("-1.00"),
                   issued_at=timezone.now())  # fmt: skip
    with pytest.raises(ValidationError):
        bad.full_clean()
    with pytest.raises(ValidationError):
        Citation(case=citation.case, number="Y", kind="phl_cvn", offense_code="x", fine=Decimal("1.005"),
                 issued_at=timezone.now()).full_clean()  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(citation=citation, amount=Decimal("0.00"), paid_on=timezone.localdate())


@pytest.mark.django_db
def test_times_are_stored_aware_and_shown_in_local_time():
    issued = datetime.datetime(2026, 7, 10, 23, 59, tzinfo=datetime.UTC)
    citation = CitationFactory(issued_at=issued)
    citation.refresh_from_db()
    assert citation.issued_at.tzinfo is not None and citation.issued_at == issued
    assert timezone.localtime(citation.issued_at).strftime("%Y-%m-%d %H:%M") == "2026-07-10 19:59"


@pytest.mark.django_db
def test_event_rejects_unknown_time_zone_and_end_before_start():
    event = EventFactory.build(time_zone="Mars/Olympus")
    with pytest.raises(ValidationError):
        event.full_clean()
    event = EventFactory.build(ends_at=timezone.now() - datetime.timedelta(days=30))
    with pytest.raises(ValidationError):
        event.full_clean()


@pytest.mark.django_db
def test_arrest_release_cannot_precede_arrest():
    arrest = ArrestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(arrest).objects.filter(pk=arrest.pk).update(released_at=arrest.arrested_at - datetime.timedelta(hours=1))


@pytest.mark.django_db
def test_officer_is_unique_per_agency_and_full_badge_but_partial_badges_repeat():
    first, created = officer_find_or_create(agency="PPD", badge_number="4410", defaults={"name": "Ofc. A"})
    again, created_again = officer_find_or_create(agency="PPD", badge_number="4410")
    assert created and not created_again and again == first
    other_agency, created = officer_find_or_create(agency="SEPTA", badge_number="4410")
    assert created and other_agency != first
    p1, _ = officer_find_or_create(agency="PPD", badge_number="44", defaults={"badge_status": "partial"})
    p2, _ = officer_find_or_create(agency="PPD", badge_number="44", defaults={"badge_status": "partial"})
    assert p1 != p2
    with pytest.raises(IntegrityError), transaction.atomic():
        Officer.objects.create(agency="PPD", badge_number="4410")


@pytest.mark.django_db
def test_merging_an_unidentified_officer_carries_every_link(coordinator):
    known = OfficerFactory(badge_number="5150")
    unknown = Officer.objects.create(badge_status="covered", helmet_number="B-17", description="grey moustache")
    incident = IncidentFactory()
    both = IncidentFactory()
    IncidentOfficer.objects.create(incident=incident, officer=unknown, features_as_seen="helmet B-17")
    IncidentOfficer.objects.create(incident=both, officer=unknown)
    IncidentOfficer.objects.create(incident=both, officer=known)
    complaint = ComplaintFactory()
    complaint.officers.add(unknown)
    citation = CitationFactory(issuing_officer=unknown)

    officer_merge(source=unknown, target=known, by=coordinator)

    unknown.refresh_from_db()
    assert unknown.merged_into == known
    assert list(incident.officers.all()) == [known]
    assert set(both.officers.all()) == {known}
    assert IncidentOfficer.objects.get(incident=incident).features_as_seen == "helmet B-17"
    assert list(complaint.officers.all()) == [known]
    citation.refresh_from_db()
    assert citation.issuing_officer == known
    with pytest.raises(ValidationError):
        officer_merge(source=known, target=known, by=coordinator)


@pytest.mark.django_db
def test_a_merge_keeps_both_sightings_of_one_incident_with_what_was_seen(coordinator):
    known = OfficerFactory(badge_number="5150")
    unknown = Officer.objects.create(badge_status="partial", badge_number="51", description="taped badge")
    incident = IncidentFactory()
    IncidentOfficer.objects.create(incident=incident, officer=known, badge_as_seen="5150", features_as_seen="")
    IncidentOfficer.objects.create(
        incident=incident, officer=unknown, badge_as_seen="51", features_as_seen="badge taped, moustache"
    )

    officer_merge(source=unknown, target=known, by=coordinator)

    sightings = IncidentOfficer.objects.filter(incident=incident).order_by("id")
    assert [(s.officer, s.recorded_as, s.badge_as_seen, s.features_as_seen) for s in sightings] == [
        (known, None, "5150", ""),
        (known, unknown, "51", "badge taped, moustache"),
    ]
    # Merging again (into a third record) keeps what each sighting was first recorded as.
    third = OfficerFactory(badge_number="7000")
    officer_merge(source=known, target=third, by=coordinator)
    sightings = IncidentOfficer.objects.filter(incident=incident).order_by("id")
    assert [(s.officer, s.recorded_as) for s in sightings] == [(third, known), (third, unknown)]


@pytest.mark.django_db
def test_an_officer_is_still_recorded_once_per_incident():
    officer = OfficerFactory(badge_number="5151")
    incident = IncidentFactory()
    IncidentOfficer.objects.create(incident=incident, officer=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentOfficer.objects.create(incident=incident, officer=officer)


@pytest.mark.django_db
def test_display_name_respects_concealment():
    person = DemonstratorFactory(legal_name="Legal Name", preferred_name="Sky", conceal_legal_name=True)
    assert person.display_name == "Sky"
    hidden = DemonstratorFactory(legal_name="Legal Name", preferred_name="", conceal_legal_name=True)
    assert "Legal" not in hidden.display_name
    plain = DemonstratorFactory(legal_name="Legal Name", preferred_name="")
    assert plain.display_name == "Legal Name"
