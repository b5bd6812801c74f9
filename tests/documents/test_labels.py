"""`documents.context.label` is `get_<field>_display()` from a per-language table."""

from __future__ import annotations

import pytest
from django.utils import translation

from cases.models import Arrest, CustodyEvent, Evidence, ExcessiveForceComplaint, Incident, Officer
from citations.models import Citation, Deadline
from documents.context import label

FIELDS = [
    (Citation, "kind"), (Citation, "status"), (Citation, "jurisdiction"), (Citation, "response"),
    (Citation, "disposition"), (Deadline, "kind"), (Deadline, "status"), (Arrest, "custody_status"),
    (Arrest, "bail_paid_by"), (Incident, "dispersal_warning"), (Incident, "dispersal_warning_audible"),
    (Evidence, "kind"), (CustodyEvent, "action"), (ExcessiveForceComplaint, "forum"),
    (ExcessiveForceComplaint, "status"), (ExcessiveForceComplaint, "outcome"), (Officer, "badge_status"),
]  # fmt: skip


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m.__name__}.{f}" for m, f in FIELDS])
def test_label_is_the_display_value_in_the_active_language(model, field, language):  # type: ignore[no-untyped-def]
    choices = model._meta.get_field(field).flatchoices
    assert choices
    with translation.override(language):
        for value, _ in choices:
            instance = model(**{field: value})
            assert label(instance, field) == getattr(instance, f"get_{field}_display")()


def test_the_labels_follow_the_language_and_a_value_outside_the_choices_shows_as_itself():  # type: ignore[no-untyped-def]
    citation = Citation(status="closed")
    with translation.override("en"):
        english = label(citation, "status")
    with translation.override("es"):
        spanish = label(citation, "status")
        assert spanish == citation.get_status_display()
    assert english == "Closed" and spanish == "Cerrado"
    assert label(citation, "status") == "Closed"  # back in English: the Spanish table is not reused
    citation.status = "not-a-status"
    assert label(citation, "status") == "not-a-status" == citation.get_status_display()
