"""The intake desk's pages: one-step intake (phone and desk), the duplicate suggestions it fetches
while typing, a release recorded into the case, and the person-merge queue with its merge and
undo. Writes go through custody.services, reads through custody.selectors and the scopes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import arrest_list_visible_to, demonstrator_list_visible_to, event_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Demonstrator
from cases.types import signed_in
from custody.selectors.duplicates import (
    Suggestion,
    dismissals_undoable,
    duplicate_suggestions,
    likely_duplicate_pairs,
    merges_undoable,
    people_in_play,
)
from custody.services.intake import intake_register, release_record
from custody.services.merge import duplicate_dismiss, duplicate_dismissal_undo, person_merge, person_merge_undo
from web.forms.intake import DuplicateQueryForm, IntakeForm, MergeForm, ReleaseForm, citation_formset
from web.permissions import page_for

NAME_FIELDS = ["legal_name", "preferred_name"]
REASON_LABELS = {
    "name": gettext_lazy("same name"),
    "phone": gettext_lazy("same phone"),
    "email": gettext_lazy("same e-mail"),
    "name_and_birth_date": gettext_lazy("same name and birth date"),
    "close_spelling": gettext_lazy("similar name at this event"),
}


def _apply_service_error(exc: ValidationError, form: Any, citations: Any) -> None:
    """A service's refusal on the field it names, the citation row it names ("citations.N"), or
    the form as a whole; what was typed stays in the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        messages_ = [m for error in errors for m in error.messages]
        if name.startswith("citations."):
            citations.apply_service_error(int(name.split(".", 1)[1]), messages_)
        elif name in form.fields:
            form.add_error(name, messages_)
        else:
            form.add_error(None, messages_)


@page_for("intake.create")
@require_http_methods(["GET", "POST"])
def intake_page(request: HttpRequest) -> HttpResponse:
    """GET: the form. POST: register the person (or use the chosen one), their case for the
    event, the arrest and the citations at once, then open the case."""
    user = signed_in(request.user)
    events = event_list_visible_to(user=user).order_by("-starts_at")
    data = request.POST if request.method == "POST" else None
    form = IntakeForm(data, events=events)  # (the latest event comes first and is preselected)
    citations = citation_formset(data)
    chosen: Demonstrator | None = None
    if request.method == "POST":
        valid = form.is_valid() and citations.is_valid()
        if form.is_valid() and form.cleaned_data.get("existing_person"):
            chosen = (
                demonstrator_list_visible_to(user=user)
                .filter(public_id=form.cleaned_data["existing_person"], purged_at__isnull=True)
                .first()
            )
            if chosen is None:
                form.add_error(None, _("The chosen person is no longer available; choose again."))
                valid = False
        if valid:
            try:
                result = intake_register(
                    by=user,
                    event=form.cleaned_data["event"],
                    person=form.person_fields(),
                    existing_person=chosen,
                    arrest=form.arrest_fields(),
                    citations=citations.citations(),
                )
            except ValidationError as exc:
                _apply_service_error(exc, form, citations)
            else:
                messages.success(
                    request,
                    _("Case %(n)s registered with %(c)s citation(s).")
                    % {"n": result.case.number, "c": len(result.citations)},
                )
                return redirect("desk-case", case_id=result.case.public_id)
    if chosen is not None:
        audit_record(actor=user, action="demonstrator.read", target=chosen, fields=NAME_FIELDS, request=request)
    failed = bool(form.errors) or any(citations.errors) or bool(citations.non_form_errors())
    return render(
        request,
        "custody/intake.html",
        {
            "form": form,
            "citations": citations,
            "chosen": chosen,
            "script_messages": {"use": _("Use this record"), "no_case": _("no case yet")},
        },
        status=400 if failed else 200,
    )


def suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    person = suggestion.person
    return {
        "id": str(person.public_id),
        "name": person.display_name,
        "reasons": [str(REASON_LABELS.get(r, r)) for r in suggestion.reasons],
        "cases": [{"number": c.number, "event": c.event.name} for c in suggestion.cases],
    }


@page_for("intake.duplicates")
@require_POST
def intake_duplicates(request: HttpRequest) -> JsonResponse:
    """The intake page's fetch while typing: people who may be the one typed, as JSON. Posted,
    never in a URL; audited as a read of people's names (with how many were shown)."""
    user = signed_in(request.user)
    query = DuplicateQueryForm(request.POST)
    if not query.is_valid():
        return JsonResponse({"status": "invalid", "errors": query.errors.get_json_data()}, status=400)
    event_id = query.cleaned_data["event"]
    event = event_list_visible_to(user=user).filter(public_id=event_id).first() if event_id else None
    found = duplicate_suggestions(user=user, typed=query.typed(), event=event)
    if found:
        audit_record(
            actor=user,
            action="demonstrator.search",
            fields=NAME_FIELDS,
            request=request,
            query_kind="intake_suggestions",
            count=len(found),
        )
    return JsonResponse({"suggestions": [suggestion_json(s) for s in found]})


