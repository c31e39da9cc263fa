"""Several devices of one user, offline and back, converge on the server's state.

Five or more simulated devices each go offline, queue creates, updates and deletes against what
they last saw, then replay the queue against the local stack with the network at its worst:
requests sent twice, queues reordered where order does not matter, responses dropped (the write
may have happened; the device cannot tell, so it retries with the same Idempotency-Key or
If-Match). Between replays other devices pull ``/v1/sync``. At the end every device pulls and
must hold exactly what the server holds; no acknowledged write is lost, no create is duplicated,
and every write that named a stale version got 412 (none applied over another device's change).

Seeded; ``CONVERGENCE_DEVICES`` / ``CONVERGENCE_ROUNDS`` / ``CONVERGENCE_OPS`` set the budget
(``make fuzz`` runs a larger one). The figures are printed (docs/benchmarks.md keeps them).
"""

from __future__ import annotations

import os
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.support import TestUser, new_lead_body

pytestmark = pytest.mark.e2e

DEVICES = int(os.environ.get("CONVERGENCE_DEVICES", "5"))
ROUNDS = int(os.environ.get("CONVERGENCE_ROUNDS", "3"))
OPS = int(os.environ.get("CONVERGENCE_OPS", "6"))
SEED = int(os.environ.get("CONVERGENCE_SEED", "20261205"))
DROP, DUPLICATE = 0.2, 0.2  # chance a response is lost / a request is sent twice


@dataclass
class Op:
    kind: str  # create | update | delete | note
    lead_id: str | None = None  # the lead an update/delete/note is for (a create names its own)
    version: int | None = None  # the version the device last saw (If-Match)
    body: dict[str, Any] = field(default_factory=dict)
    key: str = field(default_factory=lambda: str(uuid.uuid4()))  # one Idempotency-Key per create
    tag: str = field(default_factory=lambda: uuid.uuid4().hex)  # identifies a logical create


@dataclass
class Figures:
    operations: int = 0
    requests: int = 0
    retries: int = 0
    dropped: int = 0
    duplicates_sent: int = 0
    stale_412: int = 0
    replayed: int = 0
    pulls: int = 0
    pull_pages: int = 0


