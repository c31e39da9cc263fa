"""The privacy policy versions a user can accept: the ones published (docs/privacy-policy.txt is
the current one). Consent is recorded for a policy that exists, never for a version a client
made up. Publishing a new version adds it here; dropping an old one stops new accounts from
accepting it (accounts that did keep their record)."""

from __future__ import annotations

from typing import Literal, get_args

PolicyVersion = Literal["2024-06-01"]
PUBLISHED_POLICY_VERSIONS: tuple[str, ...] = get_args(PolicyVersion)
CURRENT_POLICY_VERSION = PUBLISHED_POLICY_VERSIONS[-1]
