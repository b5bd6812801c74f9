"""Authenticated encryption of personal fields and keyed blind indexes.

Values are AES-256-GCM sealed with the newest key of a keyring; each stored value names its
key id, so older keys keep decrypting until `rotate_keys` has re-sealed every row. The
associated data binds a value to its column (`app_label.model.field`): a ciphertext copied
into another column does not decrypt. Every failure raises: nothing ever falls back to
returning ciphertext or an empty value.

Also the Ed25519 key that signs evidence export manifests (`sign_detached`), with its public half
published for recipients (`signing_public_key_pem`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be authenticated or its key is unknown (or destroyed)."""


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, bytes]

    def encrypt(self, plaintext: str, *, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.primary_id]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{PREFIX}:{self.primary_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, key_id, body = token.split(":", 2)
        except ValueError:
            raise DecryptionError("not an encrypted value") from None
        if prefix != PREFIX:
            raise DecryptionError("unknown encryption format")
        key = self.keys.get(key_id)
        if key is None:
            raise DecryptionError(f"key {key_id!r} is not configured (rotated away or destroyed)")
        try:
            raw = base64.urlsafe_b64decode(body.encode())
            return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode()).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise DecryptionError("value failed authentication") from None

    def encrypt_bytes(self, data: bytes, *, context: str) -> bytes:
        """Seal a file's bytes: b"v1:<key id>:" + nonce + ciphertext + tag."""
        return seal_file(
            self.keys[self.primary_id], data, context=context, prefix=f"{PREFIX}:{self.primary_id}:".encode()
        )

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        # The header only: splitting the whole blob would copy the file (megabytes) for nothing.
        try:
            prefix, key_id, _ = blob[:64].split(b":", 2)
        except ValueError:
            raise DecryptionError("not an encrypted file") from None
        if prefix.decode(errors="replace") != PREFIX:
            raise DecryptionError("unknown encryption format")
        key = self.keys.get(key_id.decode(errors="replace"))
        if key is None:
            raise DecryptionError(f"key {key_id!r} is not configured (rotated away or destroyed)")
        return open_file(key, memoryview(blob)[len(prefix) + len(key_id) + 2 :], context=context)

    @staticmethod
    def key_id_of(token: str) -> str:
        return token.split(":", 2)[1]


# --- Files: AES-256-GCM over bytes, without copying them -----------------------------------------
# `AESGCM.encrypt` returns a new bytes object, and slicing a blob to drop its header copies it:
# each of those is megabytes of fresh memory for a packet or a photo, and was measured at about
# 1.5 ms per 2.4 MB on the reference machine (docs/performance.md). Sealing into one buffer and
# opening through memoryviews does the same cryptography without those copies.

TAG_BYTES = 16


def seal_file(key: bytes, data: bytes, *, context: str, prefix: bytes) -> bytes:
    """`prefix` + nonce + ciphertext + tag, the ciphertext written in place."""
    nonce = os.urandom(NONCE_BYTES)
    start = len(prefix) + NONCE_BYTES
    out = bytearray(start + len(data) + TAG_BYTES)
    out[: len(prefix)] = prefix
    out[len(prefix) : start] = nonce
    AESGCM(key).encrypt_into(nonce, data, context.encode(), memoryview(out)[start:])
    return bytes(out)


def open_file(key: bytes, body: memoryview, *, context: str) -> bytes:
    """Open nonce + ciphertext + tag (`body`, the blob after its prefix); DecryptionError if it
    does not authenticate under `key` and `context`."""
    try:
        return AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError):
        raise DecryptionError("file failed authentication") from None


def _decode_key(raw: str, what: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip().encode())
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must decode to 32 bytes, got {len(key)}")
    return key


def parse_keyring(entries: list[str]) -> Keyring:
    if not entries:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, sep, raw = entry.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", key_id):
            raise ImproperlyConfigured("each FIELD_ENCRYPTION_KEYS entry must be 'key_id:base64key'")
        if key_id in keys:
            raise ImproperlyConfigured(f"duplicate key id {key_id!r} in FIELD_ENCRYPTION_KEYS")
        keys[key_id] = _decode_key(raw, f"field key {key_id!r}")
    return Keyring(primary_id=entries[0].partition(":")[0], keys=keys)


@lru_cache(maxsize=1)
def _keyring_for(entries: tuple[str, ...]) -> Keyring:
    return parse_keyring(list(entries))


