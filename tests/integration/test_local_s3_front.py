"""The local S3 refuses what S3 refuses: presigned POST forms used outside their policy and
presigned URLs whose request is not the one signed. moto alone accepts all of these, so without
the front (local/s3_front.py) a mistake in a form or a link could not fail a test.

Forms and links are made the way the app gets them: by the functions' own S3 client
(``shared.core.aws.s3()``) through ``ObjectStore``; they are then used with a plain HTTP client.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import botocore.auth
import pytest
import requests

from shared.core import aws
from shared.core.object_store import ObjectStore
from tests.support import PDF_BYTES, PNG_BYTES

EXPIRES_S = 600


@pytest.fixture
def store(local_stack: Any) -> ObjectStore:
    return ObjectStore(aws.s3(), local_stack.bucket_names["uploads"])


def _key(user: str | None = None) -> str:
    return f"users/{user or uuid.uuid4()}/leads/{uuid.uuid4().hex}/file"


def _form(store: ObjectStore, key: str, content: bytes = PDF_BYTES, expires_in: int = EXPIRES_S) -> dict[str, Any]:
    return store.upload_form(key, "application/pdf", len(content), expires_in)


def _post(form: dict[str, Any], content: bytes = PDF_BYTES, url: str | None = None) -> requests.Response:
    return requests.post(url or form["url"], data=form["fields"], files={"file": ("f.pdf", content)}, timeout=30)


def _stored(local_stack: Any, key: str) -> bytes | None:
    s3 = local_stack.client("s3")
    try:
        return bytes(s3.get_object(Bucket=local_stack.bucket_names["uploads"], Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def _error(response: requests.Response) -> tuple[int, str]:
    """Status and S3's error code, from S3's XML error document."""
    text = response.text
    code = text.split("<Code>", 1)[1].split("</Code>", 1)[0] if "<Code>" in text else ""
    return response.status_code, code


# --- presigned POST ----------------------------------------------------------------------------


def test_a_form_uploads_its_own_key_type_and_size(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    response = _post(_form(store, key))
    assert response.status_code in (200, 201, 204), response.text
    assert _stored(local_stack, key) == PDF_BYTES


def test_user_bs_form_cannot_write_user_as_key(local_stack: Any, store: ObjectStore) -> None:
    a_key = _key()
    assert _post(_form(store, a_key)).status_code == 204
    b_form = _form(store, _key())
    b_form["fields"]["key"] = a_key
    html = b"<html><script>alert(1)</script></html>".ljust(len(PDF_BYTES), b" ")
    assert _error(_post(b_form, html)) == (403, "AccessDenied")
    assert _stored(local_stack, a_key) == PDF_BYTES


def test_a_tampered_policy_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    policy = json.loads(base64.b64decode(form["fields"]["policy"]))
    policy["conditions"] = [c for c in policy["conditions"] if not isinstance(c, list)]  # no size limit
    form["fields"]["policy"] = base64.b64encode(json.dumps(policy).encode()).decode()
    assert _error(_post(form, PDF_BYTES * 3)) == (403, "SignatureDoesNotMatch")
    assert _stored(local_stack, key) is None


def test_a_forged_signature_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    signature = form["fields"]["x-amz-signature"]
    form["fields"]["x-amz-signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
    assert _error(_post(form)) == (403, "SignatureDoesNotMatch")
    assert _stored(local_stack, key) is None


def test_an_expired_form_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    assert _error(_post(_form(store, key, expires_in=-60))) == (403, "AccessDenied")
    assert _stored(local_stack, key) is None


@pytest.mark.parametrize(
    ("content", "code"),
    [(PDF_BYTES + b"\0", "EntityTooLarge"), (PDF_BYTES[:-1], "EntityTooSmall")],
    ids=["one byte more", "one byte less"],
)
def test_a_body_outside_the_content_length_range_is_refused(
    local_stack: Any, store: ObjectStore, content: bytes, code: str
) -> None:
    key = _key()
    assert _error(_post(_form(store, key), content)) == (400, code)
    assert _stored(local_stack, key) is None


def test_another_content_type_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    form["fields"]["Content-Type"] = "text/html"
    assert _error(_post(form)) == (403, "AccessDenied")
    assert _stored(local_stack, key) is None


def test_a_field_the_policy_does_not_name_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    form["fields"]["x-amz-meta-note"] = "not in the policy"
    assert _error(_post(form)) == (403, "AccessDenied")
    assert _stored(local_stack, key) is None


def test_a_form_for_one_bucket_cannot_write_another(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    other = form["url"].replace(local_stack.bucket_names["uploads"], local_stack.bucket_names["backups"])
    assert _error(_post(form, url=other)) == (403, "AccessDenied")
    objects = local_stack.client("s3").list_objects_v2(Bucket=local_stack.bucket_names["backups"], Prefix=key)
    assert objects.get("KeyCount", 0) == 0


@pytest.mark.parametrize("field", ["x-amz-date", "x-amz-credential"])
def test_the_credential_and_date_fields_are_bound_by_the_signature(
    local_stack: Any, store: ObjectStore, field: str
) -> None:
    key = _key()
    form = _form(store, key)
    if field == "x-amz-date":
        form["fields"][field] = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y%m%dT%H%M%SZ")
    else:
        form["fields"][field] = form["fields"][field].replace("/s3/", "/sqs/")
    status, _ = _error(_post(form))
    assert status in (400, 403)
    assert _stored(local_stack, key) is None


def test_a_form_without_a_signature_is_anonymous_and_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    form = _form(store, key)
    for name in ("policy", "x-amz-signature", "x-amz-algorithm", "x-amz-credential", "x-amz-date"):
        form["fields"].pop(name)
    assert _error(_post(form)) == (403, "AccessDenied")
    assert _stored(local_stack, key) is None


def test_a_field_after_the_file_is_refused(local_stack: Any, store: ObjectStore) -> None:
    """S3 ignores fields after the file and moto would use them: refused, so that what was
    checked is what moto stores."""
    key = _key()
    form = _form(store, key)
    boundary = "b0undary"
    parts = [*form["fields"].items(), ("file", PDF_BYTES.decode()), ("Content-Type", "text/html")]
    body = "".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        + ('; filename="f.pdf"' if name == "file" else "")
        + f"\r\n\r\n{value}\r\n"
        for name, value in parts
    )
    response = requests.post(
        form["url"],
        data=f"{body}--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=30,
    )
    assert _error(response) == (400, "MalformedPOSTRequest")
    assert _stored(local_stack, key) is None


# --- presigned GET -----------------------------------------------------------------------------


def _put(local_stack: Any, key: str, content: bytes) -> str:
    s3 = local_stack.client("s3")
    response = s3.put_object(Bucket=local_stack.bucket_names["uploads"], Key=key, Body=content)
    return str(response["VersionId"])


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def test_a_presigned_get_serves_its_object(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    _put(local_stack, key, PDF_BYTES)
    response = requests.get(store.download_url(key, 300), timeout=30)
    assert (response.status_code, response.content) == (200, PDF_BYTES)


def test_swapping_the_key_of_a_presigned_get_is_refused(local_stack: Any, store: ObjectStore) -> None:
    mine, theirs = _key(), _key()
    _put(local_stack, mine, PDF_BYTES)
    _put(local_stack, theirs, PNG_BYTES)
    url = store.download_url(mine, 300)
    swapped = _with_path(url, f"/{local_stack.bucket_names['uploads']}/{theirs}")
    response = requests.get(swapped, timeout=30)
    assert _error(response) == (403, "SignatureDoesNotMatch")
    assert PNG_BYTES not in response.content


def test_changing_the_version_of_a_presigned_get_is_refused(local_stack: Any, store: ObjectStore) -> None:
    key = _key()
    first = _put(local_stack, key, PDF_BYTES)
    second = _put(local_stack, key, PNG_BYTES)
    url = aws.s3().generate_presigned_url(
        "get_object", Params={"Bucket": local_stack.bucket_names["uploads"], "Key": key, "VersionId": first}
    )
    parts = urlsplit(url)
    query = urlencode([(k, second if k == "versionId" else v) for k, v in parse_qsl(parts.query)])
    response = requests.get(urlunsplit((*parts[:3], query, parts.fragment)), timeout=30)
    assert _error(response) == (403, "SignatureDoesNotMatch")
    assert requests.get(url, timeout=30).content == PDF_BYTES


def test_stripping_the_signature_leaves_an_anonymous_request_that_is_refused(
    local_stack: Any, store: ObjectStore
) -> None:
    key = _key()
    _put(local_stack, key, PDF_BYTES)
    url = store.download_url(key, 300)
    assert _error(requests.get(url.split("?", 1)[0], timeout=30)) == (403, "AccessDenied")


def test_an_expired_presigned_get_is_refused(
    local_stack: Any, store: ObjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _key()
    _put(local_stack, key, PDF_BYTES)
    two_hours_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: two_hours_ago)
    url = store.download_url(key, 300)
    monkeypatch.undo()
    assert _error(requests.get(url, timeout=30)) == (403, "AccessDenied")


# --- everything else ---------------------------------------------------------------------------


def test_the_functions_own_s3_calls_pass_through(local_stack: Any, store: ObjectStore) -> None:
    """Header-signed calls (ListObjectVersions, GetObject with a range, DeleteObjects) reach moto
    unchanged: the front checks only presigned and anonymous requests."""
    key = _key()
    _put(local_stack, key, PDF_BYTES)
    stored = store.inspect(key)
    assert stored is not None
    assert stored.size == len(PDF_BYTES)
    assert store.delete_everything_under(key).deleted == 1
    assert _stored(local_stack, key) is None
