"""The local S3's front door: refuses what S3 would refuse before moto sees the request.

moto serves any presigned POST form and any presigned URL, however it was changed, and serves
anonymous requests to private buckets. The functions sign forms and links for their clients
(``AWS_ENDPOINT_URL_S3`` points their S3 client here, so what they sign names this server), and
those clients' requests are checked here the way S3 checks them (local/s3_presigned.py):

- a POST Object form (multipart, no Authorization header): the policy's signature, expiration and
  every condition, the fields it does not name, the file's size;
- a presigned URL (``X-Amz-Signature`` and friends in the query): SigV4 only, the credential
  scope, the expiry, the signature over what is requested;
- a request with neither and no Authorization header: anonymous, refused (the buckets are private).

Requests signed in their Authorization header (every boto3 call: the functions', the tests')
pass through unchanged and unchecked: they come from code holding the credentials, and the
issue the front exists for is what that code hands to others. Only path-style addressing is
served (the endpoint is an IP address, so botocore never uses virtual-hosted style here).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from local._http import QuietHandler, StoppableServer, relay
from local.s3_presigned import Refusal, check_post_form, check_presigned_query, is_presigned_query

LOG = logging.getLogger("local_aws.s3")

MAX_FORM_BYTES = 64 * 1024 * 1024  # well above the 20 MB uploads the API announces


class S3Front:
    """HTTP server in front of moto's S3: presigned and anonymous requests checked, the rest relayed."""

    def __init__(
        self,
        moto_url: str,
        secrets: Mapping[str, str],
        *,
        region: str = "us-east-1",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``secrets``: access key id → secret access key, the credentials S3 would know."""
        upstream = urlsplit(moto_url)
        self.moto_host = upstream.hostname or "127.0.0.1"
        self.moto_port = upstream.port or 80
        self.secrets = dict(secrets)
        self.region = region
        self.clock = clock or (lambda: datetime.now(UTC))
        handler = type("_BoundS3Handler", (_S3Handler,), {"front": self})
        self._server = StoppableServer(host, port, handler)

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> None:
        self._server.start("s3-front")

    def stop(self) -> None:
        self._server.stop()


class MalformedForm(ValueError):
    pass


def read_form(content_type: str, body: bytes) -> tuple[list[tuple[str, str]], int | None]:
    """The form's fields before the file, in order, and the file's size (None: no file part).

    S3 ignores fields after the file, and moto would not: a form that has any is refused here,
    so what was checked is what moto acts on.
    """
    _, options = parse_options_header(content_type)
    boundary = options.get("boundary")
    if not boundary:
        raise MalformedForm("no boundary")
    decoder = MultipartDecoder(boundary.encode(), max_form_memory_size=MAX_FORM_BYTES)
    decoder.receive_data(body)
    decoder.receive_data(None)
    parts: list[tuple[str, bytearray]] = []
    while True:
        event = decoder.next_event()
        if isinstance(event, Field | File):
            parts.append((event.name, bytearray()))
        elif isinstance(event, Data):
            if not parts:
                raise MalformedForm("data outside a part")
            parts[-1][1].extend(event.data)
        elif isinstance(event, Epilogue):
            break
        elif isinstance(event, NeedData):
            raise MalformedForm("the form ends early")
    names = [name for name, _ in parts]
    if "file" not in names:
        return [(name, bytes(value).decode("utf-8")) for name, value in parts], None
    at = names.index("file")
    if at != len(parts) - 1:
        raise MalformedForm("fields after the file")
    return [(name, bytes(value).decode("utf-8")) for name, value in parts[:at]], len(parts[at][1])


class _S3Handler(QuietHandler):
    front: ClassVar[S3Front]

    def _dispatch(self) -> None:
        body = self.read_body(MAX_FORM_BYTES)
        if body is None:
            self._refuse(Refusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."))
            return
        path, _, query = self.path.partition("?")
        refusal = self._check(path, query, body)
        if refusal is not None:
            self._refuse(refusal)
            return
        front = self.front
        status, headers, content, length = relay(
            front.moto_host, front.moto_port, self.command, self.path, list(self.headers.items()), body
        )
        self.send(status, headers, content, length)

    def _check(self, path: str, query: str, body: bytes) -> Refusal | None:
        front = self.front
        now = front.clock()
        if is_presigned_query(query):
            return check_presigned_query(
                self.command,
                self.headers.get("Host", ""),
                path,
                query,
                dict(self.headers.items()),
                front.secrets,
                front.region,
                now,
            )
        if "Authorization" in self.headers:
            return None  # signed by a holder of the credentials: relayed unchecked
        content_type = self.headers.get("Content-Type", "")
        bucket = path.strip("/")
        if self.command == "POST" and content_type.lower().startswith("multipart/form-data") and "/" not in bucket:
            try:
                fields, file_size = read_form(content_type, body)
            except (MalformedForm, ValueError):
                return Refusal(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed.")
            return check_post_form(bucket, fields, file_size, front.secrets, front.region, now)
        return Refusal(403, "AccessDenied", "Access Denied")  # anonymous, and every bucket is private

    def _refuse(self, refusal: Refusal) -> None:
        LOG.info("s3 %s refused %s %s", self.command, refusal.status, refusal.code)
        request_id = uuid.uuid4().hex[:16].upper()
        document = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(refusal.code)}</Code><Message>{escape(refusal.message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id)]
        self.send(refusal.status, headers, document)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch
