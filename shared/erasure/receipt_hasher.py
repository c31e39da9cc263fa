"""The keyed hash that lets a deletion receipt stand for an account without naming it.

Integrations: KMS (GenerateMac with an HMAC key).
"""

from __future__ import annotations

import base64
from typing import Any


class ReceiptHasher:
    """HMAC-SHA256 of a user id under a KMS HMAC key: stable (so receipts can be re-applied after
    a restore) but not reversible, and useless without the key."""

    def __init__(self, kms: Any, key_id: str) -> None:
        self._kms = kms
        self._key_id = key_id

    def __call__(self, user_id: str) -> str:
        response = self._kms.generate_mac(KeyId=self._key_id, Message=user_id.encode(), MacAlgorithm="HMAC_SHA_256")
        return base64.urlsafe_b64encode(response["Mac"]).decode().rstrip("=")
