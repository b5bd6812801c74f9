from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.access import event_list_visible_to
from cases.models import Event
from cases.types import AnyUser
from citations.imports import MAX_BYTES
from citations.models import CitationKind


class CitationImportForm(forms.Form):
    event = forms.ModelChoiceField(
        queryset=Event.objects.none(), label=_("Event the citations belong to"), to_field_name="public_id"
    )
    kind = forms.ChoiceField(
        choices=CitationKind.choices,
        initial=CitationKind.PHL_CVN,
        label=_("Kind of citation (when the file has no 'kind' column)"),
    )
    default_fine = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        label=_("Fine (when the file has no 'fine' column)"),
        help_text=_("Leave empty when unknown."),
    )
    file = forms.FileField(label=_("CSV file (UTF-8 or Windows-1252)"))
    dry_run = forms.BooleanField(required=False, label=_("Check only: validate and count, write nothing"))
    partial = forms.BooleanField(
        required=False, label=_("Import the valid rows even if some rows have errors (default: all or nothing)")
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = event_list_visible_to(user=user)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large; split it."))
        return upload
