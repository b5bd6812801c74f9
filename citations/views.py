"""Citation pages: the lawyer's calendar-feed link, the feed itself, and (coordinators) CSV
import and export. Thin: citations.calendar, citations.imports and citations.exports do the work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from citations.access import may_have_calendar_feed
from citations.calendar import (
    calendar_feed_ics,
    calendar_feed_issue,
    calendar_feed_revoke,
    calendar_feed_status,
    calendar_feed_user,
)


@require_GET
@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics file, authenticated by the secret in its URL alone (calendar apps carry no
    session). Unknown and revoked tokens get the same 404."""
    user = calendar_feed_user(token=token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar_feed_ics(user=user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def calendar_link(request: HttpRequest) -> HttpResponse:
    """A lawyer sees whether their link is live, regenerates it (the new URL is shown once) or
    revokes it."""
    if not may_have_calendar_feed(request.user):
        raise Http404
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            token = calendar_feed_issue(user=request.user, by=request.user)
            new_url = request.build_absolute_uri(reverse("citations-calendar-feed", args=[token]))
        elif action == "revoke":
            calendar_feed_revoke(user=request.user, by=request.user)
        else:
            return HttpResponse(status=400)
    return render(
        request, "citations/calendar.html", {"feed": calendar_feed_status(user=request.user), "new_url": new_url}
    )
