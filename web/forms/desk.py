"""Forms for the lawyer's lifecycle actions. They only parse input; citations.services decides
whether a move is allowed and says why not (its ValidationErrors land on these forms)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import CaseStatus, Event, Payer
from cases.services import CLOSE_NOTE_MAX
from citations import lifecycle
from citations.models import Citation, Disposition, PaymentKind, Response

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _datetime_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


# The empty first choice of a menu whose every answer changes the record: a stray Save records nothing.
CHOOSE = ("", _("Choose…"))


class ActionForm(forms.Form):
    action = ""
    # The lifecycle action this form performs (citations.lifecycle); "" for one open in every state.
    lifecycle_action = ""

    @classmethod
    def open_for(cls, citation: Citation) -> bool:
        """Whether the citation's state allows this form's action (citations.lifecycle decides)."""
        if not cls.lifecycle_action:
            return True
        return cls.lifecycle_action in lifecycle.actions_open(
            kind=lifecycle.citation_track_kind(citation),
            status=citation.status,
            response=citation.response,
            disposition=citation.disposition,
        )

    def __init__(self, *args: Any, citation: Citation, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.citation = citation

    def apply_service_error(self, exc: ValidationError) -> None:
        """Put a service's refusal on the field it names, or on the form as a whole."""
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, exc)


class ResponseForm(ActionForm):
    action = "respond"
    lifecycle_action = lifecycle.RESPOND
    response = forms.ChoiceField(label=_("Plea or response"))
    at = _datetime_field(_("When it was sent"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = lifecycle.track_for(lifecycle.citation_track_kind(self.citation)).responses
        cast(forms.ChoiceField, self.fields["response"]).choices = [
            CHOOSE,
            *[(v, label) for v, label in Response.choices if v in allowed],
        ]
        self.initial.setdefault("at", timezone.localtime().replace(second=0, microsecond=0))


class HearingForm(ActionForm):
    action = "hearing"
    lifecycle_action = lifecycle.SCHEDULE_HEARING
    hearing_at = _datetime_field(_("Hearing date and time"))
    courtroom = forms.CharField(label=_("Courtroom"), max_length=40, required=False)
    confirm_closed_day = forms.BooleanField(
        label=_("The court set it on a day it is usually closed: record it anyway"), required=False
    )


class DocketForm(ActionForm):
    action = "docket"
    lifecycle_action = lifecycle.DOCKET
    docket_number = forms.CharField(label=_("Docket number"), max_length=60)


class DecisionForm(ActionForm):
    action = "decision"
    lifecycle_action = lifecycle.DECIDE
    disposition = forms.ChoiceField(label=_("Decision"))
    decided_on = _date_field(_("Decided on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every decision a bound form may carry (the service says why one is refused); a fresh
        # form offers only those the citation's state allows now.
        c = self.citation
        open_ = (
            lifecycle.dispositions_open(
                kind=lifecycle.citation_track_kind(c), status=c.status, response=c.response, disposition=c.disposition
            )
            if not self.is_bound
            else [v for v in Disposition.values if v != Disposition.PENDING]
        )
        labels = dict(Disposition.choices)
        cast(forms.ChoiceField, self.fields["disposition"]).choices = [CHOOSE, *[(v, labels[v]) for v in open_]]
        self.initial.setdefault("decided_on", timezone.localdate())


class PaymentForm(ActionForm):
    action = "payment"
    kind = forms.ChoiceField(label=_("Payment or refund"), choices=PaymentKind.choices, initial=PaymentKind.PAYMENT)
    amount = forms.DecimalField(label=_("Amount ($)"), max_digits=10, decimal_places=2, min_value=0)
    payer = forms.ChoiceField(label=_("Paid by"), choices=Payer.choices, initial=Payer.SELF)
    paid_on = _date_field(_("Date"))
    reference = forms.CharField(label=_("Receipt or reference"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("paid_on", timezone.localdate())


class AppealForm(ActionForm):
    action = "appeal"
    lifecycle_action = lifecycle.APPEAL
    filed_on = _date_field(_("Appeal filed on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("filed_on", timezone.localdate())


class CloseForm(ActionForm):
    action = "close"
    lifecycle_action = lifecycle.CLOSE
    closed_on = _date_field(_("Closed on"))
    appeal_waived = forms.BooleanField(
        label=_("The client has decided not to appeal (closes an open appeal window)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("closed_on", timezone.localdate())


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (ResponseForm, HearingForm, DocketForm, DecisionForm, PaymentForm, AppealForm, CloseForm)
}


class CaseCloseForm(forms.Form):
    """Close a case; with pending matters, the confirmation and the reason why (cases.services.case_close)."""

    closed_on = forms.DateField(
        label=_("Closed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    confirm = forms.BooleanField(label=_("Close the case although these matters are pending"), required=False)
    note = forms.CharField(
        label=_("Why the case closes anyway (kept encrypted with the case)"),
        required=False,
        max_length=CLOSE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CaseFilterForm(forms.Form):
    """The filters of "My cases": event, status and a deadline window."""

    WINDOWS = [
        ("", _("Any")),
        ("overdue", _("Overdue")),
        ("7", _("Due within 7 days")),
        ("14", _("Due within 14 days")),
        ("30", _("Due within 30 days")),
    ]
    event = forms.ChoiceField(label=_("Event"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *CaseStatus.choices])
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=WINDOWS)

    def __init__(self, *args: Any, events: Iterable[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["event"]).choices = [
            ("", _("All events")),
            *[(str(e.public_id), e.name) for e in events],
        ]


class DocketFilterForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    courtroom = forms.CharField(label=_("Courtroom"), max_length=40, required=False)


class CaseSearchForm(forms.Form):
    """One box for a case number, a citation or docket number, or a person's full name; sent in
    a POST body (a name never goes into a URL)."""

    q = forms.CharField(
        label=_("Find a case"),
        max_length=200,
        help_text=_("Case number, citation or docket number, or a person's full name (exact)."),
        widget=forms.TextInput(attrs={"aria-describedby": "search-help", "autocomplete": "off", "type": "search"}),
    )
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class RuleReviewForm(forms.Form):
    source_version = forms.CharField(
        label=_(
            "Which version of the source you checked (e.g. the rule as amended on a date, the page as read on a date)"
        ),
        max_length=200,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
