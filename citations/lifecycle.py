"""The citation lifecycle as data: for each track, which action may move a citation from which
state to which, and which pleas and decisions the track knows.

Tracks (see docs/deadlines.md):
- `pa_summary`: Pennsylvania non-traffic summary citation (Pa.R.Crim.P. ch. 4): plead within
  10 days (not guilty with collateral, or guilty and pay), summary trial, 30 days to appeal;
- `phl_summary_nta`: Philadelphia Municipal Court summary citation with a notice to appear: the
  hearing is set on the citation itself, then as above;
- `phl_cvn`: Philadelphia civil code violation notice: pay or dispute within 10 days, then an
  administrative review hearing (no appeal modelled: unverified);
- `generic`: traffic and other citations: every plea and decision, appealable.

`citations.services` enforces this table; nothing else changes a citation's state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Jurisdiction
from citations.models import Citation, CitationKind, CitationStatus, Disposition, Response

if TYPE_CHECKING:  # a lazily translated label or a plain one
    from django_stubs_ext import StrOrPromise

S = CitationStatus
D = Disposition
R = Response

GENERIC = "generic"

# Actions (one service each in citations.services).
RESPOND = "respond"
SCHEDULE_HEARING = "schedule_hearing"
DOCKET = "docket"
DECIDE = "decide"
OPEN_APPEAL_WINDOW = "open_appeal_window"
APPEAL = "appeal"
CLOSE = "close"

ACTION_LABELS = {
    RESPOND: _("record a plea or response"),
    SCHEDULE_HEARING: _("schedule a hearing"),
    DOCKET: _("record the docket number"),
    DECIDE: _("record a decision"),
    OPEN_APPEAL_WINDOW: _("open the appeal window"),
    APPEAL: _("record an appeal"),
    CLOSE: _("close the citation"),
}

# A decision that can be recorded before anyone answered: the prosecution or the city drops it.
DROPPED = frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED})
# A decision that later voids a payment (and leaves a refund owed): the 2020 mass waiver.
VOIDING = DROPPED
# Decisions that leave nothing owed.
NOTHING_OWED = frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED, D.NOT_GUILTY})
ALL_OPEN = frozenset({S.ISSUED, S.ANSWERED, S.HEARING_SCHEDULED, S.DECIDED, S.APPEAL_WINDOW, S.APPEALED})


@dataclass(frozen=True)
class Track:
    code: str
    label: StrOrPromise
    responses: frozenset[str]
    dispositions: frozenset[str]
    appealable: bool
    # action -> {from state: to state}
    moves: dict[str, dict[str, str]] = field(default_factory=dict)
    # responses after which a hearing may be scheduled from ANSWERED (None: any response)
    hearing_after: frozenset[str] | None = None


def _same(states: frozenset[str] | set[str]) -> dict[str, str]:
    return {s: s for s in states}


_APPEAL_MOVES: dict[str, dict[str, str]] = {
    OPEN_APPEAL_WINDOW: {S.DECIDED: S.APPEAL_WINDOW},
    APPEAL: {S.DECIDED: S.APPEALED, S.APPEAL_WINDOW: S.APPEALED},
    CLOSE: {S.DECIDED: S.CLOSED, S.APPEAL_WINDOW: S.CLOSED, S.APPEALED: S.CLOSED},
}

TRACKS: dict[str, Track] = {
    CitationKind.PA_SUMMARY: Track(
        code=CitationKind.PA_SUMMARY,
        label=_("Pennsylvania summary citation"),
        responses=frozenset({R.NOT_GUILTY, R.GUILTY}),
        dispositions=frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED, D.NOT_GUILTY, D.GUILTY}),
        appealable=True,
        moves={
            RESPOND: {S.ISSUED: S.ANSWERED},
            SCHEDULE_HEARING: {S.ANSWERED: S.HEARING_SCHEDULED, S.HEARING_SCHEDULED: S.HEARING_SCHEDULED,
                               S.APPEALED: S.HEARING_SCHEDULED},
            DOCKET: _same(ALL_OPEN),
            DECIDE: {S.ISSUED: S.DECIDED, S.ANSWERED: S.DECIDED, S.HEARING_SCHEDULED: S.DECIDED,
                     S.APPEALED: S.DECIDED},
            **_APPEAL_MOVES,
        },
        hearing_after=frozenset({R.NOT_GUILTY}),
    ),
    CitationKind.PHL_SUMMARY_NTA: Track(
        code=CitationKind.PHL_SUMMARY_NTA,
        label=_("Philadelphia summary citation with notice to appear"),
        responses=frozenset({R.NOT_GUILTY, R.GUILTY}),
        dispositions=frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED, D.NOT_GUILTY, D.GUILTY}),
        appealable=True,
        moves={
            RESPOND: {S.ISSUED: S.ANSWERED, S.HEARING_SCHEDULED: S.HEARING_SCHEDULED},
            SCHEDULE_HEARING: {S.ISSUED: S.HEARING_SCHEDULED, S.ANSWERED: S.HEARING_SCHEDULED,
                               S.HEARING_SCHEDULED: S.HEARING_SCHEDULED, S.APPEALED: S.HEARING_SCHEDULED},
            DOCKET: _same(ALL_OPEN),
            DECIDE: {S.ISSUED: S.DECIDED, S.ANSWERED: S.DECIDED, S.HEARING_SCHEDULED: S.DECIDED,
                     S.APPEALED: S.DECIDED},
            **_APPEAL_MOVES,
        },
    ),
    CitationKind.PHL_CVN: Track(
        code=CitationKind.PHL_CVN,
        label=_("Philadelphia code violation notice"),
        responses=frozenset({R.PAID, R.DISPUTED}),
        dispositions=frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED, D.NOT_GUILTY, D.GUILTY, D.PAID}),
        appealable=False,
        moves={
            RESPOND: {S.ISSUED: S.ANSWERED},
            SCHEDULE_HEARING: {S.ANSWERED: S.HEARING_SCHEDULED, S.HEARING_SCHEDULED: S.HEARING_SCHEDULED},
            DOCKET: _same(ALL_OPEN),
            DECIDE: {S.ISSUED: S.DECIDED, S.ANSWERED: S.DECIDED, S.HEARING_SCHEDULED: S.DECIDED},
            CLOSE: {S.DECIDED: S.CLOSED},
        },
        hearing_after=frozenset({R.DISPUTED}),
    ),
    GENERIC: Track(
        code=GENERIC,
        label=_("Traffic or other citation"),
        responses=frozenset({R.NOT_GUILTY, R.GUILTY, R.PAID, R.DISPUTED}),
        dispositions=frozenset({D.DISMISSED, D.WITHDRAWN, D.WAIVED, D.NOT_GUILTY, D.GUILTY, D.PAID}),
        appealable=True,
        moves={
            RESPOND: {S.ISSUED: S.ANSWERED, S.HEARING_SCHEDULED: S.HEARING_SCHEDULED},
            SCHEDULE_HEARING: {S.ISSUED: S.HEARING_SCHEDULED, S.ANSWERED: S.HEARING_SCHEDULED,
                               S.HEARING_SCHEDULED: S.HEARING_SCHEDULED, S.APPEALED: S.HEARING_SCHEDULED},
            DOCKET: _same(ALL_OPEN),
            DECIDE: {S.ISSUED: S.DECIDED, S.ANSWERED: S.DECIDED, S.HEARING_SCHEDULED: S.DECIDED,
                     S.APPEALED: S.DECIDED},
            **_APPEAL_MOVES,
        },
    ),
}  # fmt: skip


def track_for(kind: str) -> Track:
    """The track a citation kind follows (traffic and other citations follow the generic one)."""
    return TRACKS.get(kind, TRACKS[GENERIC])


def governing_kind(kind: str, *, jurisdiction: str, place: str) -> str:
    """The track whose rules a citation follows: its kind, except that a Pennsylvania summary
    citation in Philadelphia (its jurisdiction or the event's) follows Pa.R.Crim.P. 1002, which
    replaces the Chapter 4 10-day plea with a notice to appear and a summary trial in Philadelphia
    Municipal Court: the notice-to-appear track, whatever track it was recorded on."""
    if kind == CitationKind.PA_SUMMARY and Jurisdiction.PHILADELPHIA in (jurisdiction, place):
        return CitationKind.PHL_SUMMARY_NTA
    return kind


def rule_1002_applies(kind: str, *, jurisdiction: str, place: str) -> bool:
    """Recorded on the statewide track, but Rule 1002 (Philadelphia) governs it (`governing_kind`)."""
    return governing_kind(kind, jurisdiction=jurisdiction, place=place) != kind


def citation_track_kind(citation: Citation) -> str:
    """`governing_kind` of a citation (reads `citation.case.event`: join it)."""
    return governing_kind(citation.kind, jurisdiction=citation.jurisdiction, place=citation.case.event.jurisdiction)


def allowed_from(kind: str, action: str) -> list[str]:
    return list(track_for(kind).moves.get(action, {}))


def next_state(kind: str, action: str, state: str) -> str | None:
    """The state `action` leads to from `state` on this kind's track, or None when not allowed."""
    return track_for(kind).moves.get(action, {}).get(state)


def refusal(kind: str, action: str, state: str) -> str:
    """A clear sentence saying why `action` is refused in `state`, and from where it is allowed."""
    track = track_for(kind)
    states = dict(CitationStatus.choices)
    allowed = [str(states[s]) for s in track.moves.get(action, {})]
    if allowed:
        where = gettext("this is allowed only from: %(states)s") % {"states": ", ".join(allowed)}
    else:
        where = gettext("this is allowed never on this track")
    return gettext("Cannot %(action)s for a %(track)s that is %(state)s: %(where)s.") % {
        "action": ACTION_LABELS[action],
        "track": track.label,
        "state": str(states.get(state, state)).lower(),
        "where": where,
    }


def plea_possible(*, kind: str, status: str, response: str) -> bool:
    """Whether a plea of not guilty can still be entered (the plea letter's precondition): the
    track takes that plea, none has been recorded, and the citation's state still takes a response."""
    return (
        not response
        and Response.NOT_GUILTY in track_for(kind).responses
        and next_state(kind, RESPOND, status) is not None
    )


def actions_open(*, kind: str, status: str, response: str, disposition: str) -> frozenset[str]:
    """The actions a citation in this state can take now, for forms that offer only those: the
    moves of its track from `status`, a hearing only after a response that leads to one, an appeal
    only after a conviction, and a later waiver of a paid notice (which voids the payment)."""
    track = track_for(kind)
    open_ = {action for action, moves in track.moves.items() if status in moves}
    if status == S.ANSWERED and track.hearing_after is not None and response not in track.hearing_after:
        open_.discard(SCHEDULE_HEARING)
    if not track.appealable or disposition != D.GUILTY:
        open_ -= {OPEN_APPEAL_WINDOW, APPEAL}
    if status in (S.DECIDED, S.CLOSED) and disposition == D.PAID:
        open_.add(DECIDE)
    return frozenset(open_)


def dispositions_open(*, kind: str, status: str, response: str, disposition: str) -> list[str]:
    """The decisions that can be recorded now, in the order of `Disposition`: only a drop
    (dismissed, withdrawn, waived) before any plea or hearing or to void a paid notice; "paid"
    only after the notice was paid."""
    track = track_for(kind)
    allowed = set(track.dispositions)
    if status == S.ISSUED or (status in (S.DECIDED, S.CLOSED) and disposition == D.PAID):
        allowed &= DROPPED
    if response != R.PAID:
        allowed.discard(D.PAID)
    return [value for value in D.values if value in allowed]
