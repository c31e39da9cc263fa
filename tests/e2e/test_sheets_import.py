"""Google Sheets import over HTTP: the app starts it, the browser consents at (fake) Google, the
callback starts the workflow, moto's Step Functions interpreter runs the real ASL through the
Lambda edge, and the leads appear. Block size is 40 rows here (tests/conftest.py)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from local.fake_google import CLIENT_ID, Formatted
from tests.importing import (
    all_leads,
    callback,
    consent,
    continue_to_google,
    lead_rows,
    run_import,
    sheet_id,
    start_import,
    wait_for_import,
)
from tests.support import TestUser, new_lead_body, unique_phone

pytestmark = pytest.mark.e2e

BLOCK = 40


@pytest.fixture
def google(local_stack: Any) -> Iterator[Any]:
    yield local_stack.google
    local_stack.google.clear_faults()


def _executions(local_stack: Any, import_id: str) -> list[dict[str, Any]]:
    sfn = local_stack.client("stepfunctions")
    found = sfn.list_executions(stateMachineArn=local_stack.import_state_machine_arn, maxResults=1000)["executions"]
    return [e for e in found if e["name"] == import_id]


def _history(local_stack: Any, execution_arn: str) -> list[dict[str, Any]]:
    sfn = local_stack.client("stepfunctions")
    events: list[dict[str, Any]] = []
    token = None
    while True:
        page = sfn.get_execution_history(
            executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


def _token_item(local_stack: Any, user: TestUser, import_id: str) -> Any:
    return (
        local_stack.client("dynamodb")
        .get_item(
            TableName=local_stack.table_name,
            Key={"pk": {"S": f"USER#{user.user_id}"}, "sk": {"S": f"IMPORTTOKEN#{import_id}"}},
            ConsistentRead=True,
        )
        .get("Item")
    )


# --- the journey -------------------------------------------------------------------------------


def test_import_end_to_end_creates_leads_and_reports_counts(user: TestUser, google: Any, local_stack: Any) -> None:
    existing_phone = unique_phone()
    before = user.api.post("/v1/leads", json=new_lead_body(phone=existing_phone, company="Before"))
    assert before.status_code == 201
    valid = lead_rows(100)
    rows: list[list[Any]] = [["Full Name", "Téléphone", "E-MAIL", "Company", "Internal ref"]]
    rows += [[name, phone, email, "Acme", f"ref-{i}"] for i, (name, phone, email) in enumerate(valid)]
    rows.append(["Bad Phone", "12345", "", "Acme", "x"])  # row 102: invalid_phone
    rows.append(["No Contact", "", "", "Acme", "x"])  # row 103: missing_contact
    rows.append(["", "", "", "", "only an unmapped cell"])  # row 104: blank for us, ignored
    rows.append(["Dup Of Existing", existing_phone, "", "", ""])  # row 105: skipped (existing lead)
    rows.append(["Dup In Sheet", "", valid[3][2], "", ""])  # row 106: skipped (same email as row 5)
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, rows, title="Leads", row_count=len(rows) + 10)

    started = start_import(user, f"https://docs.google.com/spreadsheets/d/{spreadsheet}/edit#gid=0")
    assert started["status"] == "awaiting_authorization"
    assert started["authorization_url"].startswith(f"{local_stack.gateway_url}/v1/oauth/google/consent?state=")
    google_url, cookie = continue_to_google(started["authorization_url"])  # our consent page first
    params = {key: values[-1] for key, values in parse_qs(urlsplit(google_url).query).items()}
    assert google_url.startswith(f"{local_stack.google_url}/o/oauth2/auth?")
    assert params["client_id"] == CLIENT_ID
    assert params["redirect_uri"] == f"{local_stack.gateway_url}/v1/oauth/google/callback"
    assert params["response_type"] == "code"
    assert params["access_type"] == "online"  # no refresh token can exist
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert set(params["scope"].split()) == {
        "https://www.googleapis.com/auth/spreadsheets.readonly",
        "https://www.googleapis.com/auth/drive.file",
    }
    assert len(params["state"]) >= 43

    granted = consent(started["authorization_url"], cookie)  # the same browser continues again
    page = callback(granted)
    assert page.status_code == 200
    assert "Import started" in page.text
    assert f"leadcrm://imports/{started['import_id']}" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]

    job = wait_for_import(user, started["import_id"])
    assert job["status"] == "succeeded", job
    assert job["error_code"] is None
    assert (job["rows_read"], job["leads_created"], job["leads_updated"], job["rows_skipped"]) == (104, 100, 0, 4)
    assert job["rows_read"] == job["leads_created"] + job["leads_updated"] + job["rows_skipped"]
    assert job["errors"] == [{"row": 102, "code": "invalid_phone"}, {"row": 103, "code": "missing_contact"}]
    assert job["progress"] == 1.0
    assert job["started_at"]
    assert job["finished_at"]

    leads = all_leads(user)
    imported = [lead for lead in leads if lead["source"] == "google_sheets"]
    assert sorted(lead["email"] for lead in imported) == sorted(email for _, _, email in valid)
    assert {lead["phone"] for lead in imported} == {phone for _, phone, _ in valid}
    assert {lead["company"] for lead in imported} == {"Acme"}
    assert [lead for lead in leads if lead["phone"] == existing_phone] == [before.json()]  # untouched

    listed = user.api.get("/v1/imports").json()["items"]
    assert started["import_id"] in [item["import_id"] for item in listed]
    (execution,) = _executions(local_stack, started["import_id"])
    assert execution["status"] == "SUCCEEDED"
    chunks = [e for e in _history(local_stack, execution["executionArn"]) if e["type"] == "TaskStateEntered"]
    assert sum(e["stateEnteredEventDetails"]["name"] == "ImportChunk" for e in chunks) == 3  # 116 rows / 40
    assert _token_item(local_stack, user, started["import_id"]) is None


def test_update_fills_in_mapped_fields_of_the_matching_lead(user: TestUser, google: Any) -> None:
    phone = unique_phone()
    lead = user.api.post("/v1/leads", json=new_lead_body(phone=phone, email=None, company="Old Co")).json()
    spreadsheet = sheet_id()
    rows = [
        ["Client", "Mobile no.", "Mail", "Firm", "Remarks"],
        ["New Name", phone, "filled.in@example.com", "New Co", ""],
    ]
    google.load_sheet(spreadsheet, rows, row_count=5)
    job = run_import(user, spreadsheet, on_duplicate="update")
    assert job["status"] == "succeeded", job
    assert (job["leads_created"], job["leads_updated"], job["rows_skipped"]) == (0, 1, 0)
    updated = user.api.get(f"/v1/leads/{lead['lead_id']}").json()
    assert updated["name"] == "New Name"
    assert updated["company"] == "New Co"
    assert updated["email"] == "filled.in@example.com"
    assert updated["notes"] == lead["notes"]  # an empty cell fills in nothing
    assert updated["source"] == lead["source"]


def test_phone_columns_are_read_as_text_and_scientific_display_is_reread_raw(user: TestUser, google: Any) -> None:
    spreadsheet = sheet_id()
    rows = [
        ["Name", "Phone"],
        ["Leading Zero", Formatted(9812300001, "09812300001")],  # shown with its 0, stored as a number
        ["Scientific", Formatted(919812300002, "9.19812E+11")],  # the digits are only in the raw value
        ["Plain Number", 919812300003],
    ]
    google.load_sheet(spreadsheet, rows, row_count=4)
    google.reset_counts()
    job = run_import(user, spreadsheet)
    assert job["status"] == "succeeded", job
    assert job["leads_created"] == 3, job
    phones = {lead["phone"] for lead in all_leads(user)}
    assert {"+919812300001", "+919812300002", "+919812300003"} <= phones
    assert google.count("values") == 3  # header, the block, and the raw re-read of the phone column


# --- privacy: nothing but leads is kept ---------------------------------------------------------


@contextmanager
def _function_logs() -> Iterator[io.StringIO]:
    """Every line the functions' (redacting) logger writes, as it writes it."""
    from shared.imports.steps import logger as functions_logger

    logger = logging.getLogger(functions_logger.name)
    stream = io.StringIO()
    copy = logging.StreamHandler(stream)
    copy.setFormatter(functions_logger.registered_formatter)
    logger.addHandler(copy)
    try:
        yield stream
    finally:
        logger.removeHandler(copy)


