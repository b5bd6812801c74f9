"""Reminders pages: a person's reminder consent (lawyers and coordinators), the outbox
(coordinators and administrators: what was sent or would be sent, composed as it would be now),
a lawyer's morning-digest choice, and the SMS provider's two webhooks.

The webhooks carry no session: they are authenticated by the provider's signature
(X-Twilio-Signature over this site's public URL and the POST parameters; 403 without it) and a
replay is refused (409) by the receipt of the message id and status already acted on; delivery
reports also carry the time they were asked for (`t`, covered by the signature) and are refused
outside REMINDERS_WEBHOOK_WINDOW_SECONDS."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import demonstrator_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Demonstrator
from cases.types import signed_in
from reminders.channels import twilio_signature_valid
from reminders.models import ContactConsent, DigestSubscription
from reminders.selectors import outbox as outbox_messages
from reminders.selectors import preference_of
from reminders.services import (
    consent_record,
    digest_subscribe,
    inbound_sms,
    message_status_record,
    messages_preview,
    webhook_receipt_claim,
)
from web.forms.reminders import ConsentForm, DigestForm
from web.permissions import page_for


@page_for("reminders.consent")
@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, person_id: str) -> HttpResponse:
    person = get_visible_or_404(
        demonstrator_list_visible_to(user=request.user), person_id, user=request.user, request=request
    )
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "reminders/consent.html", _consent_context(person, form), status=400)
        consent_record(
            demonstrator=person,
            channel=form.cleaned_data["channel"],
            granted=form.cleaned_data["granted"],
            method=form.cleaned_data["method"],
            by=signed_in(request.user),
        )
        messages.success(request, _("Recorded."))
        return redirect("reminders-consent", person_id=person.public_id)
    audit_record(
        actor=signed_in(request.user),
        action="reminders.consent_read",
        target=person,
        fields=["consent_contact_sms"],
        request=request,
    )
    return render(request, "reminders/consent.html", _consent_context(person, form))


def _consent_context(person: Demonstrator, form: ConsentForm) -> dict[str, object]:
    history = ContactConsent.objects.filter(demonstrator=person).select_related("recorded_by")[:50]
    return {"person": person, "preference": preference_of(person), "history": history, "form": form}


@page_for("reminders.outbox")
@require_GET
@never_cache
def outbox(request: HttpRequest) -> HttpResponse:
    shown = outbox_messages(user=request.user)
    rows = list(zip(shown, messages_preview(shown), strict=True))
    audit_record(actor=signed_in(request.user), action="reminders.outbox_read", request=request, count=len(rows))
    return render(request, "reminders/outbox.html", {"rows": rows})


@page_for("reminders.digest")
@require_http_methods(["GET", "POST"])
def digest(request: HttpRequest) -> HttpResponse:
    user = signed_in(request.user)
    current = DigestSubscription.objects.filter(user=user, active=True).exists()
    form = DigestForm(request.POST if request.method == "POST" else None, initial={"active": current})
    if request.method == "POST" and form.is_valid():
        digest_subscribe(user=user, active=form.cleaned_data["active"])
        messages.success(request, _("Saved."))
        return redirect("reminders-digest")
    return render(request, "reminders/digest.html", {"form": form, "active": current})


# --- the SMS provider's webhooks ---------------------------------------------------------------


def _signed(request: HttpRequest) -> bool:
    base = settings.REMINDERS_PUBLIC_BASE_URL.rstrip("/")
    url = f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()
    params = [(name, value) for name, values in request.POST.lists() for value in values]
    return twilio_signature_valid(url, params, request.headers.get("X-Twilio-Signature"), settings.TWILIO_AUTH_TOKEN)


@csrf_exempt
@require_POST
@never_cache
def sms_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    asked = request.GET.get("t", "")
    if not asked.isdigit() or abs(time.time() - int(asked)) > settings.REMINDERS_WEBHOOK_WINDOW_SECONDS:
        return HttpResponseForbidden()
    sid, status = request.POST.get("MessageSid", ""), request.POST.get("MessageStatus", "")
    # The receipt stands only with what it acknowledges: if recording fails, the provider's retry
    # must be taken, not refused as a replay.
    with transaction.atomic():
        if not sid or not webhook_receipt_claim(key=f"status:{sid}:{status}"):
            return HttpResponse(status=409)
        message_status_record(provider_id=sid, status=status, error_code=request.POST.get("ErrorCode", ""))
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
@never_cache
def sms_inbound(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid", "")
    with transaction.atomic():  # a STOP that failed to record must be taken when the provider retries
        if not sid or not webhook_receipt_claim(key=f"inbound:{sid}"):
            return HttpResponse(status=409)
        reply = inbound_sms(from_number=request.POST.get("From", ""), body=request.POST.get("Body", ""))
    inner = f"<Message>{escape(reply)}</Message>" if reply else ""
    twiml = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return HttpResponse(twiml, content_type="application/xml")
