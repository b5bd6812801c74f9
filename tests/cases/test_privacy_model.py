"""The privacy model, checked over every model the project defines."""

import re

import pytest
from django.apps import apps

from cases.fields import EncryptedTextField

FORBIDDEN = re.compile(
    r"immigra|citizen|birth_?place|place_of_birth|country|nationality|national_origin|ssn|social_security|"
    r"alien|a_number|race|ethnic|visa|passport",
    re.IGNORECASE,
)
PROJECT_APPS = {"cases", "citations", "documents", "api"}


def project_models():
    return [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]


def test_the_walk_covers_the_core_models():
    labels = {m._meta.label for m in project_models()}
    assert {"cases.Demonstrator", "cases.Case", "citations.Citation", "cases.Incident"} <= labels


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_no_model_has_a_forbidden_field(model):
    for field in model._meta.get_fields():
        name = getattr(field, "name", "")
        assert not FORBIDDEN.search(name), f"{model._meta.label}.{name} is a field the privacy model forbids"
        for choice_value, _label in getattr(field, "choices", None) or []:
            assert not FORBIDDEN.search(str(choice_value)), f"{model._meta.label}.{name} offers {choice_value!r}"


def test_forbidden_pattern_catches_what_it_must():
    for bad in ["immigration_status", "country_of_origin", "ssn", "place_of_birth", "citizenship", "ethnicity"]:
        assert FORBIDDEN.search(bad)


PERSONAL = {
    "cases.Demonstrator": [
        "legal_name", "preferred_name", "date_of_birth", "phone", "email", "postal_address", "preferred_language",
        "pronouns", "support_contact", "special_needs", "support_notes",
    ],
    "cases.WitnessStatement": ["witness_name", "witness_contact", "statement"],
    "cases.Incident": ["narrative", "injuries", "witnesses", "video_holders"],
    "cases.ExcessiveForceComplaint": ["narrative", "injuries", "treatment"],
    "cases.ArrestSeen": ["person_description"],
    "cases.Case": ["lawyer_notes"],
}  # fmt: skip


@pytest.mark.parametrize(("label", "fields"), PERSONAL.items())
def test_personal_fields_are_encrypted(label, fields):
    model = apps.get_model(label)
    for name in fields:
        assert isinstance(model._meta.get_field(name), EncryptedTextField), f"{label}.{name} must be encrypted"


@pytest.mark.parametrize("model", project_models(), ids=lambda m: m._meta.label)
def test_exposed_models_have_a_uuid_public_id(model):
    exposed = {"Event", "Demonstrator", "Case", "Arrest", "Officer", "Incident", "ExcessiveForceComplaint",
               "WitnessStatement", "Evidence", "Citation", "Payment"}  # fmt: skip
    if model.__name__ in exposed:
        field = model._meta.get_field("public_id")
        assert field.get_internal_type() == "UUIDField" and field.unique