def test_no_sheet_data_or_token_is_kept_anywhere_after_an_import(
    user: TestUser, google: Any, local_stack: Any, canary: Any
) -> None:
    """Canaries in the header and unmapped cells, in rejected cells, in the sheet's title and id,
    and as the access token: after the import, a sweep of every DynamoDB item, every S3 object,
    the full Step Functions history and the functions' logs finds none of them. (All other
    captured output — moto, the edge, metrics — is swept by the log-canary plugin.)"""
    token = canary(f"ya29.CANARY-token-{hex(id(user))}", "access token")
    title = canary(f"CanaryTitle {user.user_id[:8]}", "sheet title")
    spreadsheet = canary(f"canarySheetId{user.user_id.replace('-', '')[:20]}", "spreadsheet id")
    secret_header = canary(f"CanaryHeader-{user.user_id[:8]}", "unmapped header")
    bad_phone = canary(f"CANARY-phone-{user.user_id[:8]}", "rejected phone cell")
    valid = lead_rows(60)
    unmapped = [canary(f"CANARY-cell-{user.user_id[:6]}-{i:03d}", "unmapped cell") for i in range(len(valid))]
    rows: list[list[Any]] = [["Name", secret_header, "Phone", "Email"]]
    rows += [[name, unmapped[i], phone, email] for i, (name, phone, email) in enumerate(valid)]
    rows.append(["Rejected Row", "x", bad_phone, ""])
    google.load_sheet(spreadsheet, rows, title=title, row_count=len(rows))
    google.issue_next_token(token)

    with _function_logs() as logs:
        job = run_import(user, spreadsheet, sheet=title)
    assert job["status"] == "succeeded", job
    assert job["leads_created"] == 60
    assert job["errors"] == [{"row": 62, "code": "invalid_phone"}]
    canaries = [token, title, spreadsheet, secret_header, bad_phone, *unmapped]

    # DynamoDB: every item of the table (a test-only Scan), binary attributes included.
    dynamodb = local_stack.client("dynamodb")
    items = [
        i for page in dynamodb.get_paginator("scan").paginate(TableName=local_stack.table_name) for i in page["Items"]
    ]
    stored = json.dumps(items, default=lambda b: b.decode("latin-1"))
    assert valid[0][0] in stored  # the sweep sees the table: mapped values are there, as leads
    # S3: every version of every object in every bucket.
    s3 = local_stack.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket["Name"]):
            for version in page.get("Versions", []):
                body = s3.get_object(Bucket=bucket["Name"], Key=version["Key"], VersionId=version["VersionId"])
                stored += version["Key"] + body["Body"].read().decode("latin-1")
    # Step Functions: the execution's input, output and full history (every state's input/output).
    (execution,) = _executions(local_stack, job["import_id"])
    sfn = local_stack.client("stepfunctions")
    described = sfn.describe_execution(executionArn=execution["executionArn"])
    history = _history(local_stack, execution["executionArn"])
    assert any("output" in json.dumps(e, default=str) for e in history)  # moto keeps state outputs
    workflow_record = json.dumps(described, default=str) + json.dumps(history, default=str)
    # Step Functions keeps this for 90 days, beyond erasure's reach: no user id either.
    assert job["import_id"] in workflow_record  # the sweep sees the execution's data
    assert user.user_id not in workflow_record
    stored += workflow_record
    # Logs: everything the functions logged during the import.
    stored += logs.getvalue()
    assert '"message":"import chunk committed"' in logs.getvalue()  # the sweep sees the logs

    leaked = [value for value in canaries if value in stored]
    assert leaked == []
    assert _token_item(local_stack, user, job["import_id"]) is None
    states = [i for i in items if i["pk"]["S"].startswith("OAUTHSTATE#")]
    assert job["import_id"] not in [state["import_id"]["S"] for state in states]  # spent by the callback
    job_item = next(i for i in items if i["sk"]["S"] == f"IMPORT#{job['import_id']}")
    assert set(job_item) <= {
        "pk", "sk", "status", "on_duplicate", "created_at", "started_at", "finished_at", "rows_read",
        "leads_created", "leads_updated", "rows_skipped", "errors", "error_code", "first_row",
        "last_row", "next_row",
        "oauth_state",  # a hash of the (spent) random state value: lets erasure find the state item
        "phone_region",  # the user's own default_region when the import started, not the sheet's
    }  # fmt: skip
    assert "due_pk" not in job_item  # a finished import is nothing the retention job must look at


