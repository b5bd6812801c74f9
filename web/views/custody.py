"""The night of a mass arrest, for jail support and coordinators: the boards one may open, an
event's custody board (refreshing itself for every watcher through a small partial with an
ETag), moving an arrestee to another stage, the hotline log and its quick entry (also the
endpoint of the phone's offline queue), and the coordinator's assignment of jail-support
accounts to events. Scopes in custody/access.py, reads in custody/selectors/, writes in
custody/services/. Every read of the board or the log is audited."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.access import event_list_visible_to, get_visible_or_404
from cases.audit import audit_record
from cases.models import Event
from cases.permissions import may
from cases.types import signed_in
from custody.access import (
    board_arrest_list_visible_to,
    board_event_for,
    board_event_list_visible_to,
    hotline_entry_list_visible_to,
)
from custody.models import CustodyPlace, HotlineEntry
from custody.selectors.assignments import jail_support_accounts, jail_support_assignment_list
from custody.selectors.board import BoardPerson, board_for_event, board_version
from custody.selectors.hotline import LINK_MATCHES_SHOWN, arrests_found_for_link, hotline_log_for_event
from custody.selectors.places import custody_place_in_use, custody_place_list, custody_places
from custody.services.assignments import jail_support_assign, jail_support_unassign
from custody.services.board import arrest_move
from custody.services.hotline import HotlineConflict, hotline_entry_create, hotline_entry_link
from custody.services.places import (
    custody_place_create,
    custody_place_delete,
    custody_place_set_active,
    custody_place_update,
)
from web.forms.custody import (
    ArrestMoveForm,
    ArrestSearchForm,
    CustodyPlaceForm,
    HotlineEntryForm,
    HotlineLinkForm,
    JailSupportAssignForm,
)
from web.offline import queued_post, service_worker_response
from web.permissions import page_for

NO_ID = "00000000-0000-0000-0000-000000000000"
BOARD_FIELDS = ["legal_name", "preferred_name", "special_needs", "waiting_outside"]
NAME_FIELDS = ["legal_name", "preferred_name"]
LOG_FIELDS = [
    "about", "caller_name", "caller_contact", "seen", "medical_needs", "injuries", "belongings", "waiting_outside",
]  # fmt: skip


@page_for("custody.board")
@require_GET
def custody_home(request: HttpRequest) -> HttpResponse:
    """The events whose board this account may open (jail support: those assigned to it)."""
    events = board_event_list_visible_to(user=request.user).only("public_id", "name", "starts_at", "place")
    context = {"events": events.order_by("-starts_at"), "may_edit_places": may(request.user, "places.manage")}
    return render(request, "custody/home.html", context)


def _board_context(request: HttpRequest, event: Event) -> dict[str, object]:
    board = board_for_event(event=event)
    people = sum(len(column.people) for column in board.columns)
    audit_record(
        actor=request.user,
        action="custody.board.read",
        target=event,
        fields=BOARD_FIELDS,
        request=request,
        count=people,
    )
    may_release = may(request.user, "intake.release")
    columns = [(column, _people_html(column.people, may_release=may_release)) for column in board.columns]
    return {"event": event, "board": board, "columns": columns}


def _people_html(people: list[BoardPerson], *, may_release: bool) -> SafeString:
    """One column's people as HTML list items, built here rather than in the template: an event
    of 3,000 arrestees costs the template engine about a second, this about a tenth of that.
    Every value is escaped; the labels are translated once per column; each person's links come
    from one reversed prefix."""
    overdue_label = escape(_("Held beyond expected release"))
    medical_label = escape(_("Medical needs"))
    waiting_label = escape(_("Waiting outside:"))
    move_label, release_label = escape(_("Move")), escape(_("Record release"))
    stage_prefix, release_prefix = _prefix("custody-stage", "stage/"), _prefix("custody-release", "release/")
    items = []
    for p in people:
        name = escape(p.name)
        parts = [
            f'<li class="board-person{" overdue" if p.overdue else ""}" data-arrest="{p.arrest_id}">',
            f"<strong>{name}</strong>",
            f" · {escape(p.place)}" if p.place else "",
            f' <span class="hours">{p.hours:.0f} h</span>',
            f' <span class="badge urgency-overdue">{overdue_label}</span>' if p.overdue else "",
            f' <span class="badge medical">{medical_label}</span>' if p.medical else "",
            f'<br><span class="waiting">{waiting_label} {escape("; ".join(p.waiting))}</span>' if p.waiting else "",
            f' <span class="actions"><a href="{stage_prefix}{p.arrest_id}/stage/">{move_label}'
            f'<span class="visually-hidden"> {name}</span></a>',
            f' <a href="{release_prefix}{p.arrest_id}/release/">{release_label}'
            f'<span class="visually-hidden"> {name}</span></a>'
            if may_release and p.held
            else "",
            "</span></li>",
        ]
        items.append("".join(parts))
    return mark_safe("\n".join(items))  # noqa: S308  # nosec B308 B703  # every value above is escaped


def _prefix(name: str, tail: str) -> str:
    """The part of a per-arrest URL before the arrest's id."""
    return reverse(name, args=[NO_ID]).removesuffix(f"{NO_ID}/{tail}")


