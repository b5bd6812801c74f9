"""The PDF renderer's deny-all fetcher: hostile HTML straight into `render_pdf` (as if a template
had a bug that let markup through) loads nothing from the network or the filesystem.

For inline SVG and most resources a refused fetch does not stop the render, so these tests look
at what was asked for, what was served, what a local server saw and what landed in the PDF,
never merely at whether rendering failed.
"""

from __future__ import annotations

import http.server
import io
import socket
import threading

import pikepdf
import pytest

from documents.assets import ASSET_FILES, asset_url
from documents.pdf import AssetFetcher, FetchRefused, render_pdf
from tests.documents.conftest import pdf_text


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body{color:red}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server():  # type: ignore[no-untyped-def]
    """A server on a free 127.0.0.1 port that records every request it receives."""
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_sockets(monkeypatch):  # type: ignore[no-untyped-def]
    """Record (and block) every outgoing connection attempt made while rendering."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):  # type: ignore[no-untyped-def]
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: attempts.append(a) or connect(None, a))
    yield attempts
    monkeypatch.setattr(socket.socket, "connect", real_connect)


def hostile_html(base: str) -> str:
    return f"""<!doctype html><html lang="en"><head><title>t</title>
<link rel="stylesheet" href="{base}/sheet.css">
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="attachment" href="{base}/attach">
<style>@import url("{base}/import.css"); body {{ background: url("{base}/bg.png"); }}
@font-face {{ font-family: evil; src: url("file:///etc/passwd"); }} p {{ font-family: evil; }}</style>
</head><body>
<p>VISIBLE-MARKER</p>
<img src="file:///etc/passwd"><img src="{base}/img.png"><img src="/etc/passwd"><img src="etc/passwd">
<img src="asset:../../../../etc/passwd"><img src="asset:fonts/../../../../etc/passwd">
<img src="ftp://127.0.0.1/x"><img src="https://example.invalid/x.png">
<img src="data:image/png;base64,{"A" * 10000}">
<svg width="10" height="10"><image href="file:///etc/passwd" width="10" height="10"/>
<image href="{base}/svg.png" width="10" height="10"/><use href="{base}/use.svg#x"/></svg>
<object data="file:///etc/passwd"></object><embed src="{base}/embed"><iframe src="file:///etc/passwd"></iframe>
<a href="file:///etc/passwd">link</a>
<div style="background-image: url('{base}/inline.png'); list-style-image: url(file:///etc/hostname)">x</div>
</body></html>"""


def _embedded_files(pdf: bytes) -> list[object]:
    doc = pikepdf.open(io.BytesIO(pdf))
    names = doc.Root.get("/Names")
    files = list(names.get("/EmbeddedFiles", {}).get("/Names", [])) if names else []
    annots = [a for page in doc.pages for a in page.get("/Annots", []) if a.get("/Subtype") == "/FileAttachment"]
    return files + annots


def test_pdf_fetcher_records_zero_external_fetches(local_server, no_sockets):  # type: ignore[no-untyped-def]
    fetcher = AssetFetcher()
    result = render_pdf(hostile_html(local_server), fetcher=fetcher)

    # The hostile URLs were asked for (so this test can see them) and none was served.
    assert any("etc/passwd" in url for url in fetcher.requested)
    assert any(url.startswith(local_server) for url in fetcher.requested)
    assert fetcher.served == []
    assert _Recorder.hits == []
    assert no_sockets == []
    # Nothing from the filesystem landed in the document, as attachment or otherwise.
    assert _embedded_files(result.pdf) == []
    assert b"root:x:0:0" not in result.pdf
    assert "root:" not in pdf_text(result.pdf)
    assert "VISIBLE-MARKER" in pdf_text(result.pdf)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "ftp://example.org/x",
        "asset:../../../etc/passwd",
        "asset:fonts/../../../../etc/passwd",
        "asset:/etc/passwd",
        "asset:image/unknown.jpg",
        "data:text/plain;base64," + "QUFB" * 2000,
        "gopher://127.0.0.1:25/x",
        "/etc/passwd",
    ],
)
def test_fetcher_refuses_everything_but_its_map(url):  # type: ignore[no-untyped-def]
    fetcher = AssetFetcher()
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.served == []


def test_fetcher_serves_assets_given_images_and_small_data_urls():  # type: ignore[no-untyped-def]
    fetcher = AssetFetcher(images={"abc": b"\xff\xd8jpeg"})
    css = fetcher.fetch(asset_url("css/packet.css"))
    assert css.read() == ASSET_FILES["css/packet.css"].read_bytes()
    assert fetcher.fetch("asset:image/abc.jpg").read() == b"\xff\xd8jpeg"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert fetcher.served == [asset_url("css/packet.css"), "asset:image/abc.jpg", "data:text/plain,hello"]


def test_urllib_opener_entry_points_are_also_closed():  # type: ignore[no-untyped-def]
    fetcher = AssetFetcher()
    with pytest.raises(FetchRefused):
        fetcher.open("file:///etc/passwd")
    with pytest.raises(FetchRefused):
        fetcher("http://127.0.0.1/")
