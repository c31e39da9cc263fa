"""The local stack (moto) and the synthesized CloudFormation template describe the same resources.

Each side is read back as deployed/created — the template's properties and moto's Describe/Get
answers — and compared with each other, not only with the spec, so a construct or the local
stack that ignores a spec field makes this fail.
"""

from __future__ import annotations

from typing import Any

import pytest

from infra.stack import CrmStack
from shared import resources

pytestmark = pytest.mark.infra


def _props(template_json: dict[str, Any], stack: CrmStack, construct: Any) -> dict[str, Any]:
    logical_id = stack.resolve(stack.get_logical_id(construct.node.default_child))
    return dict(template_json["Resources"][logical_id]["Properties"])


@pytest.fixture(scope="module")
def local(local_stack: Any) -> dict[str, Any]:
    return dict(local_stack.describe())


def _gsis(indexes: list[dict[str, Any]], name_key: str) -> dict[str, Any]:
    return {
        i[name_key]: (i.get("KeySchema") or i["key_schema"], i.get("Projection") or i["projection"]) for i in indexes
    }


def test_table_keys_indexes_ttl_pitr_and_encryption_agree(
    template_json: dict[str, Any], crm_stack: CrmStack, local: dict[str, Any]
) -> None:
    cfn = _props(template_json, crm_stack, crm_stack.data.table)
    moto = local["table"]
    assert cfn["KeySchema"] == moto["key_schema"]
    assert sorted(cfn["AttributeDefinitions"], key=str) == sorted(moto["attribute_definitions"], key=str)
    assert _gsis(cfn["GlobalSecondaryIndexes"], "IndexName") == _gsis(moto["global_secondary_indexes"], "name")
    assert _gsis(cfn["LocalSecondaryIndexes"], "IndexName") == _gsis(moto["local_secondary_indexes"], "name")
    assert cfn["TimeToLiveSpecification"] == {"AttributeName": moto["ttl"]["AttributeName"], "Enabled": True}
    assert moto["ttl"]["TimeToLiveStatus"] == "ENABLED"
    assert cfn["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": moto["pitr"]["PointInTimeRecoveryStatus"] == "ENABLED",
        "RecoveryPeriodInDays": moto["pitr"]["RecoveryPeriodInDays"],
    }
    assert cfn["BillingMode"] == moto["billing_mode"]
    assert (cfn["SSESpecification"]["SSEType"], moto["sse"]["SSEType"]) == ("KMS", "KMS")


def _cfn_rule_as_s3(rule: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's lifecycle rule spelling turned into S3's API spelling."""
    s3: dict[str, Any] = {"ID": rule["Id"], "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        s3["Expiration"] = {"Days": rule["ExpirationInDays"]}
    if rule.get("ExpiredObjectDeleteMarker"):
        s3["Expiration"] = {"ExpiredObjectDeleteMarker": True}
    if "NoncurrentVersionExpiration" in rule:
        s3["NoncurrentVersionExpiration"] = {"NoncurrentDays": rule["NoncurrentVersionExpiration"]["NoncurrentDays"]}
    if "AbortIncompleteMultipartUpload" in rule:
        s3["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return s3


@pytest.mark.parametrize("spec", resources.BUCKETS, ids=lambda b: b.key)
def test_bucket_encryption_versioning_and_lifecycle_agree(
    template_json: dict[str, Any], crm_stack: CrmStack, local: dict[str, Any], spec: resources.BucketSpec
) -> None:
    cfn = _props(template_json, crm_stack, crm_stack.data.buckets[spec.key])
    moto = local["buckets"][spec.key]
    cfn_rules = sorted((_cfn_rule_as_s3(r) for r in cfn["LifecycleConfiguration"]["Rules"]), key=lambda r: r["ID"])
    moto_rules = sorted(moto["lifecycle"], key=lambda r: r["ID"])
    assert cfn_rules == moto_rules
    assert (cfn.get("VersioningConfiguration") or {}).get("Status", "Suspended") == moto["versioning"]
    cfn_sse = cfn["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    moto_sse = moto["encryption"][0]
    assert (
        cfn_sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
        == moto_sse["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    )
    assert cfn_sse.get("BucketKeyEnabled") == moto_sse.get("BucketKeyEnabled")
    assert cfn["PublicAccessBlockConfiguration"] == moto["public_access_block"]


def test_user_pool_attributes_password_policy_and_client_agree(
    template_json: dict[str, Any], crm_stack: CrmStack, local: dict[str, Any]
) -> None:
    cfn = _props(template_json, crm_stack, crm_stack.auth.user_pool)
    moto = local["user_pool"]
    assert cfn["UsernameAttributes"] == moto["username_attributes"]
    assert cfn["AutoVerifiedAttributes"] == moto["auto_verified_attributes"]
    cfn_attrs = {
        ("custom:" if "AttributeDataType" in a else "") + a["Name"]: (
            a.get("Required", False),
            a.get("Mutable", True),
            (a.get("StringAttributeConstraints") or {}).get("MaxLength"),
        )
        for a in cfn["Schema"]
    }
    moto_attrs = {
        a["Name"]: (
            a["Required"],
            a["Mutable"],
            a["StringAttributeConstraints"]["MaxLength"] if a["Name"].startswith("custom:") else None,
        )
        for a in moto["schema"]
    }
    assert cfn_attrs == moto_attrs
    assert cfn["Policies"]["PasswordPolicy"] == {
        k: v for k, v in moto["password_policy"].items() if k != "TemporaryPasswordValidityDays"
    }
    assert (cfn["MfaConfiguration"], cfn["EnabledMfas"]) == (moto["mfa"]["configuration"], moto["mfa"]["enabled"])

    client = _props(template_json, crm_stack, crm_stack.auth.client)
    units = {"minutes": 60, "hours": 3600, "days": 86400}

    def seconds(value: int, unit: str) -> int:
        return value * units[unit]

    moto_client = moto["client"]
    assert sorted(client["ExplicitAuthFlows"]) == sorted(moto_client["explicit_auth_flows"])
    assert client["GenerateSecret"] == moto_client["has_secret"]
    for kind, key in (
        ("AccessToken", "access_token_validity"),
        ("IdToken", "id_token_validity"),
        ("RefreshToken", "refresh_token_validity"),
    ):
        assert seconds(client[f"{kind}Validity"], client["TokenValidityUnits"][kind]) == seconds(
            moto_client[key], moto_client["token_validity_units"][kind]
        ), kind
