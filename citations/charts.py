"""Chart geometry for the dashboard, computed on the server and drawn by templates (no script, so
the page keeps its strict Content-Security-Policy). Works on the dashboard's *cells* (see
citations/dashboard.py): a suppressed cell is drawn as no bar, labelled with its "fewer than N"
text, so a chart never reveals more than the table beside it.

Charts are rows: the label and the figure are HTML text (they wrap on a phone and keep the page's
type size; an SVG scaled to a 360-pixel screen shrank them to about 6 px), the bar is a small SVG
whose length is a percentage of the row's track. A day of the force chart whose count is
suppressed for some force type gets a hatched mark, explained in the legend."""

from __future__ import annotations

from typing import Any

# Colour-blind-safe palette (Okabe-Ito, darkened where needed for contrast on white).
PALETTE = ["#0b5394", "#b35806", "#1e6b2e", "#8e3b8e", "#a30000", "#00707a", "#6b5800", "#4a4a4a", "#c2185b"]
SUPPRESSED_MARK = 6  # percent of the track the "fewer than N" mark takes in a day's row


def _percent(value: float, top: float) -> float:
    return round(100 * value / top, 2) if top else 0.0


def hbar_chart(rows: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Horizontal bars, one per (label, cell); `percent` is the bar's length on its track."""
    top = max([cell["value"] or 0 for _, cell in rows if not cell["suppressed"]] or [0]) or 1
    bars = [
        {
            "label": label,
            "display": cell["display"],
            "suppressed": cell["suppressed"],
            "value": cell["value"],
            "percent": 0.0 if cell["suppressed"] else _percent(cell["value"] or 0, top),
        }
        for label, cell in rows
    ]
    return {"bars": bars}


def stacked_days(series: list[dict[str, Any]]) -> dict[str, Any]:
    """Incidents per day stacked by force type, from the dashboard's `force_over_time` rows: one
    row per day with its coloured segments (percent of the busiest day), whether some count of the
    day is suppressed (drawn as a hatched mark), and the table beside it."""
    dates = sorted({row["date"] for row in series if row["date"]})
    kinds: dict[str, str] = {}
    for row in series:
        kinds.setdefault(row["force_type"], row["label"])
    colours = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(kinds)}
    totals = dict.fromkeys(dates, 0)
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for row in series:
        if not row["date"]:
            continue
        cells[(row["date"], row["force_type"])] = row["incidents"]
        if not row["incidents"]["suppressed"]:
            totals[row["date"]] += row["incidents"]["value"] or 0
    top = max(totals.values() or [0]) or 1
    scale = 100 - SUPPRESSED_MARK  # room left for the mark on the busiest day
    days = []
    for date in dates:
        x = 0.0
        segments = []
        suppressed = []
        for code in kinds:
            cell = cells.get((date, code))
            if not cell:
                continue
            if cell["suppressed"]:
                suppressed.append(kinds[code])
                continue
            if not cell["value"]:
                continue
            width = round(scale * cell["value"] / top, 2)
            segments.append({"x": x, "width": width, "colour": colours[code], "label": kinds[code],
                             "display": cell["display"]})  # fmt: skip
            x = round(x + width, 2)
        days.append(
            {"date": date, "segments": segments, "total": totals[date], "suppressed": suppressed,
             "mark_x": x, "mark_width": SUPPRESSED_MARK}
        )  # fmt: skip
    table = [
        {"date": date, "cells": [cells.get((date, code)) or {"display": "0", "suppressed": False} for code in kinds]}
        for date in dates
    ]
    return {
        "days": days,
        "any_suppressed": any(day["suppressed"] for day in days),
        "legend": [{"code": code, "label": label, "colour": colours[code]} for code, label in kinds.items()],
        "table_head": list(kinds.values()),
        "table": table,
    }
