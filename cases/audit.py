"""The audit trail: append-only, hash-chained, and free of personal plaintext.

Call `audit_record` for every read of personal data and every change. Entries name the actor,
the action, the target by model label and public id, and field *names*; never values.
`audit_verify` recomputes the chain and reports the first entry that was altered or removed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from cases.models import AuditChainHead, AuditEntry
from cases.types import Actor
from core.authn import client_ip_hash

GENESIS = "0" * 64
# Keys allowed in `details`; anything else is refused so no caller slips personal data in.
ALLOWED_DETAIL_KEYS = {
    "count", "reason", "format", "sha256", "status", "from", "to", "rows", "errors", "role", "kind",
    "dry_run", "cases", "case", "path", "method", "outcome", "batch", "confirmed", "query_kind", "keys",
    "subject",  # a keyed hash (core.authn.subject_hash), never a name
    "created", "updated", "skipped",  # import counts
}  # fmt: skip


def _entry_digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def _payload(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "fields": list(entry.fields),
        "ip_hash": entry.ip_hash,
        "details": entry.details,
    }


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: Any = None,
    fields: list[str] | tuple[str, ...] = (),
    request: HttpRequest | None = None,
    **details: Any,
) -> AuditEntry:
    unknown = set(details) - ALLOWED_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit details may not carry {sorted(unknown)}")
    # No savepoint inside a caller's transaction (two round trips fewer): the entry commits or
    # rolls back with the work it records; an error here fails that transaction as a whole.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        entry = AuditEntry(
            at=timezone.now(),
            actor=actor if actor is not None and actor.is_authenticated and actor.pk else None,
            actor_label=getattr(actor, "username", "") or "",
            action=action,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "") or "")
            if target is not None
            else "",
            fields=sorted(fields),
            ip_hash=client_ip_hash(request),
            details=details,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = _entry_digest(entry.prev_hash, _payload(entry))
        entry.save()
        head.last_hash = entry.entry_hash
        head.entries += 1
        head.save(update_fields=["last_hash", "entries"])
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    entry_id: int | None = None


def audit_verify() -> VerifyResult:
    """Walk the chain from the first entry; an edit, insertion or deletion breaks it."""
    prev = GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return VerifyResult(False, checked, "an entry before this one was removed or reordered", entry.pk)
        # Re-read JSON through a round trip so the digest matches what was hashed at write time.
        if _entry_digest(prev, _payload(entry)) != entry.entry_hash:
            return VerifyResult(False, checked, "this entry was altered", entry.pk)
        prev = entry.entry_hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.entries != checked):
        return VerifyResult(False, checked, "entries at the end of the trail were removed")
    return VerifyResult(True, checked)
