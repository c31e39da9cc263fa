"""The benchmark's DynamoDB stand-in answers like DynamoDB in the calls the import makes (its
figures are only as good as that), and the benchmark's doc rewrite keeps the other sections."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.doc_section import END_MARKER, replace_section
from benchmarks.dynamodb_standin import StandIn, _Rejected

TABLE = "t"


def _item(pk: str, sk: str, **attrs: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attrs.items()}}


def _put_all(standin: StandIn, *items: dict[str, Any]) -> dict[str, Any]:
    status, body = standin.batch_write_item({"RequestItems": {TABLE: [{"PutRequest": {"Item": i}} for i in items]}})
    assert status == 200
    return body


def test_batch_get_returns_stored_items_projected_and_counts_consistent_reads() -> None:
    standin = StandIn()
    _put_all(standin, _item("U", "CONTACT#phone#+1", lead_id="L1"), _item("U", "LEAD#L1", name="n"))
    request = {
        "Keys": [{"pk": {"S": "U"}, "sk": {"S": "CONTACT#phone#+1"}}, {"pk": {"S": "U"}, "sk": {"S": "CONTACT#x"}}],
        "ProjectionExpression": "sk, lead_id",
        "ConsistentRead": True,
    }
    status, body = standin.batch_get_item({"RequestItems": {TABLE: request}})
    assert status == 200
    assert body["Responses"][TABLE] == [{"sk": {"S": "CONTACT#phone#+1"}, "lead_id": {"S": "L1"}}]
    assert standin.stats["BatchGetItem"] == 1
    assert standin.stats["BatchGetItem_keys"] == 2
    assert standin.stats["BatchGetItem_consistent"] == 1


def test_batch_calls_refuse_what_dynamodb_refuses() -> None:
    standin = StandIn()
    keys = [{"pk": {"S": "U"}, "sk": {"S": f"K{i}"}} for i in range(101)]
    with pytest.raises(_Rejected, match="Too many items"):
        standin.batch_get_item({"RequestItems": {TABLE: {"Keys": keys}}})
    with pytest.raises(_Rejected, match="duplicates"):
        standin.batch_get_item({"RequestItems": {TABLE: {"Keys": [keys[0], keys[0]]}}})
    too_many = [{"PutRequest": {"Item": _item("U", f"K{i}")}} for i in range(26)]
    with pytest.raises(_Rejected, match="Too many items"):
        standin.batch_write_item({"RequestItems": {TABLE: too_many}})
    assert standin.stored() == 0


def test_writes_left_unprocessed_are_not_stored() -> None:
    standin = StandIn(unprocessed_every=1)
    body = _put_all(standin, *(_item("U", f"K{i:02d}") for i in range(10)))
    left = body["UnprocessedItems"][TABLE]
    assert len(left) == 5
    assert standin.stored() == 5
    # every call leaves its last 5 unprocessed: here, all of them again
    _put_all(standin, *(r["PutRequest"]["Item"] for r in left))
    assert standin.stored() == 5


def test_query_between_pages_in_key_order_within_the_partition() -> None:
    standin = StandIn()
    _put_all(standin, _item("U", "LEAD#3"), _item("U", "LEAD#1"), _item("U", "CONTACT#a"), _item("V", "LEAD#2"))
    _put_all(standin, _item("U", "LEAD#2"), _item("U", "LEAD#9"))
    query = {
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :low AND :high",
        "ExpressionAttributeValues": {":pk": {"S": "U"}, ":low": {"S": "LEAD#1"}, ":high": {"S": "LEAD#3"}},
        "Limit": 2,
    }
    _, first = standin.query(query)
    assert [i["sk"]["S"] for i in first["Items"]] == ["LEAD#1", "LEAD#2"]
    _, second = standin.query({**query, "ExclusiveStartKey": first["LastEvaluatedKey"]})
    assert [i["sk"]["S"] for i in second["Items"]] == ["LEAD#3"]
    assert "LastEvaluatedKey" not in second
    _, everything = standin.query(
        {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": "U"}}}
    )
    assert [i["sk"]["S"] for i in everything["Items"]] == ["CONTACT#a", "LEAD#1", "LEAD#2", "LEAD#3", "LEAD#9"]


def test_transaction_is_all_or_nothing_and_names_the_failed_condition() -> None:
    standin = StandIn()
    _put_all(standin, _item("U", "CONTACT#phone#+1", lead_id="L1"))
    taken = {
        "TransactItems": [
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": _item("U", "LEAD#L2"),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
            {
                "Put": {
                    "TableName": TABLE,
                    "Item": _item("U", "CONTACT#phone#+1", lead_id="L2"),
                    "ConditionExpression": "attribute_not_exists(pk) OR lead_id = :lead",
                    "ExpressionAttributeValues": {":lead": {"S": "L2"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            },
        ]
    }
    status, body = standin.transact_write_items(taken)
    assert status == 400
    assert body["__type"].endswith("#TransactionCanceledException")
    assert [r["Code"] for r in body["CancellationReasons"]] == ["None", "ConditionalCheckFailed"]
    assert body["CancellationReasons"][1]["Item"]["lead_id"] == {"S": "L1"}
    assert standin.stored() == 1  # the lead was not written either

    taken["TransactItems"][1]["Put"]["ExpressionAttributeValues"] = {":lead": {"S": "L1"}}
    status, _ = standin.transact_write_items(taken)
    assert status == 200
    assert standin.stored() == 2


def test_doc_rewrite_replaces_only_its_own_section() -> None:
    marker = "<!-- figures -->"
    old = f"# B\n\n## Import\n\ntext\n\n{marker}\n\nold figures\n\n## Load\n\nkept\n"
    once = replace_section(old, marker, "new figures")
    assert "old figures" not in once
    assert "new figures" in once
    assert once.startswith("# B\n\n## Import\n\ntext\n\n")
    assert once.endswith(f"{END_MARKER}\n\n## Load\n\nkept\n")
    twice = replace_section(once, marker, "newer")  # now bounded by the end marker
    assert "new figures" not in twice
    assert twice.endswith(f"{END_MARKER}\n\n## Load\n\nkept\n")
    assert replace_section("# B\n", marker, "x").startswith("# B\n\n" + marker)
