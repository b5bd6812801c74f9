"""A rule is verified only by a review record made by a lawyer or a coordinator; seeded rules
start unverified with their corrected sources; every place a deadline appears says where it comes
from and whether a lawyer has checked it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from citations.calendar import calendar_feed_ics
from citations.models import CitationKind, DeadlineRule, RuleReview
from citations.services import deadline_rule_save, rule_review_record
from tests.api.conftest import client_with_token
from tests.citations.conftest import local

pytestmark = pytest.mark.django_db


def test_seeded_rules_start_unverified_with_corrected_sources():
    rules = {r.code: r for r in DeadlineRule.objects.all()}
    assert not any(rule.verified for rule in rules.values())
    assert "Phila. M.C.R." not in rules["phl-nta-appear"].source
    assert "Pa.R.Crim.P. 1002(B)(1)(a)" in rules["phl-nta-appear"].source
    respond = rules["pa-summary-respond"].source
    assert "$50 when none is specified: Rule 403(B)(2)" in respond and "Rule 413" not in respond
    assert "460(A)" in rules["pa-summary-appeal"].source and "guilty plea" in rules["pa-summary-appeal"].source


def test_a_review_verifies_a_rule_and_an_edit_of_its_substance_clears_it(lawyer, coordinator):
    rule = DeadlineRule.objects.get(code="pa-summary-respond")
    review = rule_review_record(rule=rule, source_version="Pa.R.Crim.P. as amended 2025", note="ok", by=lawyer)
    rule.refresh_from_db()
    assert rule.verified and rule.verified_at == review.reviewed_at
    assert (review.reviewer_label, review.source_version) == (lawyer.username, "Pa.R.Crim.P. as amended 2025")
    rule.active = rule.active  # saving without a change keeps the check
    deadline_rule_save(rule=rule, by=coordinator)
    assert DeadlineRule.objects.get(pk=rule.pk).verified
    rule.offset = 11
    deadline_rule_save(rule=rule, by=coordinator)
    assert not DeadlineRule.objects.get(pk=rule.pk).verified
    assert RuleReview.objects.filter(rule=rule).count() == 1  # the record stays


def test_only_lawyers_and_coordinators_review_and_saving_cannot_set_verified(organizer, administrator, coordinator):
    rule = DeadlineRule.objects.get(code="pa-summary-appeal")
    for someone in (organizer, administrator):
        with pytest.raises(ValidationError):
            rule_review_record(rule=rule, source_version="2025", note="", by=someone)
    rule.verified = True
    deadline_rule_save(rule=rule, by=coordinator)
    assert not DeadlineRule.objects.get(pk=rule.pk).verified
    with pytest.raises(ValidationError):
        rule_review_record(rule=rule, source_version="  ", note="", by=coordinator)


def test_the_rules_page_lists_sources_and_takes_a_review(client_for, lawyer, organizer):
    client = client_for(lawyer)
    page = client.get("/desk/rules/").content.decode()
    assert "Pa.R.Crim.P. 1002(B)(1)(a)" in page and "not checked by a lawyer" in page
    response = client.post("/desk/rules/pa-summary-respond/review/", {"source_version": "as read 2026-12-01"})
    assert response.status_code == 302
    assert DeadlineRule.objects.get(code="pa-summary-respond").verified
    assert "as read 2026-12-01" in client.get("/desk/rules/").content.decode()
    assert client.post("/desk/rules/no-such-rule/review/", {"source_version": "x"}).status_code == 404
    assert client_for(organizer).get("/desk/rules/").status_code == 403


def test_desk_pages_the_api_and_the_feed_show_source_and_check(make_citation, clock, client_for, lawyer, coordinator):
    from cases.models import Case

    clock(2026, 6, 2, 9)
    citation = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 10))
    Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    page = client_for(lawyer).get(f"/desk/citations/{citation.public_id}/").content.decode()
    assert "rule not checked by a lawyer" in page and "#rule-pa-summary-respond" in page
    api = client_with_token(lawyer)
    body = api.get(f"/api/v1/citations/{citation.public_id}/").json()
    nested = next(d for d in body["deadlines"] if d["rule_code"] == "pa-summary-respond")
    assert nested["rule_verified"] is False and "403(B)(2)" in nested["rule_source"]
    listed = api.get("/api/v1/deadlines/").json()["results"][0]
    assert listed["rule"]["verified"] is False and "uncertain_closure_on" in listed
    assert "Rule not yet checked by a lawyer" in calendar_feed_ics(user=lawyer).decode().replace("\r\n ", "")
    rule_review_record(rule=DeadlineRule.objects.get(code="pa-summary-respond"), source_version="v", note="", by=lawyer)
    assert (
        "rule checked by a lawyer" in client_for(lawyer).get(f"/desk/citations/{citation.public_id}/").content.decode()
    )
    assert "Rule checked by a lawyer against its source on 2026-06-02" in calendar_feed_ics(
        user=lawyer
    ).decode().replace("\r\n ", "")


def test_due_says_what_it_means_received_filed_and_mail_by(make_citation, clock, client_for, lawyer):
    from cases.models import Case

    clock(2026, 6, 2, 9)
    notice = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 10))  # due 2026-06-11
    # A filing in Philadelphia, where the municipal court clerk's hours are entered.
    summary = make_citation(kind=CitationKind.TRAFFIC, issued_at=local(2026, 6, 1, 10))
    for citation in (notice, summary):
        Case.objects.get(pk=citation.case_id).lawyers.add(lawyer)
    page = client_for(lawyer).get(f"/desk/citations/{notice.public_id}/").content.decode()
    assert "the payment must be received by then: mail it by Thu 4 Jun 2026 (recommended)" in page
    page = client_for(lawyer).get(f"/desk/citations/{summary.public_id}/").content.decode()
    assert "at the clerk's office, not at midnight" in page
    feed = calendar_feed_ics(user=lawyer).decode().replace("\r\n ", "")
    assert "The payment must be received by 2026-06-11" in feed and "mail it by 2026-06-04 (recommended)" in feed
    assert "23:59 local" not in feed
