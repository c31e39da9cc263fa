"""A DynamoDB stand-in for the import benchmark, over HTTP in its own process (like the real
service, it does not share the measured process's CPU or memory).

Why not moto: moto is not thread-safe (the import keeps 8 writes in flight) and costs far more
CPU per call than DynamoDB's client does, which would make the client-side figures meaningless.
This server speaks DynamoDB's JSON protocol for the calls the import and the raw loop make —
BatchWriteItem, BatchGetItem (consistent reads counted), Query on the table's own keys, GetItem,
TransactWriteItems with the simple conditions the lead repository uses — to an unmodified boto3
client (full request signing and parsing), and refuses what DynamoDB refuses in them (more than
25 writes or 100 keys, duplicate keys in one batch). It can leave items unprocessed, as DynamoDB
does under throttling, and wait a fixed time per call (``latency_ms``: DynamoDB's in-region
latency is of the order of 5 ms), in a handler thread of its own, so calls in flight overlap.

Items are kept as compact JSON, one sort order per partition and sort-key prefix.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import signal
import sys
import threading
import time
from collections import Counter
from typing import Any, ClassVar

from local._http import QuietHandler, StoppableServer

BATCH_WRITE_MAX = 25
BATCH_GET_MAX = 100
TRANSACT_MAX = 100
PAGE_BYTES = 1024 * 1024  # a Query page stops at 1 MB of items, as DynamoDB's does
DEFAULT_LATENCY_MS = 5.0
CONDITION_FAILED = "The conditional request failed"
CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"

Item = dict[str, Any]
Response = tuple[int, dict[str, Any]]


class _Rejected(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class _SortedKeys:
    """Sort keys of one partition and prefix; appended in order (an import's lead ids are), sorted
    again only when a key arrived out of order and a Query needs the order."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.dirty = False

    def add(self, sk: str) -> None:
        if self.keys and sk < self.keys[-1]:
            self.dirty = True
        self.keys.append(sk)

    def ordered(self) -> list[str]:
        if self.dirty:
            self.keys.sort()
            self.dirty = False
        return self.keys


def _group(sk: str) -> str:
    return sk.split("#", 1)[0]


def _keys_between(groups: dict[str, _SortedKeys], low: str | None, high: str | None) -> list[str]:
    """The sort keys a range may contain, in order: one prefix's when both ends share it."""
    if low is not None and high is not None and _group(low) == _group(high):
        group = groups.get(_group(low))
        return group.ordered() if group is not None else []
    return sorted(sk for group in groups.values() for sk in group.ordered())


def item_size(item: Item) -> int:
    """DynamoDB's item size, roughly: attribute names plus values (strings and numbers by their
    text, lists with 3 bytes of overhead and 1 per element): what write units are counted in."""

    def value_size(value: dict[str, Any]) -> int:
        ((kind, inner),) = value.items()
        if kind == "L":
            return 3 + sum(1 + value_size(v) for v in inner)
        if kind == "M":
            return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
        return len(str(inner).encode())

    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


class StandIn:
    def __init__(self, unprocessed_every: int = 0, latency_ms: float = 0.0) -> None:
        self.lock = threading.Lock()
        self.items: dict[str, dict[str, str]] = {}  # pk → sk → the item as compact JSON
        self.order: dict[str, dict[str, _SortedKeys]] = {}  # pk → sk prefix → its sort keys
        self.stats: Counter[str] = Counter()
        self.unprocessed_every = unprocessed_every
        self.latency_ms = latency_ms

    # --- storage ---------------------------------------------------------------------------

    def _get(self, pk: str, sk: str) -> Item | None:
        stored = self.items.get(pk, {}).get(sk)
        return json.loads(stored) if stored is not None else None

    def _put(self, item: Item) -> None:
        pk, sk = item["pk"]["S"], item["sk"]["S"]
        partition = self.items.setdefault(pk, {})
        if sk not in partition:
            self.order.setdefault(pk, {}).setdefault(_group(sk), _SortedKeys()).add(sk)
        partition[sk] = json.dumps(item, separators=(",", ":"))
        self.stats["max_item_bytes"] = max(self.stats["max_item_bytes"], item_size(item))

    def _delete(self, pk: str, sk: str) -> None:
        partition = self.items.get(pk, {})
        if partition.pop(sk, None) is not None:
            group = self.order[pk][_group(sk)]
            keys = group.ordered()
            keys.pop(bisect.bisect_left(keys, sk))

    def stored(self) -> int:
        return sum(len(partition) for partition in self.items.values())

    def forget(self) -> None:
        """Drop every item (between the benchmark's phases: frees the stand-in's memory)."""
        self.items.clear()
        self.order.clear()

    # --- calls -----------------------------------------------------------------------------

    def batch_write_item(self, body: dict[str, Any]) -> Response:
        ((table, requests),) = body["RequestItems"].items()
        if not 1 <= len(requests) <= BATCH_WRITE_MAX:
            raise _Rejected("ValidationException", "Too many items requested for the BatchWriteItem call")
        keys = [_request_key(r) for r in requests]
        if len(set(keys)) != len(keys):
            raise _Rejected("ValidationException", "Provided list of item keys contains duplicates")
        with self.lock:
            self.stats["BatchWriteItem"] += 1
            self.stats["items_received"] += len(requests)
            unprocessed: list[dict[str, Any]] = []
            if self.unprocessed_every and self.stats["BatchWriteItem"] % self.unprocessed_every == 0:
                unprocessed, requests = requests[-5:], requests[:-5]
                self.stats["items_left_unprocessed"] += len(unprocessed)
                self.stats["batches_left_unprocessed"] += 1
            for request in requests:
                if "PutRequest" in request:
                    self._put(request["PutRequest"]["Item"])
                else:
                    self._delete(*_key_of(request["DeleteRequest"]["Key"]))
        return 200, {"UnprocessedItems": {table: unprocessed}} if unprocessed else {"UnprocessedItems": {}}

    def batch_get_item(self, body: dict[str, Any]) -> Response:
        ((table, request),) = body["RequestItems"].items()
        keys = [_key_of(k) for k in request["Keys"]]
        if not 1 <= len(keys) <= BATCH_GET_MAX:
            raise _Rejected("ValidationException", "Too many items requested for the BatchGetItem call")
        if len(set(keys)) != len(keys):
            raise _Rejected("ValidationException", "Provided list of item keys contains duplicates")
        projection = _projection(request.get("ProjectionExpression"), request.get("ExpressionAttributeNames"))
        with self.lock:
            self.stats["BatchGetItem"] += 1
            self.stats["BatchGetItem_keys"] += len(keys)
            self.stats["BatchGetItem_consistent" if request.get("ConsistentRead") else "BatchGetItem_eventual"] += 1
            found = [item for item in (self._get(pk, sk) for pk, sk in keys) if item is not None]
        return 200, {"Responses": {table: [_project(item, projection) for item in found]}, "UnprocessedKeys": {}}

    def get_item(self, body: dict[str, Any]) -> Response:
        projection = _projection(body.get("ProjectionExpression"), body.get("ExpressionAttributeNames"))
        with self.lock:
            self.stats["GetItem"] += 1
            item = self._get(*_key_of(body["Key"]))
        return 200, ({"Item": _project(item, projection)} if item is not None else {})

    def query(self, body: dict[str, Any]) -> Response:
        """Queries on the table's own keys: ``pk = :v`` optionally ``AND sk BETWEEN :a AND :b`` or
        ``AND begins_with(sk, :p)``; Limit, ExclusiveStartKey, ScanIndexForward, 1 MB pages,
        a FilterExpression of the simple forms below, Select COUNT. No index: the design has none
        the import needs."""
        if body.get("IndexName"):
            raise _Rejected("ValidationException", "this stand-in has no index")
        names, values = body.get("ExpressionAttributeNames", {}), body.get("ExpressionAttributeValues", {})
        pk, low, high, prefix = _key_condition(body.get("KeyConditionExpression", ""), names, values)
        projection = _projection(body.get("ProjectionExpression"), names)
        limit = int(body.get("Limit") or 0)
        forward = body.get("ScanIndexForward", True)
        start = body.get("ExclusiveStartKey")
        with self.lock:
            self.stats["Query"] += 1
            partition = self.items.get(pk, {})
            groups = self.order.get(pk, {})
            keys = _keys_between(groups, low, high)
            lo = bisect.bisect_left(keys, low) if low is not None else 0
            hi = bisect.bisect_right(keys, high) if high is not None else len(keys)
            selected = keys[lo:hi]
            if prefix is not None:
                selected = [sk for sk in selected if sk.startswith(prefix)]
            if not forward:
                selected.reverse()
            if start is not None:
                after = start["sk"]["S"]
                selected = [sk for sk in selected if (sk > after if forward else sk < after)]
            page: list[Item] = []
            size = 0
            evaluated = 0
            last: str | None = None
            for sk in selected:
                stored = partition[sk]
                evaluated += 1
                size += len(stored)
                item = json.loads(stored)
                if _condition_holds(body.get("FilterExpression"), item, names, values):
                    page.append(item)
                last = sk
                if (limit and evaluated == limit) or size >= PAGE_BYTES:
                    break
            more = last is not None and evaluated < len(selected)
        response: dict[str, Any] = {"Count": len(page), "ScannedCount": evaluated}
        if body.get("Select") != "COUNT":
            response["Items"] = [_project(item, projection) for item in page]
        if more and last is not None:
            response["LastEvaluatedKey"] = {"pk": {"S": pk}, "sk": {"S": last}}
        return 200, response

    def transact_write_items(self, body: dict[str, Any]) -> Response:
        """Put, Delete and ConditionCheck, all or nothing, with conditions of the forms
        ``attribute_exists(a)``, ``attribute_not_exists(a)``, ``a = :v``, ``a IN (:v, …)`` joined
        by AND or OR (no parentheses). Update is not in this stand-in (the import's plain rows
        never make one)."""
        actions = body["TransactItems"]
        if not 1 <= len(actions) <= TRANSACT_MAX:
            raise _Rejected("ValidationException", "Member must have length less than or equal to 100")
        with self.lock:
            self.stats["TransactWriteItems"] += 1
            reasons: list[dict[str, Any]] = []
            plan: list[tuple[str, Any]] = []
            for action in actions:
                ((kind, spec),) = action.items()
                if kind not in ("Put", "Delete", "ConditionCheck"):
                    raise _Rejected("ValidationException", f"{kind} is not in this stand-in")
                pk, sk = _key_of(spec["Item"]) if kind == "Put" else _key_of(spec["Key"])
                old = self._get(pk, sk)
                names, values = spec.get("ExpressionAttributeNames", {}), spec.get("ExpressionAttributeValues", {})
                if _condition_holds(spec.get("ConditionExpression"), old, names, values):
                    reasons.append({"Code": "None"})
                else:
                    reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": CONDITION_FAILED}
                    if old is not None and spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD":
                        reason["Item"] = old
                    reasons.append(reason)
                plan.append((kind, spec["Item"] if kind == "Put" else (pk, sk)))
            if any(reason["Code"] != "None" for reason in reasons):
                self.stats["TransactWriteItems_cancelled"] += 1
                codes = ", ".join(reason["Code"] for reason in reasons)
                return 400, {
                    "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
                    "message": f"{CANCELLED} [{codes}]",
                    "CancellationReasons": reasons,
                }
            for kind, target in plan:
                if kind == "Put":
                    self._put(target)
                elif kind == "Delete":
                    self._delete(*target)
        return 200, {}


# --- expressions ---------------------------------------------------------------------------------


def _key_of(item: Item) -> tuple[str, str]:
    return item["pk"]["S"], item["sk"]["S"]


def _request_key(request: dict[str, Any]) -> tuple[str, str]:
    if "PutRequest" in request:
        return _key_of(request["PutRequest"]["Item"])
    return _key_of(request["DeleteRequest"]["Key"])


def _projection(expression: str | None, names: dict[str, str] | None) -> list[str] | None:
    if not expression:
        return None
    return [(names or {}).get(part.strip(), part.strip()) for part in expression.split(",")]


def _project(item: Item, projection: list[str] | None) -> Item:
    return item if projection is None else {name: item[name] for name in projection if name in item}


def _key_condition(
    expression: str, names: dict[str, str], values: dict[str, Any]
) -> tuple[str, str | None, str | None, str | None]:
    """(pk, low, high, prefix) of a key condition on ``pk`` and ``sk``."""

    def name(token: str) -> str:
        return names.get(token, token)

    parts = re.split(r"\s+AND\s+(?![^()]*\))", expression.strip(), maxsplit=1, flags=re.IGNORECASE)
    equality = re.fullmatch(r"(\S+)\s*=\s*(:\w+)", parts[0].strip())
    if equality is None or name(equality.group(1)) != "pk":
        raise _Rejected("ValidationException", "this stand-in answers queries on pk (= :value) only")
    pk = values[equality.group(2)]["S"]
    if len(parts) == 1:
        return pk, None, None, None
    rest = re.sub(r"\s+", " ", parts[1].strip())
    between = re.fullmatch(r"(\S+) BETWEEN (:\w+) AND (:\w+)", rest, flags=re.IGNORECASE)
    if between is not None and name(between.group(1)) == "sk":
        return pk, values[between.group(2)]["S"], values[between.group(3)]["S"], None
    begins = re.fullmatch(r"begins_with\((\S+?), ?(:\w+)\)", rest)
    if begins is not None and name(begins.group(1)) == "sk":
        prefix = values[begins.group(2)]["S"]
        return pk, prefix, prefix + "\U0010ffff", prefix
    raise _Rejected("ValidationException", "this stand-in answers sk BETWEEN and begins_with only")


def _condition_holds(expression: str | None, item: Item | None, names: dict[str, str], values: dict[str, Any]) -> bool:
    if not expression:
        return True
    for alternative in re.split(r"\s+OR\s+", expression.strip()):
        if all(_term_holds(term, item, names, values) for term in re.split(r"\s+AND\s+", alternative.strip())):
            return True
    return False


def _term_holds(term: str, item: Item | None, names: dict[str, str], values: dict[str, Any]) -> bool:
    term = term.strip()
    function = re.fullmatch(r"(attribute_exists|attribute_not_exists)\((\S+)\)", term)
    if function is not None:
        present = item is not None and names.get(function.group(2), function.group(2)) in item
        return present if function.group(1) == "attribute_exists" else not present
    comparison = re.fullmatch(r"(\S+)\s*(=|IN)\s*(.+)", term)
    if comparison is None:
        raise _Rejected("ValidationException", "condition not in this stand-in")
    attribute = names.get(comparison.group(1), comparison.group(1))
    actual = (item or {}).get(attribute)
    if comparison.group(2) == "=":
        return actual is not None and actual == values[comparison.group(3).strip()]
    options = [values[token.strip()] for token in comparison.group(3).strip("() ").split(",")]
    return actual is not None and actual in options


def _error(code: str, message: str) -> dict[str, str]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}