@page_for("intake.release")
@require_http_methods(["GET", "POST"])
def release_page(request: HttpRequest, arrest_id: UUID) -> HttpResponse:
    """Record a release: the time, the citations handed over (their deadlines at once)."""
    user = signed_in(request.user)
    arrest = get_visible_or_404(
        arrest_list_visible_to(user=user).select_related("case__event", "case__demonstrator"),
        arrest_id,
        user=user,
        request=request,
    )
    data = request.POST if request.method == "POST" else None
    form = ReleaseForm(data, initial={"released_at": arrest.released_at})
    citations = citation_formset(data)
    if request.method == "POST" and form.is_valid() and citations.is_valid():
        try:
            result = release_record(
                arrest=arrest,
                by=user,
                released_at=form.cleaned_data["released_at"],
                citations=citations.citations(),
                property_returned=form.cleaned_data["property_returned"] or None,
            )
        except ValidationError as exc:
            _apply_service_error(exc, form, citations)
        else:
            messages.success(
                request,
                _("Release recorded on case %(n)s with %(c)s new citation(s).")
                % {"n": result.case.number, "c": len(result.citations)},
            )
            return redirect("desk-case", case_id=result.case.public_id)
    audit_record(actor=user, action="arrest.read", target=arrest, fields=NAME_FIELDS, request=request)
    failed = bool(form.errors) or any(citations.errors) or bool(citations.non_form_errors())
    return render(
        request,
        "custody/release.html",
        {"arrest": arrest, "case": arrest.case, "form": form, "citations": citations},
        status=400 if failed else 200,
    )


# --- Merging two records of one person -------------------------------------------------------

MERGE_FIELDS = ["legal_name", "preferred_name", "date_of_birth", "phone", "email"]
MERGE_QUEUE_PAGE = 100  # pairs on one page of the queue
# Pages reachable: 10,000 pairs, more than anyone compares by hand. A page further on would make
# the queue enumerate that many more pairs, and a number past 2**63 fails in SQL.
MERGE_QUEUE_PAGES_MAX = 100


@page_for("people.merge")
@require_GET
def merge_queue(request: HttpRequest) -> HttpResponse:
    """Likely duplicates: same blind index anywhere, close spellings within the chosen event
    (the latest by default); and the merges that can still be undone."""
    user = signed_in(request.user)
    events = event_list_visible_to(user=user).order_by("-starts_at")
    event = None
    wanted = request.GET.get("event")
    if wanted:
        event = get_visible_or_404(events, wanted)
    event = event or events.first()
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), MERGE_QUEUE_PAGES_MAX)
    except ValueError:
        page = 1
    pairs = likely_duplicate_pairs(  # one more than a page: is there a next one?
        people=people_in_play(user=user), event=event, limit=MERGE_QUEUE_PAGE + 1, offset=(page - 1) * MERGE_QUEUE_PAGE
    )
    has_next, pairs = len(pairs) > MERGE_QUEUE_PAGE and page < MERGE_QUEUE_PAGES_MAX, pairs[:MERGE_QUEUE_PAGE]
    merges = list(merges_undoable(user=user)[:20])
    dismissals = list(dismissals_undoable(user=user)[:20])
    shown = (len(pairs) + len(dismissals)) * 2 + len(merges)  # names on the page (a merge shows the kept one)
    if shown:
        audit_record(
            actor=user, action="demonstrator.list", fields=MERGE_FIELDS, request=request,
            count=shown, query_kind="merge_queue",
        )  # fmt: skip
    return render(
        request,
        "custody/merge_queue.html",
        {
            "pairs": [(p, [str(REASON_LABELS.get(r, r)) for r in p.reasons]) for p in pairs],
            "events": events,
            "event": event,
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if has_next else None,
            "merges": merges,
            "dismissals": dismissals,
        },
    )


@page_for("people.merge")
@require_http_methods(["GET", "POST"])
def merge_pair(request: HttpRequest, first_id: UUID, second_id: UUID) -> HttpResponse:
    """Two records side by side (the fields a coordinator needs to tell), then the merge."""
    user = signed_in(request.user)
    people = people_in_play(user=user)
    first = get_visible_or_404(people, first_id, user=user, request=request)
    second = get_visible_or_404(people, second_id, user=user, request=request)
    form = MergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target, source = (first, second) if form.cleaned_data["keep"] == "first" else (second, first)
        try:
            merge = person_merge(source=source, target=target, by=user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Records merged. You can undo this from the merge queue."))
            return redirect(f"{reverse('people-merge-queue')}#merge-{merge.public_id}")
    cases = {
        person.pk: list(person.cases.select_related("event").order_by("-opened_on", "-id"))
        for person in (first, second)
    }
    for person in (first, second):
        audit_record(actor=user, action="demonstrator.read", target=person, fields=MERGE_FIELDS, request=request)
    return render(
        request,
        "custody/merge_pair.html",
        {
            "first": first,
            "second": second,
            "first_cases": cases[first.pk],
            "second_cases": cases[second.pk],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@page_for("people.merge")
@require_POST
def merge_undo(request: HttpRequest, merge_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    merge = get_visible_or_404(merges_undoable(user=user), merge_id, user=user, request=request)
    try:
        person_merge_undo(merge=merge, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("people-merge-queue")


@page_for("people.merge")
@require_POST
def duplicate_dismiss_pair(request: HttpRequest, first_id: UUID, second_id: UUID) -> HttpResponse:
    """ "Not the same person": the pair leaves the queue (until the dismissal is undone)."""
    user = signed_in(request.user)
    people = people_in_play(user=user)
    first = get_visible_or_404(people, first_id, user=user, request=request)
    second = get_visible_or_404(people, second_id, user=user, request=request)
    try:
        dismissal = duplicate_dismiss(first=first, second=second, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("people-merge-queue")
    messages.success(request, _("Marked as different people: the pair leaves the queue."))
    return redirect(f"{reverse('people-merge-queue')}#dismissal-{dismissal.public_id}")


@page_for("people.merge")
@require_POST
def duplicate_dismissal_undo_page(request: HttpRequest, dismissal_id: UUID) -> HttpResponse:
    user = signed_in(request.user)
    dismissal = get_visible_or_404(dismissals_undoable(user=user), dismissal_id, user=user, request=request)
    try:
        duplicate_dismissal_undo(dismissal=dismissal, by=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The pair is back in the queue if it still matches."))
    return redirect("people-merge-queue")
