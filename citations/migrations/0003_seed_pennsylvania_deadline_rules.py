"""Seed the Pennsylvania and Philadelphia deadline rules, each with its source.

Coordinators edit these in the admin afterwards; `verified=False` marks a rule whose source is
uncertain and which a lawyer must review (see docs/deadlines.md)."""

from django.db import migrations

RULES = [
    {
        "code": "pa-summary-respond",
        "jurisdiction": "PA",
        "citation_kind": "pa_summary",
        "kind": "respond",
        "trigger": "issued",
        "offset": 10,
        "roll": "next_business_day",
        "warrant_risk": True,
        "verified": True,
        "description": "Plead within 10 days of issue: not guilty with collateral, or guilty and pay",
        "source": (
            "Pa.R.Crim.P. 403(B)(2): within 10 days after issuance the defendant pleads not guilty (in writing, "
            "forwarding collateral equal to fine and costs; $50 when none is specified, Rule 413) or pleads guilty "
            "and pays (Rule 409). Pa.R.Crim.P. 430(B)(1)(a): a bench warrant shall issue when a personally served "
            "citation is not answered. Last day on a weekend or legal holiday: 1 Pa.C.S. § 1908."
        ),
    },
    {
        "code": "pa-traffic-respond",
        "jurisdiction": "PA",
        "citation_kind": "traffic",
        "kind": "respond",
        "trigger": "issued",
        "offset": 10,
        "roll": "next_business_day",
        "warrant_risk": True,
        "verified": False,
        "description": "Plead within 10 days of issue (traffic summary citation)",
        "source": (
            "Pa.R.Crim.P. 403 and 407-408 (traffic summary citations, same 10-day answer; unverified for this "
            "track). 1 Pa.C.S. § 1908 for a last day on a weekend or holiday."
        ),
    },
    {
        "code": "phl-cvn-pay-or-dispute",
        "jurisdiction": "PA-PHL",
        "citation_kind": "phl_cvn",
        "kind": "pay_or_dispute",
        "trigger": "issued",
        "offset": 10,
        "roll": "none",
        "warrant_risk": False,
        "verified": True,
        "description": "Pay or dispute the code violation notice within 10 calendar days of issue",
        "source": (
            "City of Philadelphia, code violation notices: pay within 10 calendar days of issue or dispute before "
            "the Office of Administrative Review; late payment adds penalties and an unpaid notice can become a "
            "Code Enforcement Complaint in Municipal Court. Whether a weekend or holiday last day rolls over is "
            "unverified, so the earlier (unrolled) day is shown."
        ),
    },
    {
        "code": "phl-nta-appear",
        "jurisdiction": "PA-PHL",
        "citation_kind": "phl_summary_nta",
        "kind": "appear",
        "trigger": "hearing",
        "offset": 0,
        "roll": "none",
        "warrant_risk": False,
        "verified": True,
        "description": "Appear on the notice-to-appear date, time and courtroom",
        "source": (
            "Phila. M.C.R.Crim.P. 1002(B)(1)(a): the citation comes with a notice to appear on a set date, time and "
            "courtroom; failure to appear means trial in absence."
        ),
    },
    {
        "code": "appear-at-hearing",
        "jurisdiction": "",
        "citation_kind": "",
        "kind": "appear",
        "trigger": "hearing",
        "offset": 0,
        "roll": "none",
        "warrant_risk": False,
        "verified": False,
        "description": "Appear at the scheduled hearing",
        "source": (
            "Catch-all for hearings not covered by a more specific rule (summary trials, administrative review "
            "hearings, trials de novo). The consequence of not appearing (trial in absence, bench warrant) "
            "depends on the track: unverified."
        ),
    },
    {
        "code": "pa-summary-appeal",
        "jurisdiction": "PA",
        "citation_kind": "",
        "kind": "appeal",
        "trigger": "convicted",
        "offset": 30,
        "roll": "next_business_day",
        "warrant_risk": False,
        "verified": False,
        "description": "Appeal a summary conviction for a trial de novo within 30 days of the decision",
        "source": (
            "Pa.R.Crim.P. 460-462: an appeal for a trial de novo is filed within 30 days after the summary "
            "conviction (the exact rule numbers are unverified). 1 Pa.C.S. § 1908 for a last day on a weekend or "
            "holiday."
        ),
    },
    {
        "code": "pa-civil-claim-1983",
        "jurisdiction": "PA",
        "citation_kind": "",
        "complaint_forum": "",
        "kind": "civil_claim",
        "trigger": "incident",
        "offset": 2,
        "offset_unit": "years",
        "roll": "none",
        "warrant_risk": False,
        "verified": False,
        "description": "Bring a civil claim (42 U.S.C. § 1983) within 2 years of the incident",
        "source": (
            "42 U.S.C. § 1983 claims borrow Pennsylvania's two-year limitation for personal injury "
            "(42 Pa.C.S. § 5524), generally from when the person knew of the injury. Accrual, tolling and the "
            "effect of a conviction are for a lawyer (unverified); shown as a hard deadline of incident date + 2 "
            "years, without rolling to a later day."
        ),
    },
    {
        "code": "phl-oversight-complaint",
        "jurisdiction": "PA-PHL",
        "citation_kind": "",
        "complaint_forum": "oversight",
        "kind": "oversight_complaint",
        "trigger": "incident",
        "offset": 0,
        "roll": "next_business_day",
        "warrant_risk": False,
        "verified": False,
        "active": False,
        "description": "File with the Citizens Police Oversight Commission (window unverified: set it, then activate)",
        "source": (
            "Citizens Police Oversight Commission (successor of the Police Advisory Commission): complaints online, "
            "by mail, e-mail or in person, anonymous allowed, sent on to Police Internal Affairs. The filing "
            "window is unverified: a coordinator sets the offset once a lawyer has confirmed it, then activates "
            "this rule."
        ),
    },
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    for values in RULES:
        values = dict(values)
        code = values.pop("code")
        DeadlineRule.objects.update_or_create(code=code, defaults=values)


def unseed(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    DeadlineRule.objects.filter(code__in=[r["code"] for r in RULES], deadlines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("citations", "0002_deadlines_and_calendar_feeds")]

    operations = [migrations.RunPython(seed, unseed)]
