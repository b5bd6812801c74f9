"""Chart geometry for the dashboard, computed on the server and drawn by templates as inline SVG
(no script, so the page keeps its strict Content-Security-Policy). Works on the dashboard's
*cells* (see citations/dashboard.py): a suppressed cell is drawn as no bar, labelled with its
"fewer than N" text, so a chart never reveals more than the table beside it."""

from __future__ import annotations

from typing import Any

# Colour-blind-safe palette (Okabe-Ito, darkened where needed for contrast on white).
PALETTE = ["#0b5394", "#b35806", "#1e6b2e", "#8e3b8e", "#a30000", "#00707a", "#6b5800", "#4a4a4a", "#c2185b"]


def hbar_chart(
    rows: list[tuple[str, dict[str, Any]]], *, width: int = 640, label_width: int = 250, bar_height: int = 22
) -> dict[str, Any]:
    """Horizontal bars, one per (label, cell)."""
    gap = 8
    value_width = 110
    plot = width - label_width - value_width
    top = max([cell["value"] or 0 for _, cell in rows] or [0]) or 1
    bars = []
    for i, (label, cell) in enumerate(rows):
        value = cell["value"] or 0
        y = i * (bar_height + gap)
        length = round(plot * value / top) if not cell["suppressed"] else 0
        bars.append(
            {
                "label": label,
                "display": cell["display"],
                "suppressed": cell["suppressed"],
                "y": y,
                "text_y": y + bar_height * 0.7,
                "length": length,
                "value_x": label_width + length + 6,
            }
        )
    return {
        "width": width,
        "height": max(len(rows) * (bar_height + gap), bar_height),
        "label_width": label_width,
        "label_x": label_width - 8,
        "bar_height": bar_height,
        "bars": bars,
    }


def stacked_columns(series: list[dict[str, Any]], *, width: int = 640, height: int = 240) -> dict[str, Any]:
    """Incidents per day stacked by force type, from the dashboard's `force_over_time` rows."""
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
    left, bottom, top_pad = 40, 40, 10
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = max(totals.values() or [0]) or 1
    step = plot_w / max(len(dates), 1)
    column_w = max(min(step * 0.7, 48), 4)
    columns = []
    for i, date in enumerate(dates):
        x = left + i * step + (step - column_w) / 2
        y = top_pad + plot_h
        segments = []
        for code in kinds:
            cell = cells.get((date, code))
            if not cell or cell["suppressed"] or not cell["value"]:
                continue
            h = plot_h * cell["value"] / top
            y -= h
            segments.append({"y": round(y, 1), "height": round(h, 1), "colour": colours[code], "label": kinds[code],
                             "display": cell["display"]})  # fmt: skip
        columns.append(
            {"date": date, "x": round(x, 1), "width": round(column_w, 1), "segments": segments,
             "label_x": round(x + column_w / 2, 1), "show_label": len(dates) <= 10 or i % max(len(dates) // 8, 1) == 0}
        )  # fmt: skip
    table = [
        {"date": date, "cells": [cells.get((date, code), {"display": "0"})["display"] for code in kinds]}
        for date in dates
    ]
    return {
        "width": width,
        "height": height,
        "axis_y": top_pad + plot_h,
        "left": left,
        "top_value": top,
        "top_y": top_pad + 4,
        "columns": columns,
        "legend": [{"code": code, "label": label, "colour": colours[code]} for code, label in kinds.items()],
        "table_head": list(kinds.values()),
        "table": table,
    }
