"""Development keys: generated once into a git-ignored file so a newcomer needs no setup.

Production refuses these (config/settings/production.py): real keys come from the environment.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path


def _b64key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# Keys added after a development key file was first made: filled into an existing file once.
LATER_KEYS = {"evidence_signing_key": _b64key}


def load_or_create_dev_keys(path: Path) -> dict[str, str]:
    if path.exists():
        keys: dict[str, str] = json.loads(path.read_text())
        missing = {name: make() for name, make in LATER_KEYS.items() if name not in keys}
        if missing:
            keys.update(missing)
            path.write_text(json.dumps(keys, indent=2))
        return keys
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": f"dev1:{_b64key()}",
        "blind_index_key": _b64key(),
        "ip_hash_key": _b64key(),
        # Ed25519 private key seed (32 bytes) signing evidence export manifests.
        "evidence_signing_key": _b64key(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle, indent=2)
    return keys
