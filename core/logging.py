"""Logging filters that keep personal data out of logs.

Nothing in the code logs field values; `ScrubPersonalData` is the second line of defence: it masks
e-mail addresses, phone numbers, dates and IP addresses in any message before a handler sees it.
`ClientAddress` names the client of a request's record by the same keyed hash of the same address
the audit trail carries (`core.authn.client_ip_hash`), never by the address itself.
"""

from __future__ import annotations

import logging
import re

from core.authn import client_ip_hash

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"), "[phone]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b"), "[ip]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ScrubPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: drop the args rather than the record
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        return True


class ClientAddress(logging.Filter):
    """Sets `record.client`: the keyed hash of the request's client address, "-" without a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        client = "-"
        if request is not None and hasattr(request, "META"):
            client = client_ip_hash(request) or "-"
        record.client = client
        return True
