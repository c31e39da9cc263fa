"""The error a fake raises where its real DynamoDB adapter's ConditionExpression would fail."""

from __future__ import annotations

from botocore.exceptions import ClientError


def condition_failed(operation: str) -> ClientError:
    """What boto3 raises for a conditional write whose condition is not met."""
    error = {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}
    return ClientError({"Error": error}, operation)


def transaction_cancelled(reasons: list[str | None]) -> ClientError:
    """What boto3 raises for a TransactWriteItems cancelled by the conditions at those positions."""
    error = {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"}
    cancellation = [{"Code": reason or "None"} for reason in reasons]
    return ClientError({"Error": error, "CancellationReasons": cancellation}, "TransactWriteItems")
