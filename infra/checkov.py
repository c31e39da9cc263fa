"""checkov findings skipped on ONE resource each, with the reason, in the resource's Metadata.

A check that holds for every resource of its kind by design is skipped by ID in ``.checkov.yaml``
instead; both lists, with their reasons, are in docs/security.md (a test keeps them in step).
"""

from __future__ import annotations

from aws_cdk import CfnResource
from constructs import IConstruct

from infra.data import DataStore
from infra.erasure import ReceiptKey

HMAC_KEY_NOT_ROTATABLE = (
    "CKV_AWS_7",
    "HMAC keys (HMAC_256, GENERATE_VERIFY_MAC) do not support automatic rotation in KMS; "
    "a receipt's keyed hash must also stay verifiable until the receipt expires.",
)
ACCESS_LOGS_NOT_LOGGED = (
    "CKV_AWS_18",
    "This bucket receives the other buckets' server access logs; logging it would log the logs.",
)
ACCESS_LOGS_NOT_VERSIONED = (
    "CKV_AWS_21",
    "Unversioned on purpose: expiration after LOG_RETENTION_DAYS must really delete (IP addresses), "
    "not leave noncurrent versions behind.",
)
EDGE_NOT_LOGGED = (
    "CKV_AWS_86",
    "Every request CloudFront forwards is in the HTTP API's access log (ip, route, status) and each "
    "one the web ACL refuses is counted in its metrics; standard logs would be a second store of IPs.",
)


def skip_on(construct: IConstruct, *checks: tuple[str, str]) -> None:
    resource = construct.node.default_child
    assert isinstance(resource, CfnResource)
    resource.add_metadata("checkov", {"skip": [{"id": check_id, "comment": reason} for check_id, reason in checks]})


def skip_resource_findings(*, data: DataStore, receipt_key: ReceiptKey) -> None:
    """Every resource-level skip, given the constructs they are on (the stack passes its own)."""
    skip_on(receipt_key.key, HMAC_KEY_NOT_ROTATABLE)
    skip_on(data.access_logs, ACCESS_LOGS_NOT_LOGGED, ACCESS_LOGS_NOT_VERSIONED)
