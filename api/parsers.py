"""Parsers that refuse oversized bodies before reading them into memory (413, not a 500)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from api.exceptions import PayloadTooLarge


def _declared_length(parser_context: Mapping[str, Any] | None) -> int:
    request = (parser_context or {}).get("request")
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except (TypeError, ValueError):
        return 0


class BoundedJSONParser(parsers.JSONParser):
    """JSON bodies up to settings.DATA_UPLOAD_MAX_MEMORY_SIZE; reads at most one byte more."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if _declared_length(parser_context) > limit:
            raise PayloadTooLarge()
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise PayloadTooLarge()
        try:
            return super().parse(io.BytesIO(data), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply.") from None


class BoundedMultiPartParser(parsers.MultiPartParser):
    """Multipart uploads up to the evidence limit plus room for the form fields."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        if _declared_length(parser_context) > settings.EVIDENCE_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge()
        return super().parse(stream, media_type, parser_context)
