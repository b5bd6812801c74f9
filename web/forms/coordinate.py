"""Forms of the coordinator's pages: assignment, accounts, audit-trail filters."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.roles import Role
from cases.types import User
from citations.models import Court

ROLE_LABELS = [
    (Role.OBSERVER.value, _("Observer")),
    (Role.JAIL_SUPPORT.value, _("Jail support")),
    (Role.LAWYER.value, _("Lawyer")),
    (Role.ORGANIZER.value, _("Organizer")),
    (Role.COORDINATOR.value, _("Coordinator")),
    (Role.ADMINISTRATOR.value, _("Administrator")),
]


class LawyerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class AssignForm(forms.Form):
    lawyers = LawyerChoiceField(
        label=_("Lawyers"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, lawyers: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(LawyerChoiceField, self.fields["lawyers"]).queryset = lawyers


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_LABELS)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Give it to the person in person; they should change it."),
    )


class AccountRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_LABELS)


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Who (username)"), max_length=150, required=False)
    action = forms.CharField(label=_("Action starts with"), max_length=60, required=False)
    target_type = forms.CharField(label=_("Record type"), max_length=60, required=False)
    target_id = forms.CharField(label=_("Record id"), max_length=64, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


WEEKDAY_CHOICES = [
    ("0", _("Monday")), ("1", _("Tuesday")), ("2", _("Wednesday")), ("3", _("Thursday")), ("4", _("Friday")),
    ("5", _("Saturday")), ("6", _("Sunday")),
]  # fmt: skip


class ClerkHoursForm(forms.Form):
    """A court clerk's office hours, with their source and whether they are confirmed."""

    court = forms.ChoiceField(label=_("Court"), choices=Court.choices)
    office = forms.CharField(label=_("Office (e.g. the criminal filing office)"), max_length=120)
    weekdays = forms.MultipleChoiceField(
        label=_("Open on"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    opens = forms.TimeField(label=_("Opens"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes = forms.TimeField(label=_("Closes"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    source = forms.CharField(
        label=_("Source (the court's page URL, or the order)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(
        label=_("Confirmed against the court's own page or order (otherwise shown with a warning to check)"),
        required=False,
    )


class CourtClosureForm(forms.Form):
    court = forms.ChoiceField(label=_("Court"), choices=Court.choices)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=120)
    source = forms.CharField(
        label=_("Source (the court's calendar URL, or the order)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    uncertain = forms.BooleanField(
        label=_("Uncertain (not on the court's own calendar: deadlines will not move past it)"), required=False
    )
