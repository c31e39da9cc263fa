"""Seal and open import secrets with KMS, bound to one user's one import.

The encryption context (purpose, user id, import id) is authenticated by KMS: a sealed token
copied onto another import, or another user's, does not open. In AWS the key policy and the
functions' grants also require ``purpose`` (see infra), so the key cannot be used for anything
else.
"""

from __future__ import annotations

from typing import Any, Protocol

from botocore.exceptions import ClientError

PURPOSE = "google-sheets-import"
MAX_PLAINTEXT_BYTES = 4096  # KMS Encrypt's limit; the sealed payloads are far smaller


class SealBroken(Exception):
    """The ciphertext does not open under this import's context (tampered or misplaced)."""


class Vault(Protocol):
    def seal(self, plaintext: bytes, *, user_id: str, import_id: str) -> bytes: ...
    def open(self, sealed: bytes, *, user_id: str, import_id: str) -> bytes: ...


def encryption_context(user_id: str, import_id: str) -> dict[str, str]:
    return {"purpose": PURPOSE, "user_id": user_id, "import_id": import_id}


class KmsVault:
    """Integrations: KMS (Encrypt, Decrypt), one call each."""

    def __init__(self, client: Any, key_id: str) -> None:
        self._kms = client
        self._key_id = key_id

    def seal(self, plaintext: bytes, *, user_id: str, import_id: str) -> bytes:
        if len(plaintext) > MAX_PLAINTEXT_BYTES:
            raise ValueError("sealed payload too large")
        response = self._kms.encrypt(
            KeyId=self._key_id,
            Plaintext=plaintext,
            EncryptionContext=encryption_context(user_id, import_id),
        )
        return bytes(response["CiphertextBlob"])

    def open(self, sealed: bytes, *, user_id: str, import_id: str) -> bytes:
        try:
            response = self._kms.decrypt(
                KeyId=self._key_id,
                CiphertextBlob=sealed,
                EncryptionContext=encryption_context(user_id, import_id),
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("InvalidCiphertextException", "IncorrectKeyException"):
                raise SealBroken() from None
            raise
        return bytes(response["Plaintext"])
