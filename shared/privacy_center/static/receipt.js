// The receipt of an account deletion: /privacy/receipt#<deletion_id>. The id stays in the
// fragment (never sent with the page's request); the public GET /v1/deletions/{id} answers
// without any token, so the page keeps working after the account is gone.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const LABELS = {
    leads: "Leads",
    activities: "Activities",
    locations: "Check-in locations",
    file_records: "File records",
    stored_objects: "Stored file versions",
    devices: "Devices",
    preferences: "Preferences",
    imports: "Imports",
    import_tokens: "Sealed import tokens",
    tombstones: "Deletion notes for devices",
    idempotency_records: "Request fingerprints",
    other_items: "Other records",
  };
  const POLL_MS = [1000, 2000, 3000, 5000, 10000];
  let polls = 0;

  function time(element, iso, prefix) {
    element.dateTime = iso;
    element.textContent = prefix + new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
  }

  function render(receipt) {
    $("receipt").hidden = false;
    time($("requested-at"), receipt.requested_at, "on ");
    const done = receipt.status === "completed";
    $("erasure-state").textContent = done ? "Done" : "In progress";
    $("erasure-state").className = "state " + (done ? "done" : "waiting");
    $("completed-wrap").hidden = !done;
    $("backups-wrap").hidden = !done;
    if (done) {
      time($("completed-at"), receipt.completed_at, "on ");
      time($("backups-expire-by"), receipt.backups_expire_by, "");
      $("backups-state").textContent = "Scheduled";
    }
    const body = $("counts").tBodies[0];
    body.replaceChildren();
    const counts = Object.entries(receipt.counts || {});
    for (const [kind, n] of counts) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = LABELS[kind] || kind.replace(/_/g, " ");
      const td = document.createElement("td");
      td.className = "count";
      td.textContent = new Intl.NumberFormat("en").format(n);
      tr.append(th, td);
      body.appendChild(tr);
    }
    if (!counts.length) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 2;
      td.textContent = "Being counted…";
      tr.appendChild(td);
      body.appendChild(tr);
    }
    $("status").textContent = done ? "Erasure completed." : "Erasure in progress. This page updates by itself.";
  }

  async function poll(id) {
    let answer;
    try {
      answer = await fetch("/v1/deletions/" + encodeURIComponent(id), {
        credentials: "omit",
        cache: "no-store",
        redirect: "error",
        headers: { Accept: "application/json" },
      });
    } catch (error) {
      $("status").textContent = "The service can't be reached right now; trying again…";
      return later(id);
    }
    if (answer.status === 404) {
      $("alert").textContent = "We have no deletion with this receipt. Check the address; receipts stay readable for 120 days after erasure completes.";
      $("alert").hidden = false;
      $("status").textContent = "";
      return;
    }
    if (answer.status !== 200) {
      $("status").textContent = "The receipt can't be read right now; trying again…";
      return later(id);
    }
    const receipt = await answer.json();
    render(receipt);
    if (receipt.status !== "completed") later(id);
  }

  function later(id) {
    setTimeout(() => poll(id), POLL_MS[Math.min(polls++, POLL_MS.length - 1)]);
  }

  function start() {
    $("receipt-link").textContent = location.href;
    const id = decodeURIComponent(location.hash.slice(1));
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      $("alert").textContent = "This address has no receipt in it. Use the full address you were given after deleting your account.";
      $("alert").hidden = false;
      return;
    }
    $("status").textContent = "Reading the receipt…";
    poll(id);
  }

  start();
})();
