"""Hostile values in every text field of a case reach the packets as text: no file read, no
network request, no markup interpreted, nothing lost (a 1 MB narrative included)."""

from __future__ import annotations

import http.server
import io
import threading

import pikepdf
import pytest

from documents import pdf as pdf_module
from documents.assets import ASSET_FILES, asset_url
from documents.models import PacketKind
from documents.services import packet_for_case
from tests.documents.conftest import pdf_text, squash
from tests.documents.scenario import build_case

pytestmark = pytest.mark.django_db

RTL = "مرحبا بالعالم"
CJK = "你好世界"
EMOJI = "😀✊"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def attack(base: str, tag: str) -> str:
    return (
        f'{tag}<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        f"<style>body{{background:url({base}/{tag})}}</style></p><h1>INJECTED-{tag}</h1>"
        f" url({base}/css-{tag}) {RTL} {CJK} {EMOJI} &amp;"
    )


def one_megabyte(base: str) -> str:
    """About 1 MB of narrative with numbered markers, so every part can be found again."""
    parts = []
    size = 0
    n = 0
    while size < 1_000_000:
        part = f"MARK{n:05d}Z The officer rode a bicycle into the seated group near 8th & Arch. "
        parts.append(part)
        size += len(part)
        n += 1
    return attack(base, "narrative") + " " + "".join(parts), n


class RecordingFetcher(pdf_module.AssetFetcher):
    instances: list[RecordingFetcher] = []

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        RecordingFetcher.instances.append(self)


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    _Recorder.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def recording(monkeypatch):  # type: ignore[no-untyped-def]
    RecordingFetcher.instances = []
    monkeypatch.setattr(pdf_module, "AssetFetcher", RecordingFetcher)
    return RecordingFetcher.instances


def _assert_nothing_external(fetchers: list[RecordingFetcher], photo_hex: str) -> None:
    allowed = {asset_url(name) for name in ASSET_FILES} | {f"asset:image/{photo_hex}.jpg"}
    assert fetchers, "the renderer did not use the recording fetcher"
    for fetcher in fetchers:
        assert set(fetcher.requested) <= allowed, set(fetcher.requested) - allowed
        assert set(fetcher.served) <= allowed


def _attachments(pdf: bytes) -> dict[str, bytes]:
    doc = pikepdf.open(io.BytesIO(pdf))
    return {name: bytes(spec.get_file().read_bytes()) for name, spec in doc.attachments.items()}


def _assert_no_attachments(pdf: bytes) -> None:
    assert _attachments(pdf) == {}
    assert b"root:x:0:0" not in pdf


def test_hostile_text_in_every_field_is_rendered_as_text(server, recording, lawyer, settings):  # type: ignore[no-untyped-def]
    fields = [
        "legal_name", "pronouns", "event_name", "place", "narrative", "injuries", "witnesses", "statement",
        "witness_name", "complaint_narrative", "treatment", "description", "charges", "officer_features",
        "offense_description",
    ]  # fmt: skip
    text = {name: attack(server, name) for name in fields}
    s = build_case(lawyer=lawyer, text=text)

    result = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.CASE)

    _assert_nothing_external(recording, s["photo"].public_id.hex)
    assert _Recorder.hits == []
    _assert_no_attachments(result.pdf)
    extracted = squash(pdf_text(result.pdf))
    # Fields the case packet shows, each verbatim as text (markup and all).
    limits = {"event_name": 200, "place": 300, "offense_description": 200}  # plain columns with a length
    for name in fields:
        if name in ("complaint_narrative", "treatment"):
            continue  # complaint-only fields: the 1 MB complaint test covers them
        assert squash(text[name][: limits.get(name)]) in extracted, name
    assert squash(RTL) in extracted and squash(CJK) in extracted and EMOJI in extracted


def test_one_megabyte_narrative_loses_nothing(server, recording, lawyer):  # type: ignore[no-untyped-def]
    """Shown inline up to the limit, and embedded whole (byte for byte) as a PDF/A-3 attachment."""
    narrative, markers = one_megabyte(server)
    s = build_case(lawyer=lawyer, text={"complaint_narrative": narrative, "treatment": attack(server, "treatment")})
    s["case"].status = "closed"
    s["case"].save()
    for citation in s["citations"]:
        citation.status = "closed"
        citation.save()

    result = packet_for_case(case=s["case"], by=lawyer, kind=PacketKind.COMPLAINT)

    _assert_nothing_external(recording, s["photo"].public_id.hex)
    assert _Recorder.hits == []
    assert b"root:x:0:0" not in result.pdf
    attachments = _attachments(result.pdf)
    assert list(attachments) == ["complaint-narrative.txt"]
    assert attachments["complaint-narrative.txt"] == narrative.encode("utf-8")
    flat = squash(pdf_text(result.pdf))
    assert squash("<h1>INJECTED-narrative</h1>") in flat
    assert "MARK00000Z" in flat
    assert squash(f"full text ({len(narrative)} characters") in flat
    assert squash("<h1>INJECTED-treatment</h1>") in flat
    assert result.packet.pages < 30
