"""The desk pages' `label` filter gives what get_FOO_display gives, in the active language."""

import datetime

import pytest
from django.utils import timezone, translation

from citations.models import CitationKind
from citations.services import citation_create
from tests.factories import CaseFactory
from web.templatetags.desk_tags import label


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_label_filter_matches_get_display_in_each_language(language, coordinator):
    citation = citation_create(
        case=CaseFactory(), by=coordinator, number="L-1", kind=CitationKind.PHL_CVN,
        offense_code="18 Pa.C.S. § 5502", issued_at=timezone.now() - datetime.timedelta(days=1),
    )  # fmt: skip
    with translation.override(language):
        assert label(citation, "status") == citation.get_status_display()
        assert label(citation, "kind") == citation.get_kind_display()
        assert label(citation, "response") == citation.get_response_display()
        deadline = citation.deadlines.first()
        assert label(deadline, "kind") == deadline.get_kind_display()
    with translation.override("es"):
        assert label(citation, "status") != "Issued"  # translated, not the English table reused