def _file_lines(path: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a key file; () once the file is gone (destroyed keys).

    Read on every call (a stat and a small read), so when a lockdown destroys the file every
    process of the deployment loses the keys at its next encryption or decryption."""
    if not path:
        return ()
    try:
        with open(path, encoding="utf-8") as handle:
            return tuple(line.strip() for line in handle if line.strip() and not line.startswith("#"))
    except FileNotFoundError:
        return ()


@lru_cache(maxsize=4)
def _parse_dev_keys(path: str, stamp: tuple[int, int, int]) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        keys = json.load(handle)
    return {name: str(value) for name, value in keys.items()} if isinstance(keys, dict) else {}


def dev_keys() -> dict[str, str]:
    """The development key file's keys (settings.DEV_KEYS_FILE), {} when there is none or once it
    is gone: looked up (a stat) on every use, so a lockdown that shreds the file disarms every
    process of a development setup at its next encryption or decryption, as key files do."""
    path = getattr(settings, "DEV_KEYS_FILE", "")
    if not path:
        return {}
    try:
        info = os.stat(path)
        return _parse_dev_keys(path, (info.st_ino, info.st_mtime_ns, info.st_size))
    except (FileNotFoundError, ValueError):
        return {}


def configured_field_keys() -> list[str]:
    """Key file entries first (newest first), then FIELD_ENCRYPTION_KEYS from the environment, then
    (development only) the development key file's."""
    file_keys = _file_lines(getattr(settings, "FIELD_ENCRYPTION_KEYS_FILE", ""))
    keys = [*file_keys, *[k for k in settings.FIELD_ENCRYPTION_KEYS if k not in file_keys]]
    dev_key = dev_keys().get("field_key", "")
    return [*keys, dev_key] if dev_key and dev_key not in keys else keys


def keyring() -> Keyring:
    return _keyring_for(tuple(configured_field_keys()))


def encrypt(plaintext: str, *, context: str) -> str:
    return keyring().encrypt(plaintext, context=context)


def decrypt(token: str, *, context: str) -> str:
    return keyring().decrypt(token, context=context)


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    return keyring().encrypt_bytes(data, context=context)


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    return keyring().decrypt_bytes(blob, context=context)


# --- Blind indexes -----------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalise_text(value: str) -> str:
    """NFKC, casefolded, trimmed, inner whitespace collapsed: 'José  GARCÍA ' == 'josé garcía'."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def normalise_phone(value: str) -> str:
    """Digits only; a US number loses its leading country code 1."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


NORMALISERS = {"text": normalise_text, "phone": normalise_phone, "email": normalise_text}


@lru_cache(maxsize=4)
def _index_key(raw: str) -> bytes:
    if not raw:
        raise ImproperlyConfigured("BLIND_INDEX_KEY is not set")
    return _decode_key(raw, "BLIND_INDEX_KEY")


def blind_index(value: str | None, *, purpose: str, kind: str = "text") -> str:
    """Keyed HMAC-SHA256 of the normalised value, separated by purpose; '' for no value."""
    if value is None:
        return ""
    normalised = NORMALISERS[kind](str(value))
    if not normalised:
        return ""
    message = f"{purpose}\x00{normalised}".encode()
    return hmac.new(_index_key(configured_blind_index_key()), message, hashlib.sha256).hexdigest()


def forget_keys() -> None:
    """Drop the keys held in memory, so the next use reads the configuration again (after the
    lockdown destroyed the key files)."""
    _keyring_for.cache_clear()
    _index_key.cache_clear()
    _parse_dev_keys.cache_clear()


def configured_blind_index_key() -> str:
    """BLIND_INDEX_KEY_FILE's key when that file is configured (and gone once destroyed), else the
    environment's BLIND_INDEX_KEY, else (development) the development key file's."""
    path = getattr(settings, "BLIND_INDEX_KEY_FILE", "")
    if path:
        lines = _file_lines(path)
        return lines[0] if lines else ""
    return settings.BLIND_INDEX_KEY or dev_keys().get("blind_index_key", "")


def keyed_hash(value: str, *, purpose: str) -> str:
    """A short keyed hash for pseudonymous identifiers in logs (client IPs, usernames)."""
    key = _decode_key(settings.IP_HASH_KEY, "IP_HASH_KEY")
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()[:24]


# --- Signing evidence exports ---------------------------------------------------------------


def evidence_signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs evidence export manifests: EVIDENCE_SIGNING_KEY (base64 of the
    32-byte private seed), else (development) the development key file's."""
    raw = settings.EVIDENCE_SIGNING_KEY or dev_keys().get("evidence_signing_key", "")
    if not raw:
        raise ImproperlyConfigured("EVIDENCE_SIGNING_KEY is not set: evidence exports cannot be signed")
    return Ed25519PrivateKey.from_private_bytes(_decode_key(raw, "EVIDENCE_SIGNING_KEY"))


def sign_detached(data: bytes) -> bytes:
    """The raw 64-byte Ed25519 signature of `data` (what `openssl pkeyutl -verify -rawin` checks)."""
    return evidence_signing_key().sign(data)


def signing_public_key_pem() -> str:
    """The public half of the evidence signing key (SubjectPublicKeyInfo PEM), safe to publish."""
    public = evidence_signing_key().public_key()
    return public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode("ascii")
