"""The organizer's dashboard page: aggregates only (citations.dashboard.dashboard_summary), charts
drawn here as inline SVG, each with a table beside it. No personal data reaches this page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.access import event_list_visible_to, get_visible_or_404
from cases.models import force_type_label
from citations import charts
from citations.dashboard import dashboard_summary
from web.permissions import page_for


def _chart(block: dict[str, dict[str, Any]] | None, labels: dict[str, str]) -> dict[str, Any] | None:
    """A breakdown's bars, or None when the breakdown is not shown (too few to show safely)."""
    if block is None:
        return None
    return charts.hbar_chart([(labels.get(key, key), cell) for key, cell in block.items()])


@page_for("dashboard.read")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    events = event_list_visible_to(user=request.user).only("public_id", "name", "starts_at").order_by("-starts_at")
    event = None
    if request.GET.get("event"):
        event = get_visible_or_404(events, request.GET["event"])
    summary = dashboard_summary(event=event)
    labels = summary["labels"]
    officers = [
        (" ".join(p for p in (o["name"], f"#{o['badge_number']}" if o["badge_number"] else "", f"({o['unit']})" if o["unit"] else "") if p) or o["agency"], o["incidents"])
        for o in summary["officers"]
    ]  # fmt: skip
    units = [(f"{u['unit']} ({u['agency']})", u["incidents"]) for u in summary["units"]]
    context = {
        "events": events,
        "event": event,
        "s": summary,
        "status_chart": _chart((summary["citations"] or {}).get("by_status"), labels["status"]),
        "outcome_chart": _chart(summary["outcomes"], labels["disposition"]),
        "kind_chart": _chart((summary["citations"] or {}).get("by_kind"), labels["kind"]),
        "officer_chart": charts.hbar_chart(officers),
        "unit_chart": charts.hbar_chart(units),
        # findings per allegation: a section the claims app adds to the summary
        "finding_chart": _chart(
            (summary.get("findings") or {}).get("by_finding"), (summary.get("findings") or {}).get("labels", {})
        ),
        "force_chart": charts.stacked_days(
            [row | {"label": force_type_label(row["label"])} for row in summary["force_over_time"]]
        ),
    }
    return render(request, "citations/dashboard.html", context)
