"""factory_boy factories for plain rows. Rows that carry rules are made through services."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from cases.models import (
    Arrest,
    Case,
    Demonstrator,
    Event,
    ExcessiveForceComplaint,
    Incident,
    Officer,
    User,
    WitnessStatement,
)
from citations.models import Citation, CitationKind, Payment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])
            if extracted in ("coordinator", "administrator"):
                self.is_staff = True
            if extracted == "administrator":
                self.is_superuser = True
        if create:
            self.save()


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Demonstration {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    place = "City Hall"


class DemonstratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demonstrator

    legal_name = factory.Faker("name")
    phone = factory.Sequence(lambda n: f"215-555-{n % 10000:04d}")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    event = factory.SubFactory(EventFactory)
    demonstrator = factory.SubFactory(DemonstratorFactory)
    status = "active"

    @factory.post_generation
    def lawyers(self, create: bool, extracted: list[User] | None, **kwargs: object) -> None:
        if create and extracted:
            self.lawyers.set(extracted)


class ArrestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arrest

    case = factory.SubFactory(CaseFactory)
    arrested_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    place = "Broad & Market"


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    name = factory.Faker("name")
    badge_number = factory.Sequence(lambda n: f"{1000 + n}")
    unit = "Bike Unit"


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: f"C-{n:06d}")
    kind = CitationKind.PHL_CVN
    offense_code = "Phila. Code § 10-611"
    fine = Decimal("50.00")
    issued_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    citation = factory.SubFactory(CitationFactory)
    amount = Decimal("50.00")
    paid_on = factory.LazyFunction(timezone.localdate)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    reporter = factory.SubFactory(UserFactory, role="observer")
    event = factory.SubFactory(EventFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=5))
    place = "Arch St"
    narrative = "Officers pushed the line back."


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExcessiveForceComplaint

    case = factory.SubFactory(CaseFactory)
    narrative = "Struck with a baton."
    injuries = "Bruised arm"


class WitnessStatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WitnessStatement

    witness_name = factory.Faker("name")
    witness_contact = "267-555-0199"
    statement = "I saw it happen."
    case = factory.SubFactory(CaseFactory)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    """A real (tiny) PNG: evidence uploads are decoded and re-encoded, so fake bytes are refused."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()
