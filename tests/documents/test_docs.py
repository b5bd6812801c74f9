"""docs/packets.md stays honest: every packet route is documented, and the limits it states are
the ones in the code."""

from __future__ import annotations

from pathlib import Path

from api.urls import packet_patterns
from documents import batches, photos, rendering
from web.urls import packet_patterns as urlpatterns

DOC = (Path(__file__).resolve().parents[2] / "docs" / "packets.md").read_text()


def test_every_api_route_is_documented():
    for pattern in packet_patterns:
        route = "/api/v1/" + str(pattern.pattern).replace("<uuid:id>", "{id}")
        assert route in DOC, route


PACKET_VIEWS = {
    "documents-case-packet", "documents-docket-packet", "documents-packet-file", "documents-batch-start",
    "documents-batch", "documents-batch-status", "documents-batch-download",
}  # fmt: skip


def test_every_web_route_is_documented():
    assert {p.name for p in urlpatterns} >= PACKET_VIEWS
    for pattern in (p for p in urlpatterns if p.name in PACKET_VIEWS):
        route = "/documents/" + str(pattern.pattern).replace("<uuid:case_id>", "{id}").replace(
            "<uuid:batch_id>", "{id}"
        ).replace("<uuid:packet_id>", "{id}")
        assert route in DOC, route


def test_stated_limits_match_the_code(settings):
    assert f"{rendering.INLINE_TEXT_LIMIT:,} characters" in DOC
    assert f"{photos.PHOTO_MAX_SIDE} px" in DOC
    assert f"(default {batches.chunk_size()})" in DOC
    assert f"`PACKET_BATCH_PDF_MAX_CASES` cases (default {batches.pdf_max_cases()})" in DOC
    assert f"`PACKET_BATCH_STALL_SECONDS` (default {int(batches.stall_timeout().total_seconds())}," in DOC
    assert f"`PACKET_BATCH_RECOVERY_ATTEMPTS` recoveries (default {batches.recovery_attempts()})" in DOC
