"""An in-memory ``Vault`` (shared/imports/vault.py): seals bound to one user's one import.

Like ``KmsVault``: the ciphertext does not show the plaintext, opens only under the encryption
context it was sealed with (the same ``encryption_context``) and only with the same key (another
``FakeVault`` is another key); anything else, or a tampered byte, raises ``SealBroken``. A toy
cipher (SHA-256 keystream and HMAC tag): good for tests, worthless as cryptography.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from shared.imports.vault import MAX_PLAINTEXT_BYTES, SealBroken, encryption_context

MAGIC = b"fake-vault:1:"
NONCE_BYTES = 16
TAG_BYTES = 32


class FakeVault:
    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self.opened = 0  # successful opens, each a KMS Decrypt for the real vault

    def _stream(self, nonce: bytes, context: bytes, length: int) -> bytes:
        blocks = (
            hashlib.sha256(self._key + nonce + context + counter.to_bytes(4, "big")).digest()
            for counter in range(length // 32 + 1)
        )
        return b"".join(blocks)[:length]

    def _tag(self, nonce: bytes, context: bytes, plaintext: bytes) -> bytes:
        return hmac.new(self._key, nonce + context + plaintext, hashlib.sha256).digest()

    @staticmethod
    def _context(user_id: str, import_id: str) -> bytes:
        return json.dumps(encryption_context(user_id, import_id), sort_keys=True).encode()

    def seal(self, plaintext: bytes, *, user_id: str, import_id: str) -> bytes:
        if len(plaintext) > MAX_PLAINTEXT_BYTES:
            raise ValueError("sealed payload too large")
        context = self._context(user_id, import_id)
        nonce = secrets.token_bytes(NONCE_BYTES)
        body = bytes(a ^ b for a, b in zip(plaintext, self._stream(nonce, context, len(plaintext)), strict=True))
        return MAGIC + nonce + self._tag(nonce, context, plaintext) + body

    def open(self, sealed: bytes, *, user_id: str, import_id: str) -> bytes:
        if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + NONCE_BYTES + TAG_BYTES:
            raise SealBroken()
        nonce, rest = sealed[len(MAGIC) :][:NONCE_BYTES], sealed[len(MAGIC) + NONCE_BYTES :]
        tag, body = rest[:TAG_BYTES], rest[TAG_BYTES:]
        context = self._context(user_id, import_id)
        plaintext = bytes(a ^ b for a, b in zip(body, self._stream(nonce, context, len(body)), strict=True))
        if not hmac.compare_digest(tag, self._tag(nonce, context, plaintext)):
            raise SealBroken()
        self.opened += 1
        return plaintext