def _not_modified(request: HttpRequest, version: str) -> bool:
    return request.headers.get("If-None-Match", "").strip() == f'"{version}"'


@page_for("custody.board")
@require_GET
def board(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """The custody board of one event; its script polls `board_partial` to stay current."""
    event = board_event_for(user=request.user, event_id=event_id, request=request)
    version = board_version(event=event)
    response = render(request, "custody/board.html", {**_board_context(request, event), "version": version})
    response["ETag"] = f'"{version}"'
    response["Cache-Control"] = "no-store"
    return response


@page_for("custody.board")
@require_GET
def board_partial(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """The board's columns alone, for the watchers' polling: 304 while nothing changed (the
    version is one aggregate query; the board is built only when it did)."""
    event = board_event_for(user=request.user, event_id=event_id, request=request)
    version = board_version(event=event)
    if _not_modified(request, version):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = render(request, "custody/_board.html", _board_context(request, event))
    response["ETag"] = f'"{version}"'
    response["Cache-Control"] = "no-cache, private"
    return response


@page_for("custody.stage")
@require_http_methods(["GET", "POST"])
def arrest_stage(request: HttpRequest, arrest_id: UUID) -> HttpResponse:
    """Move one arrestee to another stage or place (from the board)."""
    arrest = get_visible_or_404(
        board_arrest_list_visible_to(user=request.user).select_related("case__event", "case__demonstrator"),
        arrest_id,
        user=request.user,
        request=request,
    )
    places = custody_places()
    form = ArrestMoveForm(
        request.POST if request.method == "POST" else None,
        places=places,
        initial={"stage": arrest.custody_status},
    )
    if request.method == "POST" and form.is_valid():
        try:
            arrest_move(
                arrest=arrest,
                stage=form.cleaned_data["stage"],
                place=form.cleaned_data["place"],
                by=signed_in(request.user),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stage updated."))
            return redirect("custody-board", event_id=arrest.case.event.public_id)
    audit_record(actor=request.user, action="arrest.read", target=arrest, fields=["legal_name", "preferred_name"])
    context = {"arrest": arrest, "person": arrest.case.demonstrator, "event": arrest.case.event, "form": form}
    return render(request, "custody/stage.html", context, status=400 if form.errors else 200)


@page_for("hotline.read")
@require_GET
def hotline_log(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """The event's hotline and jail-support log, newest first (50 a page)."""
    event = board_event_for(user=request.user, event_id=event_id, request=request)
    page = Paginator(hotline_log_for_event(user=request.user, event=event), 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if rows:
        audit_record(
            actor=request.user, action="hotline.list", target=event, fields=LOG_FIELDS, request=request, count=len(rows)
        )
    context = {"event": event, "page": page, "rows": rows, "may_link": may(request.user, "hotline.update")}
    return render(request, "custody/hotline_log.html", context)


@page_for("hotline.create")
@require_http_methods(["GET", "POST"])
def hotline_new(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """GET: the quick entry. POST: one entry; with `Accept: application/json` (the phone's queue)
    the answer is 201 (stored), 200 (already stored under this client UUID), 400 or 409."""
    event = board_event_for(user=request.user, event_id=event_id, request=request)
    places = custody_places()
    if request.method == "POST":
        form = HotlineEntryForm(request.POST, places=places)
        answer = queued_post(
            request,
            form,
            save=lambda: hotline_entry_create(
                by=signed_in(request.user),
                client_uuid=form.cleaned_data["client_uuid"],
                data=form.hotline_input(event),
            ),
            conflict=HotlineConflict,
            conflict_message=_("This entry was already sent with different content. Reload the form."),
            saved_message=_("Entry saved."),
            done=reverse("custody-hotline", kwargs={"event_id": event.public_id}),
        )
        if answer is not None:
            return answer
    else:
        form = HotlineEntryForm(places=places)
    return render(
        request,
        "custody/hotline_new.html",
        {"event": event, "form": form, "messages_for_script": _script_messages()},
        status=400 if form.errors else 200,
    )


@page_for("hotline.create")
@require_GET
def hotline_service_worker(request: HttpRequest, event_id: UUID) -> HttpResponse:
    """The service worker that lets the event's quick entry open with no connection, served beside
    it for its scope (the event's hotline pages). It keeps the empty form and its two assets,
    never the log: entries and names stay off the phone once sent."""
    event = board_event_for(user=request.user, event_id=event_id, request=request)
    places = "|".join(f"{public_id}:{name}" for public_id, name in custody_places().values_list("public_id", "name"))
    return service_worker_response(
        request,
        cache_prefix=f"tracker-hotline-{event.public_id}-",
        pages=[reverse("custody-hotline-new", kwargs={"event_id": event.public_id})],
        assets=[static("css/app.css"), static("js/observer.js")],
        data_version=places,  # a new copy of the form when a place is added, renamed or retired
    )


def _script_messages() -> dict[str, str]:
    """The queue script's words (the same script as the observer's form: every key it reads)."""
    return {
        "saved": _("Saved on this phone. It will be sent when there is a connection."),
        "waiting": _("Waiting for a connection"),
        "sending": _("Sending"),
        "sent": _("Received by the legal team"),
        "sent_at": _("Sent at %(time)s. The legal team has the entry."),
        "rejected": _("Not accepted; see why below and discard it or send it again"),
        "conflict": _("Already used for another report; discard this copy"),
        "signin": _("Sign in again to send"),
        "discard": _("Discard"),
        "retry": _("Send again"),
        "confirm_discard": _("Discard this entry from the phone? It has not reached the legal team."),
        "online": _("Online"),
        "offline": _("Offline: entries are kept on this phone"),
        "pending": _("waiting on this phone"),
        "remove": _("Remove"),
        "no_storage": _("This browser cannot keep entries offline; stay online to send."),
    }


@page_for("hotline.update")
@require_POST
def hotline_link(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    """Link an entry to the arrest it is about (coordinators), from the log. A body with `q` is a
    search for that arrest (the case list's search, so a name stays out of URLs; audited like
    it), answered with at most a page of matches to choose from; a body with `arrest` links (an
    empty one unlinks) and goes back to the log."""
    user = signed_in(request.user)
    entry: HotlineEntry = get_visible_or_404(
        hotline_entry_list_visible_to(user=user).select_related("event", "place"),
        entry_id,
        user=user,
        request=request,
    )
    if "q" in request.POST:
        return _link_search(request, entry)
    arrests = board_arrest_list_visible_to(user=user).filter(case__event_id=entry.event_id)
    form = HotlineLinkForm(request.POST, arrests=arrests)
    if form.is_valid():
        try:
            hotline_entry_link(entry=entry, arrest=form.cleaned_data["arrest"], by=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Entry linked."))
        return redirect("custody-hotline", event_id=entry.event.public_id)
    return render(request, "custody/link_error.html", {"form": form, "entry": entry}, status=400)


def _link_search(request: HttpRequest, entry: HotlineEntry) -> HttpResponse:
    """The arrests of the entry's event the search finds, each with its "Link" button."""
    user = signed_in(request.user)
    search = ArrestSearchForm(request.POST)
    found = None
    if search.is_valid():
        found = arrests_found_for_link(user=user, event=entry.event, text=search.cleaned_data["q"])
        audit_record(
            actor=user, action="case.search", target=entry.event, fields=NAME_FIELDS, request=request, count=len(found)
        )
    audit_record(actor=user, action="hotline.read", target=entry, fields=["about"], request=request)
    context = {"entry": entry, "search": search, "found": found, "shown_max": LINK_MATCHES_SHOWN}
    return render(request, "custody/hotline_link.html", context, status=200 if found is not None else 400)


@page_for("custody.assign")
@require_http_methods(["GET", "POST"])
def jail_support_assignments(request: HttpRequest) -> HttpResponse:
    accounts = jail_support_accounts()
    events = event_list_visible_to(user=request.user).order_by("-starts_at")
    form = JailSupportAssignForm(request.POST if request.method == "POST" else None, accounts=accounts, events=events)
    if request.method == "POST" and form.is_valid():
        user, event = form.cleaned_data["user"], form.cleaned_data["event"]
        try:
            if form.cleaned_data["action"] == JailSupportAssignForm.UNASSIGN:
                jail_support_unassign(user=user, event=event, by=signed_in(request.user))
                messages.success(request, _("%(u)s no longer supports %(e)s.") % {"u": user.username, "e": event})
            else:
                jail_support_assign(user=user, event=event, by=signed_in(request.user))
                messages.success(request, _("%(u)s now supports %(e)s.") % {"u": user.username, "e": event})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("custody-jail-support")
    context = {"form": form, "assignments": jail_support_assignment_list(user=request.user)}
    return render(request, "custody/jail_support.html", context, status=400 if form.errors else 200)


@page_for("places.manage")
@require_http_methods(["GET", "POST"])
def custody_places_page(request: HttpRequest) -> HttpResponse:
    """Every place of custody (retired ones too, with how many arrestees are recorded there), and
    a form to add one."""
    form = CustodyPlaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            place = custody_place_create(**form.cleaned_data, by=signed_in(request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": place.name})
            return redirect("custody-places")
    context = {"places": custody_place_list(), "form": form}
    return render(request, "custody/places.html", context, status=400 if form.errors else 200)


PLACE_ACTIONS = {"save", "retire", "reinstate", "delete"}


@page_for("places.manage")
@require_http_methods(["GET", "POST"])
def custody_place_page(request: HttpRequest, place_id: UUID) -> HttpResponse:
    """One place: rename it or correct its kind and address; retire or reinstate it; delete it
    while nothing names it."""
    place = get_visible_or_404(CustodyPlace.objects.all(), place_id)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    initial = {"name": place.name, "kind": place.kind, "address": place.address}
    form = CustodyPlaceForm(request.POST if action == "save" else None, initial=initial)
    if action in PLACE_ACTIONS - {"save"}:
        return _place_action(request, place, action)
    if action == "save" and form.is_valid():
        try:
            custody_place_update(place=place, **form.cleaned_data, by=signed_in(request.user))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Place saved."))
            return redirect("custody-places")
    context = {"place": place, "form": form, "in_use": custody_place_in_use(place)}
    status = 400 if form.errors or (action and action not in PLACE_ACTIONS) else 200
    return render(request, "custody/place_edit.html", context, status=status)


def _place_action(request: HttpRequest, place: CustodyPlace, action: str) -> HttpResponse:
    by = signed_in(request.user)
    try:
        if action == "delete":
            custody_place_delete(place=place, by=by)
            messages.success(request, _("“%(name)s” deleted.") % {"name": place.name})
        else:
            custody_place_set_active(place=place, active=action == "reinstate", by=by)
            if action == "retire":
                messages.success(request, _("“%(name)s” retired: forms no longer offer it.") % {"name": place.name})
            else:
                messages.success(request, _("“%(name)s” is offered again.") % {"name": place.name})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("custody-place", place_id=place.public_id)
    return redirect("custody-places")
