// The Privacy Center: sign in, see what is held, switch features, download, delete one kind,
// delete the account. Every value shown comes from the API and is written with textContent.
"use strict";

(function () {
  const { api, exporter, ApiError, SessionExpired } = window.PrivacyCenter;
  const $ = (id) => document.getElementById(id);

  const state = { email: null, challenge: null, inventory: null, preferences: null, etag: null, busy: false };

  const SWITCH_NAMES = {
    location_enabled: "Location for check-ins",
    call_log_sync_enabled: "Activities from call logs",
    sms_sync_enabled: "Activities from SMS",
    file_uploads_enabled: "File uploads",
  };

  // --- messages --------------------------------------------------------------------------------

  function say(text) {
    $("status").textContent = text;
  }

  function warn(text) {
    const alert = $("alert");
    alert.textContent = text;
    alert.hidden = !text;
  }

  function describe(error) {
    if (error instanceof ApiError) return error.message;
    return "Something went wrong. Please try again.";
  }

  // A session that ended (expired, or the account was deleted elsewhere): the page starts over,
  // which drops every token and every value shown, and says why.
  function startOver(reason) {
    api.forget();
    location.replace(location.pathname + "#" + reason);
    location.reload();
  }

  function handle(error, where) {
    if (error instanceof SessionExpired) return startOver("session-expired");
    if (error instanceof ApiError && error.code === "account_deleted") return startOver("account-deleted");
    const text = describe(error);
    if (where) {
      where.textContent = text;
      where.hidden = false;
    } else {
      warn(text);
    }
  }

  // --- formatting ------------------------------------------------------------------------------

  function number(value) {
    return new Intl.NumberFormat("en").format(value);
  }

  // "1 activity", "2 activities": a count with its noun.
  function counted(n, one, many) {
    return number(n) + " " + (n === 1 ? one : many);
  }

  function bytes(value) {
    if (value < 1024) return number(value) + " bytes";
    if (value < 1024 * 1024) return (value / 1024).toFixed(1) + " KB";
    return (value / (1024 * 1024)).toFixed(1) + " MB";
  }

  function timeElement(iso) {
    const element = document.createElement("time");
    element.dateTime = iso;
    element.textContent = new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }) + " UTC";
    return element;
  }

  function cellWith(tag, content, className) {
    const element = document.createElement(tag);
    if (content instanceof Node) element.appendChild(content);
    else element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function row(cells) {
    const tr = document.createElement("tr");
    cells.forEach((cell) => tr.appendChild(cell));
    return tr;
  }

  // --- views -----------------------------------------------------------------------------------

  function showSignIn() {
    $("view-account").hidden = true;
    $("view-sign-in").hidden = false;
    $("sign-out").hidden = true;
    $("who").hidden = true;
  }

  function showAccount() {
    $("view-sign-in").hidden = true;
    $("view-account").hidden = false;
    $("sign-out").hidden = false;
    $("held-title").focus();
  }

  // --- sign in ---------------------------------------------------------------------------------

  const SIGN_IN_MESSAGES = {
    invalid_credentials: "Email or password is wrong.",
    user_not_confirmed: "Confirm your account first with the code we emailed you, then sign in.",
    password_reset_required: "Your password must be reset in the app before you can sign in.",
    account_deleted: "This account has been deleted.",
    validation_error: "Enter your email address and your password.",
    too_many_requests: "Too many attempts. Wait a minute, then try again.",
    http_429: "Too many attempts. Wait a minute, then try again.",
  };

  async function signIn(event) {
    event.preventDefault();
    if (state.busy) return;
    const email = $("email").value.trim();
    const password = $("password").value;
    if (!email || !password) return warn("Enter your email address and your password.");
    state.busy = true;
    $("sign-in").disabled = true;
    warn("");
    say("Signing in…");
    try {
      const result = await api.signIn(email, password);
      $("password").value = "";
      if (result.challenge) return askForCode(email, result.challenge);
      await loadAccount();
    } catch (error) {
      say("");
      warn(SIGN_IN_MESSAGES[error.code] || describe(error));
    } finally {
      state.busy = false;
      $("sign-in").disabled = false;
    }
  }

  function askForCode(email, challenge) {
    say("");
    if (!challenge.session) {
      warn("Your account asks for a second sign-in step that this page can't complete yet. Use the app, or write to us (below).");
      return;
    }
    state.email = email;
    state.challenge = challenge;
    $("sign-in-form").hidden = true;
    $("mfa-form").hidden = false;
    $("mfa-code").focus();
  }

  async function verifyCode(event) {
    event.preventDefault();
    if (state.busy || !state.challenge) return;
    const code = $("mfa-code").value.trim();
    if (!code) return warn("Enter the code from your authenticator app.");
    state.busy = true;
    $("mfa-verify").disabled = true;
    warn("");
    try {
      await api.answerChallenge(state.email, state.challenge.session, code);
      state.challenge = null;
      $("mfa-code").value = "";
      await loadAccount();
    } catch (error) {
      $("mfa-code").value = "";
      warn(error.status === 401 || error.status === 400 || error.status === 422 ? "That code is not right. Enter the current code from your app." : describe(error));
    } finally {
      state.busy = false;
      $("mfa-verify").disabled = false;
    }
  }

  function cancelCode() {
    state.challenge = null;
    $("mfa-form").hidden = true;
    $("sign-in-form").hidden = false;
    $("email").focus();
  }

  // --- what is held ----------------------------------------------------------------------------

  async function loadAccount() {
    const [me, inventory, preferences] = await Promise.all([
      api.get("/v1/me"),
      api.get("/v1/me/inventory"),
      api.get("/v1/me/preferences"),
    ]);
    renderContact(me.data);
    renderInventory(inventory.data);
    renderPreferences(preferences.data, preferences.headers.get("ETag"));
    showAccount();
    say("Signed in.");
  }

  async function reloadInventory() {
    renderInventory((await api.get("/v1/me/inventory")).data);
  }

  function renderContact(me) {
    $("who").textContent = me.email;
    $("who").hidden = false;
    const list = $("contact");
    list.replaceChildren();
    for (const [label, value] of [["Name", me.name], ["Email", me.email], ["Phone", me.phone], ["Account created", timeElement(me.created_at)]]) {
      list.appendChild(cellWith("dt", label));
      list.appendChild(cellWith("dd", value));
    }
    const body = $("consents").tBodies[0];
    body.replaceChildren();
    if (me.policy_version) {
      body.appendChild(row([cellWith("td", me.policy_version), cellWith("td", me.policy_accepted_at ? timeElement(me.policy_accepted_at) : "date not recorded")]));
    } else {
      body.appendChild(row([cellWith("td", "none recorded"), cellWith("td", "")]));
    }
  }

  function renderInventory(inventory) {
    state.inventory = inventory;
    const a = inventory.activities;
    const f = inventory.files;
    const importStates = Object.entries(inventory.imports.by_status).map(([status, n]) => number(n) + " " + status.replace(/_/g, " "));
    const t = inventory.technical;
    const kinds = [
      ["Leads", inventory.leads, "People and companies you added or imported."],
      ["Activities", a.total, number(a.manual) + " entered by you, " + number(a.from_call_logs) + " from call logs, " + number(a.from_sms_logs) + " from SMS, " + number(a.check_ins) + " check-ins."],
      ["Check-ins with a location", a.check_ins_with_location, "Visits stored with their place (latitude, longitude, accuracy)."],
      ["Files", f.total, number(f.stored) + " stored (" + bytes(f.stored_bytes) + ")" + (f.pending ? ", " + number(f.pending) + " never completed" : "") + (f.rejected ? ", " + number(f.rejected) + " rejected" : "") + "."],
      ["Devices", inventory.devices, "App installations: platform, system and app version only."],
      ["Imports from Google Sheets", inventory.imports.total, importStates.length ? importStates.join(", ") + ". No sheet content is kept." : "No sheet content is ever kept."],
      ["Preferences", inventory.preferences_saved ? 1 : 0, "Your switches and app settings."],
      ["Technical records", t.sync_tombstones + t.idempotency_records + t.import_tokens + t.other, number(t.sync_tombstones) + " deletion notes for your other devices (ids and times), " + number(t.idempotency_records) + " request fingerprints (hashes, 24 hours), " + number(t.import_tokens) + " sealed import tokens."],
    ];
    const body = $("inventory").tBodies[0];
    body.replaceChildren();
    for (const [kind, count, detail] of kinds) {
      body.appendChild(row([cellWith("th", kind), cellWith("td", number(count), "count"), cellWith("td", detail)]));
      body.lastChild.firstChild.scope = "row";
    }
    $("counted-at").replaceChildren(timeElement(inventory.counted_at));
    const r = inventory.retention;
    const promises = [
      "Deleted data may stay in encrypted backups, used only for disaster recovery, for up to " + r.backups_days + " days.",
      "Deleted files: every stored version is gone within " + r.deleted_files_days + " day" + (r.deleted_files_days === 1 ? "" : "s") + ".",
      "Deletion notes for your other devices: " + r.sync_tombstones_days + " days.",
      "Service logs (they may hold IP addresses, never your data): " + r.logs_days + " days.",
      "After an account deletion, its receipt (no personal data) stays readable for " + r.deletion_receipt_days + " days.",
    ];
    $("retention").replaceChildren(...promises.map((text) => cellWith("li", text)));
    document.querySelectorAll(".backup-days").forEach((element) => (element.textContent = String(r.backups_days)));
    renderForgetNotes(inventory);
  }

  function renderForgetNotes(inventory) {
    const a = inventory.activities;
    const counts = { locations: a.check_ins_with_location, call_log: a.from_call_logs, sms_log: a.from_sms_logs };
    const notes = {
      locations: counted(counts.locations, "check-in carries", "check-ins carry") + " a location.",
      call_log: counted(counts.call_log, "activity was", "activities were") + " created from call logs.",
      sms_log: counted(counts.sms_log, "activity was", "activities were") + " created from SMS.",
    };
    for (const kind of Object.keys(counts)) {
      $("forget-" + kind + "-note").textContent = counts[kind] ? notes[kind] : "None held.";
      $("forget-" + kind).disabled = counts[kind] === 0;
    }
  }

  // --- switches --------------------------------------------------------------------------------

  function renderPreferences(preferences, etag) {
    state.preferences = preferences;
    state.etag = etag || '"' + preferences.version + '"';
    for (const input of document.querySelectorAll("#switch-list input")) input.checked = Boolean(preferences[input.dataset.field]);
  }

  async function toggle(event) {
    const input = event.target;
    const field = input.dataset.field;
    const wanted = input.checked;
    input.disabled = true;
    warn("");
    try {
      const answer = await api.patch("/v1/me/preferences", { [field]: wanted }, { headers: { "If-Match": state.etag } });
      renderPreferences(answer.data, answer.headers.get("ETag"));
      say(SWITCH_NAMES[field] + (wanted ? " switched on." : " switched off."));
    } catch (error) {
      input.checked = !wanted;
      if (error instanceof ApiError && error.code === "precondition_failed") {
        try {
          const current = await api.get("/v1/me/preferences");
          renderPreferences(current.data, current.headers.get("ETag"));
        } catch (reload) {
          return handle(reload);
        }
        warn("Your settings were changed elsewhere (in the app?) since this page read them. They are shown as they are now, and nothing was changed: switch again if you still want to.");
      } else {
        handle(error);
      }
    } finally {
      input.disabled = false;
      input.focus();
    }
  }

  // --- download --------------------------------------------------------------------------------

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  async function download(kind) {
    if (state.busy) return;
    state.busy = true;
    const buttons = [$("download-json"), $("download-csv")];
    buttons.forEach((button) => (button.disabled = true));
    const progress = $("export-progress");
    progress.hidden = false;
    progress.textContent = "Preparing your export…";
    warn("");
    try {
      const all = await exporter.fetchAll(api, (items) => (progress.textContent = "Preparing your export: " + number(items) + " items so far…"));
      const name = "privacy-export-" + today() + (kind === "json" ? ".json" : "-csv.zip");
      exporter.save(kind === "json" ? exporter.toJson(all) : exporter.toCsvZip(all), name);
      progress.textContent = "";
      progress.hidden = true;
      say("Your export is ready: " + name + ".");
    } catch (error) {
      progress.hidden = true;
      handle(error);
    } finally {
      state.busy = false;
      buttons.forEach((button) => (button.disabled = false));
    }
  }

  // --- delete one kind -------------------------------------------------------------------------

  const FORGET = {
    locations: {
      path: "/v1/me/locations",
      title: "Delete all check-in locations?",
      text: (n) => "The place (latitude, longitude and accuracy) of " + counted(n, "check-in", "check-ins") + " will be deleted. The visits stay in your leads' timelines, without a place, and your devices drop the places at their next sync.",
      warning: (p) => (p.location_enabled ? "Location for check-ins is still switched on: new check-ins will carry a place until you switch it off." : ""),
      done: (n) => "Deleted the location of " + counted(n, "check-in", "check-ins") + ".",
    },
    call_log: {
      path: "/v1/me/activities?source=call_log",
      title: "Delete all activities from call logs?",
      text: (n) => counted(n, "activity", "activities") + " created from your call logs will be deleted, from the server and, at their next sync, from your devices. Your other activities stay.",
      warning: (p) => (p.call_log_sync_enabled ? "Activities from call logs are still switched on: new calls with your leads will be added again until you switch it off." : ""),
      done: (n) => "Deleted " + counted(n, "activity", "activities") + " from call logs.",
    },
    sms_log: {
      path: "/v1/me/activities?source=sms_log",
      title: "Delete all activities from SMS?",
      text: (n) => counted(n, "activity", "activities") + " created from your SMS will be deleted, from the server and, at their next sync, from your devices. Your other activities stay.",
      warning: (p) => (p.sms_sync_enabled ? "Activities from SMS are still switched on: new messages with your leads will be added again until you switch it off." : ""),
      done: (n) => "Deleted " + counted(n, "activity", "activities") + " from SMS.",
    },
  };
  let forgetting = null;

  function openForget(event) {
    const kind = event.currentTarget.dataset.forget;
    const a = state.inventory.activities;
    const held = { locations: a.check_ins_with_location, call_log: a.from_call_logs, sms_log: a.from_sms_logs }[kind];
    const plan = FORGET[kind];
    forgetting = { kind, opener: event.currentTarget };
    $("forget-title").textContent = plan.title;
    $("forget-text").textContent = plan.text(held);
    const warning = plan.warning(state.preferences);
    $("forget-warning").textContent = warning;
    $("forget-warning").hidden = !warning;
    $("forget-error").hidden = true;
    $("forget-confirm").disabled = false;
    $("forget-dialog").showModal();
    $("forget-cancel").focus();
  }

  async function confirmForget() {
    if (!forgetting || forgetting.running) return; // a second click while the first runs does nothing
    forgetting.running = true;
    $("forget-confirm").disabled = true;
    const plan = FORGET[forgetting.kind];
    let total = 0;
    try {
      let result;
      do {
        result = (await api.delete(plan.path)).data;
        total += result.count;
      } while (!result.complete);
      await reloadInventory();
      $("forget-dialog").close();
      say(plan.done(total));
    } catch (error) {
      $("forget-confirm").disabled = false;
      handle(error, $("forget-error"));
    } finally {
      if (forgetting) forgetting.running = false;
    }
  }

  function closeForget() {
    $("forget-dialog").close();
  }

  function forgetClosed() {
    const opener = forgetting && forgetting.opener;
    forgetting = null;
    if (opener) (opener.disabled ? $("delete-kind-title") : opener).focus();
  }

  // --- delete the account ----------------------------------------------------------------------

  let deleting = false;

  function openDelete() {
    const i = state.inventory;
    const summary = [
      counted(i.leads, "lead", "leads"),
      counted(i.activities.total, "activity", "activities") + ", with " + counted(i.activities.check_ins_with_location, "location", "locations"),
      counted(i.files.total, "file", "files") + " (" + bytes(i.files.stored_bytes) + ")",
      counted(i.devices, "device", "devices") + ", " + counted(i.imports.total, "import", "imports") + " and your preferences",
      "your contact information (name, email, phone) and consent record",
    ];
    $("delete-summary").replaceChildren(...summary.map((text) => cellWith("li", text)));
    $("delete-error").hidden = true;
    $("delete-password").value = "";
    $("delete-confirm").disabled = false;
    $("delete-dialog").showModal();
    $("delete-password").focus();
  }

  async function confirmDelete(event) {
    event.preventDefault();
    if (deleting) return; // one request, however often the button is pressed
    const password = $("delete-password").value;
    const error = $("delete-error");
    if (!password) {
      error.textContent = "Enter your password to confirm.";
      error.hidden = false;
      return;
    }
    deleting = true;
    $("delete-confirm").disabled = true;
    error.hidden = true;
    try {
      const answer = await api.delete("/v1/me", { password });
      $("delete-password").value = "";
      api.forget();
      location.assign("/privacy/receipt#" + encodeURIComponent(answer.data.deletion_id));
    } catch (failure) {
      deleting = false;
      $("delete-confirm").disabled = false;
      $("delete-password").value = "";
      if (failure instanceof ApiError && failure.code === "invalid_credentials") {
        error.textContent = "The password is wrong. Nothing was deleted.";
        error.hidden = false;
        $("delete-password").focus();
      } else {
        handle(failure, error);
      }
    }
  }

  // --- start -----------------------------------------------------------------------------------

  function start() {
    const reason = location.hash.slice(1);
    if (reason === "session-expired") warn("Your session has expired. Sign in again; nothing was changed.");
    if (reason === "account-deleted") warn("This account has been deleted.");
    if (reason === "session-expired" || reason === "account-deleted") history.replaceState(null, "", location.pathname);
    $("sign-in-form").addEventListener("submit", signIn);
    $("mfa-form").addEventListener("submit", verifyCode);
    $("mfa-cancel").addEventListener("click", cancelCode);
    $("sign-out").addEventListener("click", () => {
      api.forget();
      location.replace(location.pathname);
    });
    for (const input of document.querySelectorAll("#switch-list input")) input.addEventListener("change", toggle);
    $("download-json").addEventListener("click", () => download("json"));
    $("download-csv").addEventListener("click", () => download("csv"));
    for (const button of document.querySelectorAll("[data-forget]")) button.addEventListener("click", openForget);
    $("forget-confirm").addEventListener("click", confirmForget);
    $("forget-cancel").addEventListener("click", closeForget);
    $("forget-dialog").addEventListener("close", forgetClosed);
    $("delete-account-open").addEventListener("click", openDelete);
    $("delete-form").addEventListener("submit", confirmDelete);
    $("delete-cancel").addEventListener("click", () => $("delete-dialog").close());
    $("delete-dialog").addEventListener("close", () => $("delete-account-open").focus());
    showSignIn();
    $("email").focus();
  }

  start();
})();
