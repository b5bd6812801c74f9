"""No seeded rule is verified: "verified" now means a lawyer's or coordinator's review record
(RuleReview), and none has been made. Corrects the seeded citations: the notice to appear is the
statewide Pa.R.Crim.P. 1002 (not a Philadelphia local rule), the $50 collateral is Rule 403(B)(2)'s
text, and the appeal window is Rule 460(A)'s."""

from django.db import migrations

SOURCES = {
    "pa-summary-respond": (
        "Pa.R.Crim.P. 403(B)(2): within 10 days after issuance the defendant pleads not guilty (in writing, "
        "forwarding collateral equal to fine and costs, or $50 when none is specified: Rule 403(B)(2)) or pleads "
        "guilty and pays (Rule 409). Pa.R.Crim.P. 430(B)(1)(a): a bench warrant shall issue when a personally served "
        "citation is not answered. Last day on a weekend or a court closure: 1 Pa.C.S. § 1908."
    ),
    "phl-nta-appear": (
        "Pa.R.Crim.P. 1002(B)(1)(a) (a statewide rule for Philadelphia Municipal Court): the citation comes with a "
        "notice to appear on a set date, time and courtroom; failure to appear is consent to trial in absence, "
        "with 30 days to appeal (Rule 1002(B)(1)(a)(ii))."
    ),
    "pa-summary-appeal": (
        "Pa.R.Crim.P. 460(A): an appeal for a trial de novo is filed within 30 days after the entry of the guilty "
        "plea, the conviction, or other final order. 1 Pa.C.S. § 1908 for a last day on a weekend or a court "
        "closure."
    ),
}
DESCRIPTIONS = {
    "pa-summary-appeal": "Appeal a summary conviction for a trial de novo within 30 days of the decision",
}
OLD_SOURCES = {
    "phl-nta-appear": (
        "Phila. M.C.R.Crim.P. 1002(B)(1)(a): the citation comes with a notice to appear on a set date, time and "
        "courtroom; failure to appear means trial in absence."
    ),
}


def forward(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    DeadlineRule.objects.update(verified=False, verified_at=None)
    for code, source in SOURCES.items():
        DeadlineRule.objects.filter(code=code).update(source=source)
    for code, description in DESCRIPTIONS.items():
        DeadlineRule.objects.filter(code=code).update(description=description)


def backward(apps, schema_editor):
    DeadlineRule = apps.get_model("citations", "DeadlineRule")
    for code, source in OLD_SOURCES.items():
        DeadlineRule.objects.filter(code=code).update(source=source)


class Migration(migrations.Migration):
    dependencies = [("citations", "0007_rule_reviews")]

    operations = [migrations.RunPython(forward, backward)]
