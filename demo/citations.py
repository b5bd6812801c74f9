"""Demo citations on the three tracks, for `seed_demo`: made through citations.services, so
their states, money and deadlines are what real use would produce."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cases.models import Case, Jurisdiction, Officer, Payer
from cases.types import User
from citations import services
from citations.deadlines import next_business_day
from citations.models import Citation, CitationKind, Disposition, PaymentKind, Response

OFFENSES = [
    ("18 Pa.C.S. § 5502", "", "Failure to disperse upon official order"),
    ("18 Pa.C.S. § 5503", "(a)(4)", "Disorderly conduct: hazardous or physically offensive condition"),
    ("Phila. Code § 10-611", "(1)(a)", "Obstruction of highways and other public passages"),
]


TRAFFIC_OFFENSE = ("75 Pa.C.S. § 3714", "(a)", "Careless driving")


def create_citations(
    *, cases: list[Case], officers: list[Officer], starts: datetime.datetime, by: User, rng: random.Random
) -> list[Citation]:
    issued = starts + datetime.timedelta(hours=22)
    today = timezone.localdate()
    citations = []
    for i, case in enumerate(cases):
        if i % 8 == 7:  # a few people were arrested or observed but not cited
            continue
        track = [CitationKind.PHL_CVN, CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA][i % 3]
        if track == CitationKind.PA_SUMMARY and i % 2 == 1:
            # Left unanswered: a traffic citation, whose 10-day answer (with its warrant risk) still
            # holds in Philadelphia; a non-traffic one there follows Rule 1002 (a notice to appear).
            track = CitationKind.TRAFFIC
        code, sub, desc = {CitationKind.PHL_CVN: OFFENSES[2], CitationKind.TRAFFIC: TRAFFIC_OFFENSE}.get(
            track, OFFENSES[0]
        )
        officer = officers[i % (len(officers) - 1)]
        issued_at = issued + datetime.timedelta(minutes=i * 4)
        extra: dict[str, Any] = {}
        # The notice to appear sets the hearing; a statewide-track summary citation issued in
        # Philadelphia follows Pa.R.Crim.P. 1002 too (a notice to appear, no 10-day plea).
        if track in (CitationKind.PHL_SUMMARY_NTA, CitationKind.PA_SUMMARY):
            # On a day the Philadelphia courts sit (the court calendar: never Good Friday or Christmas).
            day = next_business_day((issued + datetime.timedelta(days=21)).date(), Jurisdiction.PHILADELPHIA)
            extra["hearing_at"] = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=issued.tzinfo)
            extra["courtroom"] = ["1104", "306"][i % 2]
            if i % 2 == 0:
                extra["docket_number"] = f"MC-51-SU-{2026}{i:05d}"
        citation = services.citation_create(
            case=case,
            by=by,
            number=f"{'CVN' if track == CitationKind.PHL_CVN else 'SC'}-{2026}{i:05d}",
            agency="Philadelphia Police Department",
            kind=track,
            offense_code=code,
            offense_subsection=sub,
            offense_description=desc,
            fine=Decimal("50.00"),
            issued_at=issued_at,
            place="8th & Arch St",
            issuing_officer=officer,
            officer_name_as_written=officer.name,
            officer_badge_as_written=officer.badge_number,
            **extra,
        )
        responded = issued_at + datetime.timedelta(days=1)
        paid_on = min(responded.date(), today)
        if track == CitationKind.PA_SUMMARY and i % 2 == 0:
            # Not guilty, with $50 collateral forwarded by the bail fund (Rule 403(B)(2)).
            services.citation_record_response(citation=citation, response=Response.NOT_GUILTY, at=responded, by=by)
            services.payment_record(
                citation=citation, amount=Decimal("50.00"), payer=Payer.BAIL_FUND, paid_on=paid_on, by=by,
                reference="collateral",
            )  # fmt: skip
        elif track == CitationKind.PHL_CVN and i % 4 == 0:
            services.citation_record_response(citation=citation, response=Response.PAID, at=responded, by=by)
            services.payment_record(
                citation=citation, amount=Decimal("50.00"), payer=Payer.BAIL_FUND, paid_on=paid_on, by=by
            )
            services.citation_record_disposition(
                citation=citation, disposition=Disposition.PAID, decided_on=paid_on, by=by
            )
            services.citation_close(citation=citation, by=by, closed_on=paid_on)
        elif track == CitationKind.PHL_CVN and i % 5 == 0:
            services.citation_record_response(citation=citation, response=Response.DISPUTED, at=responded, by=by)
        if i in (4, 11):
            # Citation 4 (a not-guilty plea with collateral) is dismissed and the collateral
            # refunded; citation 11 (a notice to appear) is waived.
            decided_on = min(issued.date() + datetime.timedelta(days=3), today)
            disposition = Disposition.DISMISSED if i == 4 else Disposition.WAIVED
            services.citation_record_disposition(
                citation=citation, disposition=disposition, decided_on=decided_on, by=by
            )
            balance = services.citation_balance(citation=citation)
            for payer, net in balance.by_payer.items():
                if net > 0:
                    services.payment_record(
                        citation=citation, amount=net, payer=payer, paid_on=decided_on, by=by,
                        kind=PaymentKind.REFUND,
                    )  # fmt: skip
            services.citation_close(citation=citation, by=by, closed_on=decided_on)
        citations.append(citation)
    return citations
