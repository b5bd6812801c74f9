"""Money on a citation: exact cents, partial payments, who paid, no overpayment, refunds no
larger than what was paid, and mass dispositions that compute the refunds owed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cases.models import AuditEntry, Payer
from citations import services
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Payment, PaymentKind, Response
from citations.selectors import citations_issued_between
from tests.citations.conftest import local
from tests.factories import CaseFactory

D = Decimal
JUNE_5 = datetime.date(2026, 6, 5)


@pytest.fixture
def citation(make_citation, clock):  # type: ignore[no-untyped-def]
    clock(2026, 6, 10, 12)
    return make_citation(kind=CitationKind.PHL_CVN, fine="50.00", costs="12.50")


def pay(citation, amount, payer=Payer.SELF, kind=PaymentKind.PAYMENT, by=None, paid_on=JUNE_5):  # type: ignore[no-untyped-def]
    return services.payment_record(citation=citation, amount=amount, payer=payer, paid_on=paid_on, by=by, kind=kind)


def test_partial_payments_add_up_to_the_cent(citation, coordinator):
    pay(citation, "20.10", by=coordinator)
    pay(citation, D("30.15"), payer=Payer.BAIL_FUND, by=coordinator)
    balance = services.citation_balance(citation=citation)
    assert balance.owed == D("62.50")
    assert (balance.paid, balance.refunded, balance.net) == (D("50.25"), D("0.00"), D("50.25"))
    assert balance.balance_due == D("12.25") and balance.refund_due == D("0.00")
    assert balance.by_payer == {Payer.SELF: D("20.10"), Payer.BAIL_FUND: D("30.15")}
    pay(citation, "12.25", payer=Payer.OTHER, by=coordinator)
    assert services.citation_balance(citation=citation).balance_due == D("0.00")


def test_overpayment_is_refused(citation, coordinator):
    pay(citation, "60.00", by=coordinator)
    with pytest.raises(
        ValidationError, match=r"would overpay: \$62.50 is owed and \$60.00 is already paid .* at most \$2.50"
    ):
        pay(citation, "2.51", payer=Payer.BAIL_FUND, by=coordinator)
    with pytest.raises(ValidationError, match="overpay"):
        pay(citation, "100.00", by=coordinator)
    assert Payment.objects.filter(citation=citation).count() == 1
    pay(citation, "2.50", by=coordinator)  # exactly the rest is fine


@pytest.mark.parametrize(
    ("amount", "message"),
    [("10.005", "exact to the cent"), (10.5, "not a float"), ("0", "more than zero"), ("-5", "more than zero"),
     ("ten", "Not an amount"), ("NaN", "Not an amount"), ("Infinity", "Not an amount")],
)  # fmt: skip
def test_amounts_are_exact_and_positive(citation, coordinator, amount, message):
    with pytest.raises(ValidationError, match=message):
        pay(citation, amount, by=coordinator)


def test_payment_dates_and_payers_are_checked(citation, coordinator):
    with pytest.raises(ValidationError, match="before it was issued"):
        pay(citation, "5.00", paid_on=datetime.date(2026, 5, 31), by=coordinator)
    with pytest.raises(ValidationError, match="future"):
        pay(citation, "5.00", paid_on=datetime.date(2026, 6, 11), by=coordinator)
    with pytest.raises(ValidationError, match="payer is one of"):
        pay(citation, "5.00", payer="mystery", by=coordinator)


def test_refund_cannot_exceed_what_that_payer_paid(citation, coordinator):
    pay(citation, "30.00", payer=Payer.BAIL_FUND, by=coordinator)
    pay(citation, "10.00", payer=Payer.SELF, by=coordinator)
    with pytest.raises(ValidationError, match=r"exceeds the \$10.00 this payer has paid"):
        pay(citation, "10.01", payer=Payer.SELF, kind=PaymentKind.REFUND, by=coordinator)
    pay(citation, "25.00", payer=Payer.BAIL_FUND, kind=PaymentKind.REFUND, by=coordinator)
    with pytest.raises(ValidationError, match=r"exceeds the \$5.00"):
        pay(citation, "5.01", payer=Payer.BAIL_FUND, kind=PaymentKind.REFUND, by=coordinator)
    balance = services.citation_balance(citation=citation)
    assert (balance.paid, balance.refunded, balance.net) == (D("40.00"), D("25.00"), D("15.00"))


def test_money_can_move_at_any_time_after_issue_even_closed(citation, coordinator):
    services.citation_record_response(
        citation=citation, response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator
    )
    pay(citation, "62.50", payer=Payer.BAIL_FUND, by=coordinator)
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.PAID, decided_on=JUNE_5, by=coordinator
    )
    services.citation_close(citation=citation, by=coordinator)
    # The city later waives it: the payment is owed back.
    services.citation_record_disposition(
        citation=citation, disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9), by=coordinator
    )
    balance = services.citation_balance(citation=citation)
    assert balance.owed == D("0.00") and balance.refund_due == D("62.50")
    pay(
        citation,
        "62.50",
        payer=Payer.BAIL_FUND,
        kind=PaymentKind.REFUND,
        paid_on=datetime.date(2026, 6, 10),
        by=coordinator,
    )
    assert services.citation_balance(citation=citation).refund_due == D("0.00")


def test_payments_are_audited_without_amounts(citation, coordinator):
    pay(citation, "5.00", by=coordinator)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "payment.payment" and entry.target_id == str(citation.public_id)
    assert "5.00" not in str(entry.details) and entry.fields == ["amount", "payer"]


# --- mass disposition --------------------------------------------------------------------


def test_mass_waiver_of_notices_issued_between_two_dates_computes_refunds(make_citation, phl_event, coordinator, clock):
    clock(2026, 6, 10, 12)
    inside = [make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 1, 20, i)) for i in range(6)]
    outside = make_citation(kind=CitationKind.PHL_CVN, issued_at=local(2026, 6, 3, 20))
    summary = make_citation(kind=CitationKind.PA_SUMMARY, issued_at=local(2026, 6, 1, 21))
    # Two paid (one by the bail fund, fully; one partly by the person), one disputed, one already dismissed.
    for c, payer, amount in ((inside[0], Payer.BAIL_FUND, "50.00"), (inside[1], Payer.SELF, "20.00")):
        services.citation_record_response(citation=c, response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator)
        pay(c, amount, payer=payer, by=coordinator)
    services.citation_record_disposition(
        citation=inside[0], disposition=Disposition.PAID, decided_on=JUNE_5, by=coordinator
    )
    services.citation_close(citation=inside[0], by=coordinator)
    services.citation_record_response(
        citation=inside[2], response=Response.DISPUTED, at=local(2026, 6, 2, 9), by=coordinator
    )
    services.citation_record_disposition(
        citation=inside[3], disposition=Disposition.DISMISSED, decided_on=JUNE_5, by=coordinator
    )
    selected = citations_issued_between(
        user=coordinator, event=phl_event, kind=CitationKind.PHL_CVN,
        issued_from=local(2026, 6, 1), issued_to=local(2026, 6, 2),
    )  # fmt: skip
    assert set(selected) == set(inside)

    result = services.citation_mass_disposition(
        citations=selected, disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9), by=coordinator
    )

    assert {c.pk for c in result.decided} == {inside[i].pk for i in (0, 1, 2, 4, 5)}
    assert [(c.pk, "Cannot" in why) for c, why in result.skipped] == [(inside[3].pk, True)]
    assert sorted((r.citation.pk, r.payer, r.amount) for r in result.refunds) == sorted(
        [(inside[0].pk, Payer.BAIL_FUND, D("50.00")), (inside[1].pk, Payer.SELF, D("20.00"))]
    )
    assert result.refund_total == D("70.00")
    assert result.refund_totals_by_payer() == {Payer.BAIL_FUND: D("50.00"), Payer.SELF: D("20.00")}
    waived = Citation.objects.filter(disposition=Disposition.WAIVED)
    assert set(waived.values_list("pk", flat=True)) == {c.pk for c in result.decided}
    assert set(waived.values_list("status", flat=True)) == {CitationStatus.DECIDED}
    assert set(waived.values_list("status_changed_by", flat=True)) == {coordinator.pk}
    assert Citation.objects.get(pk=outside.pk).disposition == Disposition.PENDING
    assert Citation.objects.get(pk=summary.pk).disposition == Disposition.PENDING
    assert AuditEntry.objects.filter(action="citation.decide", details__batch=result.batch).count() == 5
    mass = AuditEntry.objects.get(action="citation.mass_disposition")
    assert mass.details["count"] == 5 and mass.details["errors"] == 1
    assert services.citation_balance(citation=Citation.objects.get(pk=inside[0].pk)).refund_due == D("50.00")


def test_mass_disposition_commits_each_case_alone(make_citation, coordinator, clock, monkeypatch):
    """A failure while deciding one case rolls back that case only: the others stay decided, and
    the failed case's citations are in the report with the reason."""
    clock(2026, 6, 10, 12)
    citations = [make_citation(kind=CitationKind.PHL_CVN) for _ in range(3)]
    from citations import services as module

    real = module.audit_record
    failing = citations[1]

    def flaky(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("target") is not None and kwargs["target"].pk == failing.pk:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(module, "audit_record", flaky)
    result = services.citation_mass_disposition(
        citations=Citation.objects.filter(pk__in=[c.pk for c in citations]),
        disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9), by=coordinator,
    )  # fmt: skip
    assert {c.pk for c in result.decided} == {citations[0].pk, citations[2].pk}
    assert [(c.pk, "nothing of it was saved" in why) for c, why in result.skipped] == [(failing.pk, True)]
    dispositions = dict(Citation.objects.values_list("pk", "disposition"))
    assert dispositions == {
        citations[0].pk: Disposition.WAIVED,
        failing.pk: Disposition.PENDING,
        citations[2].pk: Disposition.WAIVED,
    }
    assert not AuditEntry.objects.filter(action="citation.decide", target_id=str(failing.public_id)).exists()
    mass = AuditEntry.objects.get(action="citation.mass_disposition")
    assert (mass.details["count"], mass.details["errors"]) == (2, 1)


