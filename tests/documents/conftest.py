"""Rendering costs about a second a packet: tests that only read a PDF share one rendering per
module (`module_packet`), built in a transaction that is rolled back afterwards."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Text without whitespace, for values a table cell may have wrapped."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Callable[[Callable[[], Any]], Any]]:  # type: ignore[no-untyped-def]
    """Run a builder once for the module against the test database, then roll it all back."""
    media = tmp_path_factory.mktemp("media")

    def run(builder: Callable[[], Any]) -> Any:
        with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
            result = builder()
            transaction.set_rollback(True)
        return result

    yield run