# --- HTTP ----------------------------------------------------------------------------------------


class _Handler(QuietHandler):
    standin: ClassVar[StandIn]

    def do_POST(self) -> None:
        started = time.monotonic()
        body = json.loads(self.read_body() or b"{}")
        target = self.headers.get("X-Amz-Target", "").rsplit(".", 1)[-1]
        payload: dict[str, Any]
        calls = {
            "BatchWriteItem": self.standin.batch_write_item,
            "BatchGetItem": self.standin.batch_get_item,
            "GetItem": self.standin.get_item,
            "Query": self.standin.query,
            "TransactWriteItems": self.standin.transact_write_items,
        }
        if self.path == "/_standin/reset":
            with self.standin.lock:
                self.standin.stats.clear()
                self.standin.unprocessed_every = int(body.get("unprocessed_every", 0))
                self.standin.latency_ms = float(body.get("latency_ms", self.standin.latency_ms))
                if body.get("forget"):
                    self.standin.forget()
            status, payload = 200, {}
        elif target in calls:
            try:
                status, payload = calls[target](body)
            except _Rejected as rejected:
                status, payload = 400, _error(rejected.code, str(rejected))
            wait = self.standin.latency_ms / 1000 - (time.monotonic() - started)
            if wait > 0:  # a fixed time per call, whatever this process spent on it
                time.sleep(wait)
        else:
            status, payload = 400, _error("UnknownOperationException", "not in this stand-in")
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", "standin")]
        self.send(status, headers, json.dumps(payload).encode())

    def do_GET(self) -> None:
        with self.standin.lock:
            payload = {**self.standin.stats, "items_stored": self.standin.stored()}
        self.send(200, [("Content-Type", "application/json")], json.dumps(payload).encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=DEFAULT_LATENCY_MS, help="fixed time per call")
    args = parser.parse_args(argv)
    handler = type("_BoundStandIn", (_Handler,), {"standin": StandIn(latency_ms=args.latency_ms)})
    server = StoppableServer("127.0.0.1", args.port, handler)
    server.start("dynamodb-standin")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(server.url, flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
