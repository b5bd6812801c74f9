"""Display translations of texts stored in English: the deadline rules' descriptions and the
offence descriptions of citations. The one place a page, an e-mail or a letter turns them into
the reader's language; court filings render under English, so they keep the stored words.

A stored text is its own msgid: the seeded rules' descriptions (citations/migrations/0003) and
the offences seen on protest citations are listed here with `gettext_noop`, so the catalogue
holds them; a text typed by a coordinator, or imported from a spreadsheet, that the catalogue
does not know shows as typed.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

RULE_DESCRIPTIONS = (
    gettext_noop("Plead within 10 days of issue: not guilty with collateral, or guilty and pay"),
    gettext_noop("Plead within 10 days of issue (traffic summary citation)"),
    gettext_noop("Pay or dispute the code violation notice within 10 calendar days of issue"),
    gettext_noop("Appear on the notice-to-appear date, time and courtroom"),
    gettext_noop("Appear at the scheduled hearing"),
    gettext_noop("Appear at the summary trial (a missed trial can bring a bench warrant)"),
    gettext_noop("Appeal a summary conviction for a trial de novo within 30 days of the decision"),
    gettext_noop("Bring a civil claim (42 U.S.C. § 1983) within 2 years of the incident"),
    gettext_noop("File with the Citizens Police Oversight Commission (window unverified: set it, then activate)"),
)

OFFENSE_DESCRIPTIONS = (
    gettext_noop("Failure to disperse upon official order"),
    gettext_noop("Disorderly conduct: hazardous or physically offensive condition"),
    gettext_noop("Obstruction of highways and other public passages"),
    gettext_noop("Obstructing highways and other public passages"),
    gettext_noop("Curfew"),
    gettext_noop("Obstruction of highways"),
    gettext_noop("Failure to disperse"),
    gettext_noop("Disorderly conduct"),
)


def rule_description(text: str) -> str:
    """A deadline rule's description in the active language (as stored when not catalogued)."""
    return gettext(text) if text else text


def offense_description(text: str) -> str:
    """A citation's offence description in the active language (as stored when not catalogued)."""
    return gettext(text) if text else text