class Device:
    def __init__(self, name: str, user: TestUser, rng: random.Random, figures: Figures) -> None:
        self.name, self.user, self.rng, self.figures = name, user, rng, figures
        self.leads: dict[str, dict[str, Any]] = {}  # replica: lead id → lead
        self.notes: dict[str, str] = {}  # activity id → lead id
        self.checkpoint: str | None = None
        self.outbox: list[Op] = []

    # --- sync ---------------------------------------------------------------------------------

    def pull(self) -> None:
        self.figures.pulls += 1
        while True:
            params = {"limit": 50} | ({"since": self.checkpoint} if self.checkpoint else {})
            response = self.user.api.get("/v1/sync", params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            self.figures.pull_pages += 1
            changes = page["changes"]
            for lead in changes["leads"]["created"] + changes["leads"]["updated"]:
                mine = self.leads.get(lead["lead_id"])
                if mine is None or mine["version"] <= lead["version"]:
                    self.leads[lead["lead_id"]] = lead
            for tombstone in changes["leads"]["deleted"]:
                self.leads.pop(tombstone["id"], None)
            for activity in changes["activities"]["created"] + changes["activities"]["updated"]:
                self.notes[activity["activity_id"]] = activity["lead_id"]
            for tombstone in changes["activities"]["deleted"]:
                self.notes.pop(tombstone["id"], None)
            self.checkpoint = page["checkpoint"]
            if not page["has_more"]:
                return

    # --- offline: queue what the user does ----------------------------------------------------

    def work_offline(self, ops: int) -> None:
        known = sorted(self.leads)
        for _ in range(ops):
            choice = self.rng.random()
            if not known or choice < 0.35:
                self.outbox.append(Op("create", body=new_lead_body(notes="")))
                continue
            lead_id = self.rng.choice(known)
            version = self.leads[lead_id]["version"]
            if choice < 0.75:
                change = {"company": f"{self.name} {self.rng.randrange(1000)}"}
                self.outbox.append(Op("update", lead_id, version, change))
            elif choice < 0.9:
                self.outbox.append(Op("note", lead_id, body={"type": "note", "at": "2026-05-01T10:00:00Z"}))
            else:
                self.outbox.append(Op("delete", lead_id, version))
        self.figures.operations += ops
        # Reordered where order does not matter: two ops on different leads may swap.
        for i in range(len(self.outbox) - 1):
            a, b = self.outbox[i], self.outbox[i + 1]
            if a.lead_id and b.lead_id and a.lead_id != b.lead_id and self.rng.random() < 0.3:
                self.outbox[i], self.outbox[i + 1] = b, a

    # --- online: replay the queue on a bad network --------------------------------------------

    def send(self, op: Op, world: World) -> Any:
        api = self.user.api
        if op.kind == "create":
            body = op.body | {"notes": op.tag}
            return api.post("/v1/leads", json=body, headers={"Idempotency-Key": op.key})
        if op.kind == "note":
            path = f"/v1/leads/{op.lead_id}/activities"
            return api.post(path, json=op.body, headers={"Idempotency-Key": op.key})
        headers = {"If-Match": f'"{op.version}"'}
        if op.kind == "update":
            return api.patch(f"/v1/leads/{op.lead_id}", json=op.body, headers=headers)
        return api.delete(f"/v1/leads/{op.lead_id}", headers=headers)

    def replay(self, world: World) -> None:
        while self.outbox:
            op = self.outbox.pop(0)
            for attempt in range(4):
                copies = 2 if self.rng.random() < DUPLICATE else 1
                self.figures.duplicates_sent += copies - 1
                if op.kind == "delete":
                    world.sent_deletes.add(op.lead_id or "")
                responses = [self.send(op, world) for _ in range(copies)]
                self.figures.requests += copies
                for response in responses:
                    world.observe(op, response)
                if self.rng.random() < DROP and attempt < 3:  # the network cut: the answer never came
                    self.figures.dropped += 1
                    self.figures.retries += 1
                    continue
                world.acknowledge(self, op, responses[-1])
                break


class World:
    """The server as the devices' acknowledgements describe it, to check the end state against."""

    def __init__(self, figures: Figures) -> None:
        self.figures = figures
        self.acked_creates: dict[str, str] = {}  # tag → lead id
        self.acked_deletes: set[str] = set()
        self.acked_updates: dict[str, list[tuple[int, dict[str, Any]]]] = {}  # lead → (new version, change)
        self.applied_with_stale_version: list[str] = []
        self.sent_deletes: set[str] = set()  # acknowledged or not: it may have happened

    def observe(self, op: Op, response: Any) -> None:
        """A write that named version v and applied must have made v + 1: nothing stale applied."""
        if op.kind == "update" and response.status_code == 200 and response.json()["version"] != (op.version or 0) + 1:
            self.applied_with_stale_version.append(op.lead_id or "")
        if response.status_code == 412:
            self.figures.stale_412 += 1
            assert response.json()["error"]["details"][0]["current_version"] != op.version

    def acknowledge(self, device: Device, op: Op, response: Any) -> None:
        status = response.status_code
        if response.headers.get("Idempotent-Replayed") == "true":
            self.figures.replayed += 1
        if op.kind == "create":
            assert status == 201, response.text
            lead = response.json()
            assert self.acked_creates.setdefault(op.tag, lead["lead_id"]) == lead["lead_id"]
            device.leads[lead["lead_id"]] = lead
        elif op.kind == "update" and status == 200:
            lead = response.json()
            self.acked_updates.setdefault(op.lead_id or "", []).append((lead["version"], op.body))
            device.leads[lead["lead_id"]] = lead
        elif op.kind == "note" and status == 201:
            device.notes[response.json()["activity_id"]] = op.lead_id or ""
        elif op.kind == "delete" and status == 204:
            self.acked_deletes.add(op.lead_id or "")
            device.leads.pop(op.lead_id or "", None)
        else:  # 412: another device changed it first; 404: it is gone; 422: a note on a gone lead
            assert status in (201, 404, 412), (op.kind, status, response.text)
            if status == 412 or status == 404:
                device.pull()


def _server_leads(user: TestUser) -> dict[str, dict[str, Any]]:
    leads: dict[str, dict[str, Any]] = {}
    cursor = None
    while True:
        page = user.api.get("/v1/leads", params={"limit": 100} | ({"cursor": cursor} if cursor else {})).json()
        leads.update({lead["lead_id"]: lead for lead in page["items"]})
        cursor = page.get("next_cursor")
        if not cursor:
            return leads


def test_devices_offline_and_back_converge_without_loss_duplicates_or_silent_overwrites(user: TestUser) -> None:
    rng, figures = random.Random(SEED), Figures()
    world = World(figures)
    devices = [Device(f"device-{i}", user, random.Random(rng.random()), figures) for i in range(max(5, DEVICES))]
    for device in devices:
        device.pull()
    for _ in range(ROUNDS):
        for device in devices:
            device.work_offline(OPS)
        order = devices[:]
        rng.shuffle(order)
        for device in order:
            device.replay(world)
            rng.choice(devices).pull()  # another device pulls while the others are still replaying

    for device in devices:
        device.pull()
    server = _server_leads(user)
    server_notes = {
        activity["activity_id"]: lead_id
        for lead_id in server
        for activity in user.api.get(f"/v1/leads/{lead_id}/activities", params={"limit": 100}).json()["items"]
    }
    for device in devices:
        assert device.leads == server, device.name
        assert device.notes == server_notes, device.name
    # No acknowledged create is lost (unless a delete was acknowledged), none is duplicated.
    by_tag = Counter(lead["notes"] for lead in server.values())
    assert all(count == 1 for count in by_tag.values()), by_tag
    for tag, lead_id in world.acked_creates.items():
        # Gone only if a delete was sent for it (its answer may have been dropped, or a duplicate's
        # 404 acknowledged): a lead that vanished without one is an acknowledged write lost.
        assert lead_id in server or lead_id in world.sent_deletes, tag
        if lead_id in server:
            assert by_tag[tag] == 1
    # The last acknowledged update of a surviving lead is what the server holds, unless a later
    # write (acknowledged or not) moved it on.
    for lead_id, updates in world.acked_updates.items():
        if lead_id in server:
            version, change = max(updates, key=lambda update: update[0])
            assert server[lead_id]["version"] >= version
            if server[lead_id]["version"] == version:
                assert {k: server[lead_id][k] for k in change} == change
    assert world.applied_with_stale_version == []
    print(
        f"\nconvergence: {len(devices)} devices, {figures.operations} operations, {figures.requests} requests "
        f"({figures.duplicates_sent} sent twice, {figures.dropped} responses dropped, {figures.retries} retries, "
        f"{figures.replayed} idempotent replays), {figures.stale_412} answered 412, {figures.pulls} pulls "
        f"({figures.pull_pages} pages); {len(server)} leads at the end"
    )
