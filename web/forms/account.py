"""Forms of the sign-in, second-factor, account and lockdown pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

GENERIC_LOGIN_ERROR = _(
    "Those details did not work. After several failed attempts, sign-in is paused for a while; "
    "ask a coordinator if you are stuck."
)


class TrackerAuthenticationForm(AuthenticationForm):
    """One message for a wrong password, an unknown user, a suspended account and a lockout."""

    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class LockdownForm(forms.Form):
    confirm = forms.CharField(
        label=_('Type "LOCK DOWN" to confirm'), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    destroy_keys = forms.BooleanField(label=_("Also destroy the encryption keys (crypto-shredding)"), required=False)
    confirm_destroy = forms.CharField(
        label=_('To destroy the keys, also type "DESTROY KEYS"'),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("confirm") != "LOCK DOWN":
            self.add_error("confirm", _('Type exactly "LOCK DOWN".'))
        if data.get("destroy_keys") and data.get("confirm_destroy") != "DESTROY KEYS":
            self.add_error("confirm_destroy", _('Keys are destroyed only when you also type exactly "DESTROY KEYS".'))
        if data.get("confirm_destroy") and not data.get("destroy_keys"):
            self.add_error("destroy_keys", _("Tick the box as well to destroy the keys."))
        return data


class AccountLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the e-mails the tracker sends you"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
