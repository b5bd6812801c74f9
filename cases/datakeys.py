"""Per-case data keys for files (crypto-shredding).

Each case (and each incident that has files of its own) gets a random 256-bit key, stored sealed
by the field keyring in `cases.DataKey`. Evidence originals, their served copies and stored
packets are AES-256-GCM sealed under that key, with associated data naming the file's row and
role. Destroying the key (`datakey_destroy`, done by purge) makes every copy of those files
unreadable, including copies in file backups, as soon as no backup of the DataKey table from before
the purge survives. Format: b"dk1:" + 12-byte nonce + ciphertext + tag.

The sealing is `core.crypto`'s; this module stays in `cases` because the keys are DataKey rows.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from cases.models import DataKey
from core.crypto import DecryptionError, open_file, seal_file

PREFIX = b"dk1:"


def scope_for_case(case: Any) -> str:
    return f"case:{case.public_id}"


def scope_for_incident(incident: Any) -> str:
    return f"incident:{incident.public_id}"


def scope_of_evidence(evidence: Any) -> str:
    """Files belong to their case; a complaint's to the complaint's case; an incident's own files
    (no case) to the incident."""
    if evidence.case_id:
        return scope_for_case(evidence.case)
    if evidence.complaint_id:
        return scope_for_case(evidence.complaint.case)
    return scope_for_incident(evidence.incident)


def _key(scope: str, *, create: bool) -> bytes:
    row = DataKey.objects.filter(scope=scope).first()
    if row is None:
        if not create:
            raise DecryptionError(f"the data key of {scope} does not exist (purged or destroyed)")
        try:
            with transaction.atomic():
                row = DataKey.objects.create(scope=scope, key=base64.b64encode(os.urandom(32)).decode())
        except IntegrityError:  # created concurrently
            row = DataKey.objects.get(scope=scope)
    return base64.b64decode(row.key)


def seal(*, scope: str, data: bytes, context: str, keys: dict[str, bytes] | None = None) -> bytes:
    """Seal a file under its scope's data key (made on first use); `keys` (from `keys_for`) saves
    the lookup when it holds the scope's key."""
    key = keys[scope] if keys and scope in keys else _key(scope, create=True)
    return seal_file(key, data, context=context, prefix=PREFIX)


def keys_for(scopes: Iterable[str]) -> dict[str, bytes]:
    """The data keys of many scopes in one query, for opening many files in a row (a batch
    download); a scope whose key is gone is simply absent."""
    return {row.scope: base64.b64decode(row.key) for row in DataKey.objects.filter(scope__in=list(set(scopes)))}


def unseal(*, scope: str, blob: bytes, context: str, keys: dict[str, bytes] | None = None) -> bytes:
    """Open a file; `keys` (from `keys_for`) saves the per-file key lookup."""
    if not blob.startswith(PREFIX):
        raise DecryptionError("not a file sealed under a data key")
    if keys is None:
        key = _key(scope, create=False)
    elif scope in keys:
        key = keys[scope]
    else:
        raise DecryptionError(f"the data key of {scope} does not exist (purged or destroyed)")
    return open_file(key, memoryview(blob)[len(PREFIX) :], context=context)


def datakey_destroy(*, scope: str) -> bool:
    """Delete a scope's data key: its files can never be opened again."""
    deleted, _ = DataKey.objects.filter(scope=scope).delete()
    return bool(deleted)