# --- faults ------------------------------------------------------------------------------------

FAULT_ROWS = 130  # blocks start at rows 2, 42, 82, 122


@pytest.mark.parametrize("block_start", [2, 82, 122], ids=["first block", "middle block", "last block"])
def test_throttling_and_unavailability_at_any_block_still_import_exactly_the_sheet(
    user: TestUser, google: Any, block_start: int
) -> None:
    spreadsheet = sheet_id()
    valid = lead_rows(FAULT_ROWS)
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *valid], row_count=FAULT_ROWS + 1)
    google.fail([429, 503, 403], kind="values", at_row=block_start)  # 403: rateLimitExceeded
    google.reset_counts()
    job = run_import(user, spreadsheet)
    assert job["status"] == "succeeded", job
    assert job["leads_created"] == FAULT_ROWS
    imported = [lead for lead in all_leads(user) if lead["source"] == "google_sheets"]
    assert sorted(lead["phone"] for lead in imported) == sorted(phone for _, phone, _ in valid)
    assert google.count("values") == 1 + 4 + 3  # header, four blocks, three answered with errors


def test_a_block_failing_past_the_client_retries_is_retried_by_the_workflow(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    spreadsheet = sheet_id()
    valid = lead_rows(90)
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *valid], row_count=91)
    google.fail([503] * 5, kind="values", at_row=42)  # the client's five attempts all fail
    job = run_import(user, spreadsheet)
    assert job["status"] == "succeeded", job
    assert job["leads_created"] == 90
    assert len([lead for lead in all_leads(user) if lead["source"] == "google_sheets"]) == 90
    (execution,) = _executions(local_stack, job["import_id"])
    failed = [e for e in _history(local_stack, execution["executionArn"]) if e["type"] == "TaskFailed"]
    assert [e["taskFailedEventDetails"]["error"] for e in failed] == ["SheetsUnavailable"]