def test_mass_disposition_preview_writes_nothing(make_citation, coordinator, clock):
    clock(2026, 6, 10, 12)
    paid = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_response(citation=paid, response=Response.PAID, at=local(2026, 6, 2, 9), by=coordinator)
    pay(paid, "50.00", payer=Payer.BAIL_FUND, by=coordinator)
    dismissed = make_citation(kind=CitationKind.PHL_CVN)
    services.citation_record_disposition(
        citation=dismissed, disposition=Disposition.DISMISSED, decided_on=JUNE_5, by=coordinator
    )
    before = (AuditEntry.objects.count(), list(Citation.objects.order_by("pk").values_list("status", "disposition")))
    result = services.citation_mass_disposition(
        citations=[paid, dismissed], disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9),
        by=coordinator, preview=True,
    )  # fmt: skip
    assert result.preview and [c.pk for c in result.decided] == [paid.pk]
    assert [c.pk for c, _why in result.skipped] == [dismissed.pk]
    assert [(r.citation.pk, r.payer, r.amount) for r in result.refunds] == [(paid.pk, Payer.BAIL_FUND, D("50.00"))]
    after = (AuditEntry.objects.count(), list(Citation.objects.order_by("pk").values_list("status", "disposition")))
    assert after == before


def test_mass_disposition_queries_grow_with_cases_not_with_a_cases_citations(
    make_citation, coordinator, clock, django_assert_max_num_queries
):
    """Each case has its own transaction, so its fixed cost is paid per case: savepoint, lock,
    payments, update, deadline rules, event zones, court closures, deadlines read and written,
    release (10); each citation then costs its audit entry (chain head, insert, update: 3). Plus
    the selection and the summary entry (4)."""
    clock(2026, 6, 10, 12)
    cases = [CaseFactory() for _ in range(5)]
    citations = [make_citation(kind=CitationKind.PHL_CVN, case=case) for case in cases for _ in range(4)]
    with django_assert_max_num_queries(4 + 10 * 5 + 3 * 20):
        result = services.citation_mass_disposition(
            citations=citations, disposition=Disposition.WAIVED, decided_on=datetime.date(2026, 6, 9), by=coordinator
        )
    assert len(result.decided) == 20
