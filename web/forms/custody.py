"""Forms of the custody pages: assigning jail support to an event."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Event
from cases.types import User


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


class JailSupportAssignForm(forms.Form):
    ASSIGN = "assign"
    UNASSIGN = "unassign"

    user = AccountChoiceField(label=_("Jail-support account"), queryset=User.objects.none())
    event = forms.ModelChoiceField(label=_("Event"), queryset=Event.objects.none(), to_field_name="public_id")
    action = forms.ChoiceField(
        choices=[(ASSIGN, _("Assign")), (UNASSIGN, _("Remove"))], initial=ASSIGN, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, accounts: QuerySet[User], events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(AccountChoiceField, self.fields["user"]).queryset = accounts
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events
