"""Encrypted backups (≤ 90 days): the daily job's export.

"Deleted information may be kept in encrypted backups for up to 90 days, accessible only for
disaster recovery purposes." Backups are DynamoDB exports (point in time, DynamoDB JSON) into the
backups bucket, encrypted with the customer-managed key; the bucket's lifecycle removes every
object version within 90 days. Restoring one is the operator's disaster-recovery path, in
:mod:`ops.restore`, which this job never loads.

Integrations: DynamoDB (ExportTableToPointInTime).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.privacy import get_logger

logger = get_logger()

EXPORTS_PREFIX = "exports"


def start_backup(dynamodb: Any, table_arn: str, bucket: str, key_arn: str, now: datetime) -> str:
    """Export the table as it is now; returns the S3 prefix the export is written under."""
    prefix = f"{EXPORTS_PREFIX}/{now.strftime('%Y-%m-%dT%H%M%SZ')}"
    response = dynamodb.export_table_to_point_in_time(
        TableArn=table_arn,
        S3Bucket=bucket,
        S3Prefix=prefix,
        ExportFormat="DYNAMODB_JSON",
        S3SseAlgorithm="KMS",
        S3SseKmsKeyId=key_arn,
    )
    logger.info("backup started", extra={"export_status": response["ExportDescription"]["ExportStatus"]})
    return prefix
