"""Every page keeps the strict Content-Security-Policy: no inline script, no inline event handler,
no inline style, and the policy header itself allows none of them."""

import re

import pytest
from django.utils import timezone

from citations.models import CitationKind
from citations.services import citation_create
from tests.factories import CaseFactory, EventFactory, IncidentFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


@pytest.mark.django_db
def test_no_page_needs_inline_script_or_style(client_for, observer, lawyer, organizer, coordinator):
    event = EventFactory()
    case = CaseFactory(lawyers=[lawyer], event=event)
    citation = citation_create(
        case=case, by=coordinator, number="SC-9", kind=CitationKind.PA_SUMMARY, offense_code="18 Pa.C.S. § 5502",
        issued_at=timezone.now(),
    )  # fmt: skip
    IncidentFactory(reporter=observer, event=event)
    pages = {
        observer: ["/", "/observe/", "/observe/reports/"],
        lawyer: ["/", "/desk/cases/", f"/desk/cases/{case.public_id}/", f"/desk/citations/{citation.public_id}/",
                 "/desk/due/", "/desk/docket/", "/citations/dashboard/"],
        organizer: ["/", "/citations/dashboard/", f"/citations/dashboard/?event={event.public_id}"],
        coordinator: ["/coordination/", "/coordination/accounts/", "/coordination/audit/",
                      f"/coordination/cases/{case.public_id}/assign/"],
    }  # fmt: skip
    for user, urls in pages.items():
        client = client_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), url
            assert not EVENT_HANDLER.search(html), url
            assert not INLINE_STYLE.search(html), url
