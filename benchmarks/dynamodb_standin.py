"""A DynamoDB stand-in for the benchmark: BatchWriteItem and index Query over HTTP, in its own
process (like the real service, it does not share the measured process's CPU or memory).

Why not moto: moto answers a Query on a global secondary index by scanning every item of the
table (measured here: 127 ms per Query at 10,000 items), so deduplicating 100,000 rows through
the indexes cannot run on it at all. This server keeps each index as a hash map, speaks the
same JSON protocol (the benchmark uses an unmodified boto3 client, with its full request
signing and parsing), refuses what DynamoDB refuses in these two calls (more than 25 requests,
duplicate keys in one batch) and can leave items unprocessed, as DynamoDB does under throttling.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections import Counter, defaultdict
from typing import Any, ClassVar

from local._http import QuietHandler, StoppableServer
from shared.resources import TABLE

INDEXES = {index.name: (index.partition_key, index.sort_key) for index in TABLE.indexes}


class StandIn:
    def __init__(self, unprocessed_every: int = 0) -> None:
        self.lock = threading.Lock()
        self.keys: set[tuple[str, str]] = set()  # items themselves are not kept: only their keys
        self.index: dict[str, dict[str, list[dict[str, Any]]]] = {name: defaultdict(list) for name in INDEXES}
        self.stats: Counter[str] = Counter()
        self.unprocessed_every = unprocessed_every

    def batch_write_item(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ((table, requests),) = body["RequestItems"].items()
        if not 1 <= len(requests) <= 25:
            return 400, _error("ValidationException", "Too many items requested for the BatchWriteItem call")
        keys = [(r["PutRequest"]["Item"]["pk"]["S"], r["PutRequest"]["Item"]["sk"]["S"]) for r in requests]
        if len(set(keys)) != len(keys):
            return 400, _error("ValidationException", "Provided list of item keys contains duplicates")
        with self.lock:
            self.stats["BatchWriteItem"] += 1
            self.stats["items_received"] += len(requests)
            unprocessed: list[dict[str, Any]] = []
            if self.unprocessed_every and self.stats["BatchWriteItem"] % self.unprocessed_every == 0:
                unprocessed, requests = requests[-5:], requests[:-5]
                self.stats["items_left_unprocessed"] += len(unprocessed)
            for request in requests:
                item = request["PutRequest"]["Item"]
                key = (item["pk"]["S"], item["sk"]["S"])
                if key not in self.keys:  # an overwrite keeps the same index entries here
                    self.keys.add(key)
                    for name, (partition, sort) in INDEXES.items():
                        if partition in item:
                            entry = {"pk": item["pk"], "sk": item["sk"], partition: item[partition], sort: item[sort]}
                            self.index[name][item[partition]["S"]].append(entry)
        return 200, {"UnprocessedItems": {table: unprocessed}} if unprocessed else {"UnprocessedItems": {}}

    def query(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        index = body.get("IndexName")
        names, values = body.get("ExpressionAttributeNames", {}), body.get("ExpressionAttributeValues", {})
        condition = body.get("KeyConditionExpression", "").split(" = ")
        if index not in INDEXES or len(condition) != 2 or names.get(condition[0]) != INDEXES[index][0]:
            return 400, _error("ValidationException", "this stand-in answers index equality queries only")
        with self.lock:
            self.stats["Query"] += 1
            found = sorted(self.index[index].get(values[condition[1]]["S"], []), key=lambda e: e["sk"]["S"])
        return 200, {"Items": found, "Count": len(found), "ScannedCount": len(found)}


def _error(code: str, message: str) -> dict[str, str]:
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message}


class _Handler(QuietHandler):
    standin: ClassVar[StandIn]

    def do_POST(self) -> None:
        body = json.loads(self.read_body() or b"{}")
        target = self.headers.get("X-Amz-Target", "")
        payload: dict[str, Any]
        if self.path == "/_standin/reset":
            with self.standin.lock:
                self.standin.stats.clear()
                self.standin.unprocessed_every = int(body.get("unprocessed_every", 0))
            status, payload = 200, {}
        elif target.endswith(".BatchWriteItem"):
            status, payload = self.standin.batch_write_item(body)
        elif target.endswith(".Query"):
            status, payload = self.standin.query(body)
        else:
            status, payload = 400, _error("UnknownOperationException", "not in this stand-in")
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", "standin")]
        self.send(status, headers, json.dumps(payload).encode())

    def do_GET(self) -> None:
        with self.standin.lock:
            payload = {**self.standin.stats, "items_stored": len(self.standin.keys)}
        self.send(200, [("Content-Type", "application/json")], json.dumps(payload).encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    handler = type("_BoundStandIn", (_Handler,), {"standin": StandIn()})
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
