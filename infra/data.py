"""Everything that stores personal data: the KMS key, the DynamoDB table and the S3 buckets."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from shared.resources import (
    BUCKETS,
    LOG_RETENTION_DAYS,
    TABLE,
    BucketSpec,
    LifecycleRuleSpec,
    TableSpec,
)

_ATTRIBUTE_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
}


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def lifecycle_rule(spec: LifecycleRuleSpec) -> s3.LifecycleRule:
    """One CDK rule per spec rule, so the template matches ``spec.to_s3()`` rule for rule."""

    def days(value: int | None) -> Duration | None:
        return None if value is None else Duration.days(value)

    return s3.LifecycleRule(
        id=spec.id,
        enabled=True,
        expiration=days(spec.expiration_days),
        noncurrent_version_expiration=days(spec.noncurrent_expiration_days),
        expired_object_delete_marker=spec.expired_object_delete_marker or None,
        abort_incomplete_multipart_upload_after=days(spec.abort_incomplete_multipart_days),
    )


class DataStore(Construct):
    """Customer-managed key, single table and buckets; all encrypted with the one key."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table_spec: TableSpec = TABLE,
        bucket_specs: tuple[BucketSpec, ...] = BUCKETS,
    ) -> None:
        super().__init__(scope, construct_id)

        self.key = kms.Key(
            self,
            "Key",
            description="Encrypts the CRM table and buckets (personal data)",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.table = dynamodb.Table(
            self,
            "Table",
            partition_key=_string_key(table_spec.partition_key),
            sort_key=_string_key(table_spec.sort_key),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True,
                recovery_period_in_days=table_spec.pitr_recovery_days,
            ),
            time_to_live_attribute=table_spec.ttl_attribute,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in table_spec.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=_string_key(index.partition_key),
                sort_key=_string_key(index.sort_key),
                projection_type=_PROJECTIONS[index.projection],
            )
        for local in table_spec.local_indexes:
            self.table.add_local_secondary_index(
                index_name=local.name,
                sort_key=dynamodb.Attribute(name=local.sort_key, type=_ATTRIBUTE_TYPES[local.sort_key_type]),
                projection_type=_PROJECTIONS[local.projection],
            )

        # Server access logs carry client IP addresses: bounded like every other log. Log
        # delivery cannot write to SSE-KMS buckets, hence S3-managed encryption here.
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=Duration.days(LOG_RETENTION_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.buckets: dict[str, s3.Bucket] = {}
        for spec in bucket_specs:
            self.buckets[spec.key] = s3.Bucket(
                self,
                f"{spec.key.capitalize()}Bucket",
                encryption=(s3.BucketEncryption.KMS if spec.kms_encrypted else s3.BucketEncryption.S3_MANAGED),
                encryption_key=self.key if spec.kms_encrypted else None,
                bucket_key_enabled=spec.kms_encrypted or None,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                enforce_ssl=True,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                versioned=spec.versioned,
                lifecycle_rules=[lifecycle_rule(rule) for rule in spec.lifecycle],
                server_access_logs_bucket=self.access_logs,
                server_access_logs_prefix=f"{spec.key}/",
                removal_policy=RemovalPolicy.RETAIN,
            )