def test_a_chunk_retried_after_writing_its_leads_creates_no_duplicates(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    """The chunk writes its leads, then fails before committing (as a crash or a timeout would);
    Step Functions runs it again: the same lead ids are written, counts are committed once."""
    from dataclasses import replace

    from shared.imports import steps
    from shared.imports.errors import StorageBusy
    from shared.imports.step_handler import step_handler
    from shared.imports.step_wiring import worker_dependencies

    real = worker_dependencies()
    failures = {"left": 1}

    class CommitFailsOnce:
        def __getattr__(self, name: str) -> Any:
            return getattr(real.jobs, name)

        def commit_chunk(self, *args: Any, **kwargs: Any) -> bool:
            if args[2] == 42 and failures["left"]:  # the second block, after its writes
                failures["left"] -= 1
                raise StorageBusy()
            return real.jobs.commit_chunk(*args, **kwargs)

    flaky = replace(real, jobs=CommitFailsOnce())  # type: ignore[arg-type]
    handler = step_handler(lambda event: steps.import_chunk(flaky, steps.ChunkInput.model_validate(event)))
    spreadsheet = sheet_id()
    valid = lead_rows(100)
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *valid], row_count=101)
    with local_stack.registry.overridden("import_chunk", handler):
        job = run_import(user, spreadsheet)
    assert failures["left"] == 0
    assert job["status"] == "succeeded", job
    assert (job["rows_read"], job["leads_created"], job["rows_skipped"]) == (100, 100, 0)
    imported = [lead for lead in all_leads(user) if lead["source"] == "google_sheets"]
    assert len(imported) == 100
    assert len({lead["lead_id"] for lead in imported}) == 100
    assert sorted(lead["phone"] for lead in imported) == sorted(phone for _, phone, _ in valid)


