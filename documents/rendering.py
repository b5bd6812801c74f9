"""Packets as documents: the template of each kind, the template version (a digest of the
templates, the stylesheet and the renderer version) that packets' cache keys hash, the input hash,
the HTML filled from a context, and the PDF rendered from it through documents/pdf.py.

Rendering runs outside any transaction (about a second per packet) so workers do not hold
database locks while WeasyPrint runs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.template.loader import get_template, render_to_string

from cases import datakeys
from cases.models import Case
from cases.types import AnyUser
from documents.archival import DEFAULT_AUTHOR, RENDERER_VERSION, pdf_metadata
from documents.assets import STYLE_FILES, image_url
from documents.models import PacketKind
from documents.photos import images_with_ids

TEMPLATES = {
    PacketKind.CASE: "documents/case_packet.html",
    PacketKind.COMPLAINT: "documents/complaint_packet.html",
    PacketKind.PLEA: "documents/plea_letter.html",
    PacketKind.DOCKET: "documents/docket.html",
}
# A free-text value longer than this is shown up to here and embedded whole as a text file
# (PDF/A-3 allows it): WeasyPrint lays out about five pages a second, so a hostile 1 MB field
# would hold a worker for minutes and bury the packet under 200 pages, while the lawyer still
# gets every character.
INLINE_TEXT_LIMIT = 20_000


@lru_cache(maxsize=1)
def template_version() -> str:
    """Digest of every packet template, the stylesheet and the renderer settings."""
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    digest.update(STYLE_FILES["css/packet.css"].read_bytes())
    names = sorted(
        {*TEMPLATES.values()}
        | {
            "documents/base.html",
            "documents/_deadlines.html",
            "documents/_evidence.html",
            "documents/_statements.html",
            "documents/_officers.html",
            "documents/_incident.html",
        }
    )
    for name in names:
        origin = get_template(name).origin  # type: ignore[attr-defined]  # the stubs' engine template has no origin; Django's has
        digest.update(name.encode())
        with open(origin.name, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:32]


def input_hash(*, kind: str, parameters: dict[str, Any], context: dict[str, Any]) -> str:
    payload = json.dumps(
        {"kind": kind, "parameters": parameters, "context": context, "template": template_version()},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def render_packet_html(*, kind: str, context: dict[str, Any], digest: str, images: set[str] | None = None) -> str:
    """The final HTML for a packet: the template filled with the context and render metadata."""
    lawyers = context.get("case", {}).get("lawyers", [])
    available = set(context.get("images", [])) if images is None else images
    evidence = [
        {
            **e,
            "image_key": e["image_key"] if e.get("image_key") in available else "",
            "image_src": image_url(e["image_key"]),
        }
        for e in context.get("evidence", [])
    ]
    page = {
        **context,
        "evidence": evidence,
        **pdf_metadata(
            title=str(context.get("title", "")),
            subject=str(context.get("subject", "")),
            keywords=f"{kind} packet, privileged, attorney work product",
            author=", ".join(lawyers) or DEFAULT_AUTHOR,
            content_hash=digest[:12],
        ),
        "input_hash": digest,
    }
    return render_to_string(TEMPLATES[PacketKind(kind)], page)


def split_long_texts(value: Any, path: tuple[str, ...] = ()) -> tuple[Any, list[tuple[str, bytes, str]]]:
    """Cut every string longer than INLINE_TEXT_LIMIT, pointing to an attachment holding it whole."""
    if isinstance(value, str):
        if len(value) <= INLINE_TEXT_LIMIT:
            return value, []
        data = value.encode("utf-8")
        name = "-".join(p for p in path if p) + ".txt"
        digest = hashlib.sha256(data).hexdigest()
        head = value[:INLINE_TEXT_LIMIT]
        note = (
            f"\n[Continued: the full text ({len(value)} characters, SHA-256 {digest}) is attached to this PDF "
            f"as {name}.]"
        )
        return head + note, [(name, data, f"Full text of {' '.join(path)}")]
    if isinstance(value, dict):
        out, files = {}, []
        for key, item in value.items():
            out[key], more = split_long_texts(item, (*path, str(key)))
            files.extend(more)
        return out, files
    if isinstance(value, list):
        items, files = [], []
        for index, item in enumerate(value, start=1):
            new, more = split_long_texts(item, (*path, str(index)))
            items.append(new)
            files.extend(more)
        return items, files
    return value, []


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    embedded: list[int]  # the evidence ids of the photos in it
    keys: dict[str, bytes]  # data keys read for its photos (and its case's), by scope


def render_packet(
    *, kind: str, context: dict[str, Any], digest: str, user: AnyUser, case: Case | None = None
) -> Rendered:
    """The PDF of a packet (of `case`, if it is one case's)."""
    from documents.pdf import render_pdf  # WeasyPrint loads only in processes that render

    loaded = images_with_ids(context, user, also_scope=datakeys.scope_for_case(case) if case else "")
    shown, attachments = split_long_texts(context)
    html = render_packet_html(kind=kind, context=shown, digest=digest, images=set(loaded.images))
    result = render_pdf(html, images=loaded.images, attachments=attachments)
    return Rendered(result.pdf, result.pages, sorted(loaded.ids.values()), loaded.keys)
