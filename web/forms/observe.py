"""The observer's incident form: validation only; `cases.services.incident_create` does the writing."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, cast

import puremagic
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.access import event_list_visible_to
from cases.models import FREE_TEXT_WARNING, Conduct, Event, ForceType, YesNoUnknown
from cases.services import ArrestWitnessed, Attachment, IncidentInput, OfficerSeen
from cases.types import AnyUser

AGENCIES = [
    ("Philadelphia Police Department", _("Philadelphia Police Department")),
    ("Pennsylvania State Police", _("Pennsylvania State Police")),
    ("SEPTA Transit Police", _("SEPTA Transit Police")),
    ("Federal Protective Service", _("Federal Protective Service")),
    ("Immigration and Customs Enforcement", _("Immigration and Customs Enforcement")),
    ("Sheriff's Office", _("Sheriff's Office")),
]
# Photos and videos only, recognised from their content (never from the name). SVG and HTML are refused.
MEDIA_TYPES = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "image/webp": "photo",
    "image/heic": "photo",
    "video/mp4": "video",
    "video/quicktime": "video",
    "video/webm": "video",
    "video/3gpp": "video",
}
MAX_OFFICERS = 50
MAX_ARRESTS = 100
MAX_FILES = 10
HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,video/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def sniff_media(upload: Any) -> tuple[str, str]:
    """(kind, content type) of a photo or video, from its first bytes; ValidationError otherwise."""
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    try:
        mime = puremagic.from_string(head, mime=True) if head else ""
    except puremagic.PureError:
        mime = ""
    if mime not in MEDIA_TYPES:
        raise forms.ValidationError(_("Only photos and videos can be attached."), code="type")
    return MEDIA_TYPES[mime], mime


def _warned_text(label: Any, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=FREE_TEXT_WARNING,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class IncidentReportForm(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Event"), empty_label=None)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Where"), max_length=300, required=False)
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180, required=False)
    agencies = forms.MultipleChoiceField(
        label=_("Agencies present"), choices=AGENCIES, required=False, widget=forms.CheckboxSelectMultiple
    )
    agencies_other = forms.CharField(label=_("Other agency"), max_length=120, required=False)
    commander_present = forms.CharField(label=_("Commander present (name or rank)"), max_length=200, required=False)
    dispersal_warning = forms.ChoiceField(
        label=_("Was a dispersal warning given?"),
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )
    dispersal_warning_by = forms.CharField(label=_("Given by"), max_length=200, required=False)
    dispersal_warning_words = forms.CharField(
        label=_("Words used"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    dispersal_warning_audible = forms.ChoiceField(
        label=_("Could you hear it where people were?"),
        choices=YesNoUnknown.choices,
        initial=YesNoUnknown.UNKNOWN,
        widget=forms.RadioSelect,
    )
    officer_badge = forms.CharField(label=_("Badge number"), max_length=20, required=False)
    officer_unit = forms.CharField(label=_("Unit, helmet or vehicle number"), max_length=120, required=False)
    officer_features = forms.CharField(label=_("Features when no badge is seen"), max_length=500, required=False)
    force_types = forms.ModelMultipleChoiceField(
        label=_("Force used"), queryset=ForceType.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    arrest_description = forms.CharField(
        label=_("Arrested person (clothing, not names)"), max_length=300, required=False
    )
    arrest_conduct = forms.ChoiceField(
        label=_("Their conduct"), choices=Conduct.choices, initial=Conduct.UNKNOWN, required=False
    )
    people_affected_count = forms.IntegerField(
        label=_("How many people were affected?"), min_value=0, max_value=100000, required=False
    )
    injuries = _warned_text(_("Injuries seen"))
    witnesses = _warned_text(_("Witnesses (how to reach them)"))
    video_holders = _warned_text(_("Who has video"), rows=2)
    media_present = forms.CharField(label=_("Media present"), max_length=300, required=False)
    narrative = _warned_text(_("What happened"), rows=6, max_length=20000)
    # Named like the form's own `files` (the uploads); the form metaclass moves declared fields off the class.
    files = MultipleFileField(label=_("Photos and videos"), required=False)  # type: ignore[assignment]  # BaseForm.files

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = event_list_visible_to(user=user)
        cast(forms.ModelChoiceField, self.fields["event"]).queryset = events
        if not self.is_bound:
            latest = events.order_by("-starts_at").first()
            self.initial.setdefault("event", latest.pk if latest else None)
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("client_uuid", uuid.uuid4())

    # Officers and arrests come as repeated JSON values ("chips" added on the phone), plus
    # whatever is still typed in the add-one inputs (so the form also works without JavaScript).
    def _json_list(self, name: str, limit: int) -> list[dict[str, Any]]:
        raw = self.data.getlist(name) if hasattr(self.data, "getlist") else self.data.get(name, [])
        items = []
        for value in raw[: limit + 1]:
            try:
                item = json.loads(value)
            except (TypeError, ValueError):
                raise forms.ValidationError(_("An entry could not be read; remove it and add it again.")) from None
            if not isinstance(item, dict):
                raise forms.ValidationError(_("An entry could not be read; remove it and add it again."))
            items.append({k: str(v)[:500] for k, v in item.items() if isinstance(v, str | int)})
        if len(items) > limit:
            raise forms.ValidationError(_("Too many entries."))
        return items

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        officers = []
        try:
            entries = self._json_list("officer", MAX_OFFICERS)
        except forms.ValidationError as exc:
            self.add_error("officer_badge", exc)
            entries = []
        typed = {k: data.get(f"officer_{k}", "") for k in ("badge", "unit", "features")}
        if any(typed.values()):
            entries.append(typed)
        for entry in entries:
            badge = entry.get("badge", "").strip()[:20]
            features = entry.get("features", "").strip()
            unit = entry.get("unit", "").strip()[:120]
            if not (badge or unit or features):
                continue
            officers.append(
                # the free-text "unit, helmet or vehicle number" is a marking as seen, not a unit
                OfficerSeen(
                    badge_number=badge, marking=unit, features=features, badge_status="" if badge else "not_seen"
                )
            )
        data["officers"] = officers

        arrests = []
        try:
            entries = self._json_list("arrest", MAX_ARRESTS)
        except forms.ValidationError as exc:
            self.add_error("arrest_description", exc)
            entries = []
        if data.get("arrest_description"):
            entries.append({"description": data["arrest_description"], "conduct": data.get("arrest_conduct", "")})
        valid_conduct = {c.value for c in Conduct}
        for entry in entries:
            conduct = entry.get("conduct") or Conduct.UNKNOWN
            if conduct not in valid_conduct:
                self.add_error("arrest_conduct", _("Choose a conduct from the list."))
                continue
            arrests.append(ArrestWitnessed(description=entry.get("description", "").strip()[:300], conduct=conduct))
        data["arrests_seen"] = arrests

        files = data.get("files") or []
        if len(files) > MAX_FILES:
            self.add_error("files", _("Attach at most %(n)d files at once.") % {"n": MAX_FILES})
        attachments = []
        # The phone's SHA-256 of each file, in the files' order (observer.js); anything else is dropped.
        posted = self.data.getlist("files_sha256") if hasattr(self.data, "getlist") else []
        digests = [d if HEX_SHA256.fullmatch(d) else "" for d in posted[: len(files)]]
        digests += [""] * (len(files) - len(digests))
        for upload, digest in zip(files, digests, strict=True):
            if upload.size > settings.EVIDENCE_MAX_BYTES:
                self.add_error("files", _("A file is too large."))
                continue
            try:
                kind, content_type = sniff_media(upload)
            except forms.ValidationError as exc:
                self.add_error("files", exc)
                continue
            attachments.append(Attachment(upload=upload, kind=kind, content_type=content_type, client_sha256=digest))
        data["attachments"] = attachments
        return data

    def incident_input(self) -> IncidentInput:
        d = self.cleaned_data
        agencies = list(d.get("agencies") or [])
        if d.get("agencies_other"):
            agencies.append(d["agencies_other"].strip())
        return IncidentInput(
            event=d["event"],
            occurred_at=d["occurred_at"],
            place=d.get("place", ""),
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            agencies_present="; ".join(agencies)[:300],
            commander_present=d.get("commander_present", ""),
            dispersal_warning=d["dispersal_warning"],
            dispersal_warning_by=d.get("dispersal_warning_by", ""),
            dispersal_warning_words=d.get("dispersal_warning_words", ""),
            dispersal_warning_audible=d["dispersal_warning_audible"],
            narrative=d.get("narrative", ""),
            injuries=d.get("injuries", ""),
            witnesses=d.get("witnesses", ""),
            video_holders=d.get("video_holders", ""),
            media_present=d.get("media_present", ""),
            people_affected_count=d.get("people_affected_count"),
            force_types=list(d.get("force_types") or []),
            officers=d["officers"],
            arrests_seen=d["arrests_seen"],
        )


def _chip_label(entry: dict[str, Any], keys: tuple[str, ...]) -> str:
    return " · ".join(str(entry[k]) for k in keys if entry.get(k))


def posted_chips(form: IncidentReportForm) -> dict[str, list[tuple[str, str]]]:
    """Officer and arrest entries sent with a form that came back with errors, to show them again."""
    out: dict[str, list[tuple[str, str]]] = {"officer": [], "arrest": []}
    if not form.is_bound or not hasattr(form.data, "getlist"):
        return out
    labels = {"officer": ("badge", "unit", "features"), "arrest": ("description", "conduct")}
    for name, keys in labels.items():
        for raw in form.data.getlist(name)[:MAX_ARRESTS]:
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict):
                out[name].append((_chip_label(entry, keys), raw))
    return out