def test_a_revoked_token_fails_the_import_cleanly_with_an_error_code(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone", "Email"], *lead_rows(100)], row_count=101)
    google.revoke_when_reading(42)  # the user revokes access while the second block is read
    job = run_import(user, spreadsheet)
    assert job["status"] == "failed"
    assert job["error_code"] == "authorization_expired"
    assert job["leads_created"] == BLOCK  # the first block's leads were inserted, as asked
    assert job["finished_at"]
    assert _token_item(local_stack, user, job["import_id"]) is None  # deleted on failure too
    (execution,) = _executions(local_stack, job["import_id"])
    for _ in range(100):  # the job is marked failed one state before the execution itself ends
        if execution["status"] != "RUNNING":
            break
        time.sleep(0.1)
        (execution,) = _executions(local_stack, job["import_id"])
    assert execution["status"] == "FAILED"


@pytest.mark.parametrize(
    ("fields", "error_code"),
    [
        ({"mapping": {"Customer": "name", "Cell": "phone"}}, "mapping_header_not_found"),
        ({"sheet": "No Such Tab"}, "sheet_not_found"),
        ({"header_row": 5000}, "header_row_out_of_range"),
    ],
    ids=["unknown header", "unknown sheet", "header beyond the sheet"],
)
def test_a_sheet_that_does_not_fit_the_request_fails_with_its_code(
    user: TestUser, google: Any, fields: dict[str, Any], error_code: str
) -> None:
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone"], ["A Lead", unique_phone()]], row_count=3)
    job = run_import(user, spreadsheet, **fields)
    assert (job["status"], job["error_code"], job["leads_created"]) == ("failed", error_code, 0)


# --- the OAuth state --------------------------------------------------------------------------


def test_a_replayed_callback_is_refused_and_starts_nothing(user: TestUser, google: Any, local_stack: Any) -> None:
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone"], ["A Lead", unique_phone()]], row_count=3)
    started = start_import(user, spreadsheet)
    granted = consent(started["authorization_url"])
    assert callback(granted).status_code == 200
    wait_for_import(user, started["import_id"])
    tokens_before = google.count("token")
    replay = callback(granted)
    assert replay.status_code == 400
    assert "expired or was already used" in replay.text
    assert google.count("token") == tokens_before  # the code was not even sent again
    assert len(_executions(local_stack, started["import_id"])) == 1


def test_an_expired_state_is_refused_even_before_ttl_deletion(user: TestUser, google: Any, local_stack: Any) -> None:
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone"], ["A Lead", unique_phone()]], row_count=3)
    started = start_import(user, spreadsheet)
    granted = consent(started["authorization_url"])
    assert granted.state is not None
    eleven_minutes_ago = (datetime.now(UTC) - timedelta(minutes=11)).isoformat()
    local_stack.client("dynamodb").update_item(  # as if the user took 11 minutes to consent
        TableName=local_stack.table_name,
        Key={
            "pk": {"S": "OAUTHSTATE#" + hashlib.sha256(granted.state.encode()).hexdigest()},
            "sk": {"S": "OAUTHSTATE"},
        },
        UpdateExpression="SET created_at = :t",
        ExpressionAttributeValues={":t": {"S": eleven_minutes_ago}},
        ConditionExpression="attribute_exists(pk)",
    )
    tokens_before = google.count("token")
    page = callback(granted)
    assert page.status_code == 400
    assert google.count("token") == tokens_before
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert (job["status"], job["error_code"]) == ("failed", "authorization_timeout")
    assert _executions(local_stack, started["import_id"]) == []


def test_google_s_redirect_in_another_browser_is_refused_spends_the_state_and_imports_nothing(
    user: TestUser, google: Any, local_stack: Any
) -> None:
    """Issue 12 item 3: Google's link, forwarded after Continue, consented to by someone else."""
    spreadsheet = sheet_id()
    google.load_sheet(spreadsheet, [["Name", "Phone"], ["Elsewhere Lead", unique_phone()]], row_count=3)
    started = start_import(user, spreadsheet)
    granted = consent(started["authorization_url"])
    tokens_before = google.count("token")

    elsewhere = callback(granted, same_browser=False)

    assert elsewhere.status_code == 400
    assert "be used here" in elsewhere.text
    assert google.count("token") == tokens_before  # the other person's code is never exchanged
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert (job["status"], job["error_code"], job["leads_created"]) == ("failed", "consent_not_confirmed", 0)
    assert callback(granted).status_code == 400  # the state is spent: not even its browser can finish
    assert _executions(local_stack, started["import_id"]) == []


def test_an_unknown_state_is_refused(api: Any) -> None:
    import requests

    page = requests.get(f"{api.base_url}/v1/oauth/google/callback?state=forged-state&code=4/abc", timeout=10)
    assert page.status_code == 400
    assert page.headers["Content-Type"].startswith("text/html")
    assert requests.get(f"{api.base_url}/v1/oauth/google/callback", timeout=10).status_code == 400


def test_consent_denied_cancels_the_import(user: TestUser, google: Any, local_stack: Any) -> None:
    google.deny_next_consent()
    started = start_import(user, "demo-leads-sheet")
    denied = consent(started["authorization_url"])
    assert denied.error == "access_denied"
    page = callback(denied)
    assert page.status_code == 200
    assert "Import cancelled" in page.text
    job = user.api.get(f"/v1/imports/{started['import_id']}").json()
    assert job["status"] == "cancelled"
    assert job["finished_at"]
    assert _executions(local_stack, started["import_id"]) == []


def test_imports_are_listed_newest_first_and_only_to_their_owner(user: TestUser, make_user: Any) -> None:
    first = start_import(user, "demo-leads-sheet")
    second = start_import(user, "demo-leads-sheet", on_duplicate="update")
    page = user.api.get("/v1/imports", params={"limit": 1}).json()
    assert [item["import_id"] for item in page["items"]] == [second["import_id"]]
    rest = user.api.get("/v1/imports", params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert [item["import_id"] for item in rest["items"]] == [first["import_id"]]
    assert make_user().api.get("/v1/imports").json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"spreadsheet": "https://example.com/spreadsheets/d/abcdefghijklmnop/edit", "on_duplicate": "skip"},
        {"spreadsheet": "short", "on_duplicate": "skip"},
        {"spreadsheet": "demo-leads-sheet", "on_duplicate": "skip", "mapping": {"Phone": "phone"}},
        {"spreadsheet": "demo-leads-sheet", "on_duplicate": "skip", "mapping": {"A": "email", "B": "email"}},
        {"spreadsheet": "demo-leads-sheet", "on_duplicate": "merge"},
    ],
    ids=["not google", "not an id", "no name column", "one field twice", "unknown on_duplicate"],
)
def test_unusable_import_requests_are_refused_before_anything_is_stored(user: TestUser, body: dict[str, Any]) -> None:
    response = user.api.post("/v1/imports/google-sheets", json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error"}
    assert user.api.get("/v1/imports").json()["items"] == []
