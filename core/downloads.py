"""How a file leaves the site as a download, for pages and the API alike: never rendered or run
in our origin, never cached."""

from __future__ import annotations

from collections.abc import Iterator
from typing import overload

from django.http import HttpResponse, StreamingHttpResponse


@overload
def attachment_response(*, data: bytes, content_type: str, filename: str) -> HttpResponse: ...
@overload
def attachment_response(*, data: Iterator[bytes], content_type: str, filename: str) -> StreamingHttpResponse: ...
def attachment_response(
    *, data: bytes | Iterator[bytes], content_type: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A file handed out as a download that no browser will render or run in our origin; an
    iterator of pieces is streamed (StreamingHttpResponse) instead of held whole."""
    if isinstance(data, bytes):
        response: HttpResponse | StreamingHttpResponse = HttpResponse(data, content_type=content_type)
    else:
        response = StreamingHttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
