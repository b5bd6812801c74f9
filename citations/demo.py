"""Demo citations on the three tracks, for `seed_demo` (realistic states and money)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from cases.models import Case, Jurisdiction, Officer, Payer
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Payment, PaymentKind, Response

OFFENSES = [
    ("18 Pa.C.S. § 5502", "", "Failure to disperse upon official order"),
    ("18 Pa.C.S. § 5503", "(a)(4)", "Disorderly conduct: hazardous or physically offensive condition"),
    ("Phila. Code § 10-611", "(1)(a)", "Obstruction of highways and other public passages"),
]


def create_citations(
    *, cases: list[Case], officers: list[Officer], starts: datetime.datetime, by: Any, rng: random.Random
) -> list[Citation]:
    issued = starts + datetime.timedelta(hours=22)
    citations = []
    for i, case in enumerate(cases):
        if i % 8 == 7:  # a few people were arrested or observed but not cited
            continue
        track = [CitationKind.PHL_CVN, CitationKind.PA_SUMMARY, CitationKind.PHL_SUMMARY_NTA][i % 3]
        code, sub, desc = OFFENSES[0] if track != CitationKind.PHL_CVN else OFFENSES[2]
        officer = officers[i % (len(officers) - 1)]
        citation = Citation(
            case=case,
            number=f"{'CVN' if track == CitationKind.PHL_CVN else 'SC'}-{2026}{i:05d}",
            agency="Philadelphia Police Department",
            jurisdiction=Jurisdiction.PHILADELPHIA if track != CitationKind.PA_SUMMARY else Jurisdiction.PENNSYLVANIA,
            kind=track,
            offense_code=code,
            offense_subsection=sub,
            offense_description=desc,
            fine=Decimal("50.00"),
            costs=Decimal("0.00") if track == CitationKind.PHL_CVN else Decimal("0.00"),
            issued_at=issued + datetime.timedelta(minutes=i * 4),
            place="8th & Arch St",
            issuing_officer=officer,
            officer_name_as_written=officer.name,
            officer_badge_as_written=officer.badge_number,
        )
        if track == CitationKind.PHL_SUMMARY_NTA:
            citation.hearing_at = (issued + datetime.timedelta(days=21)).replace(hour=9, minute=0)
            citation.courtroom = ["1104", "306"][i % 2]
            citation.status = CitationStatus.HEARING_SCHEDULED
            citation.docketed = i % 2 == 0
        elif track == CitationKind.PA_SUMMARY and i % 2 == 0:
            citation.status = CitationStatus.ANSWERED
            citation.response = Response.NOT_GUILTY
            citation.responded_at = issued + datetime.timedelta(days=2)
        citation.save()
        if track == CitationKind.PHL_CVN and i % 4 == 0:
            Payment.objects.create(
                citation=citation, amount=Decimal("50.00"), payer=Payer.BAIL_FUND,
                paid_on=(issued + datetime.timedelta(days=1)).date(), recorded_by=by,
            )  # fmt: skip
            citation.status = CitationStatus.CLOSED
            citation.response = Response.PAID
            citation.disposition = Disposition.PAID
            citation.save()
        elif track == CitationKind.PHL_CVN and i % 5 == 0:
            citation.status = CitationStatus.ANSWERED
            citation.response = Response.DISPUTED
            citation.save()
        if i in (4, 11):
            citation.status = CitationStatus.CLOSED
            citation.disposition = Disposition.DISMISSED if i == 4 else Disposition.WAIVED
            citation.decided_on = issued.date() + datetime.timedelta(days=3)
            citation.save()
            if i == 11 and citation.payments.exists():
                Payment.objects.create(
                    citation=citation, kind=PaymentKind.REFUND, amount=Decimal("50.00"), payer=Payer.BAIL_FUND,
                    paid_on=citation.decided_on, recorded_by=by,
                )  # fmt: skip
        citations.append(citation)
    return citations
