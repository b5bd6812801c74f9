"""Long free text for packets, escaped and cut into short inline runs.

WeasyPrint lays out the remainder of a text run for every line it breaks, so one 1 MB run costs
minutes (quadratic); runs of a few hundred characters keep the cost linear and the layout the
same (the runs are inline, joined without any added space). Every chunk is escaped.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

CHUNK = 600


def chunks(value: str, size: int = CHUNK) -> list[str]:
    out: list[str] = []
    start = 0
    while start < len(value):
        end = min(start + size, len(value))
        if end < len(value):
            space = max(value.rfind(" ", start, end), value.rfind("\n", start, end))
            if space > start:
                end = space + 1
        out.append(value[start:end])
        start = end
    return out


@register.filter(name="runs")
def runs(value: object) -> SafeString:
    text = "" if value is None else str(value)
    if len(text) <= CHUNK:
        return conditional_escape(text)
    return format_html_join("", "<span>{}</span>", ((part,) for part in chunks(text)))
