"""Files function: upload forms, server-side verification, download links and deletion."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from shared.core.api import IdempotencyKey, build_resolver, created
from shared.core.idempotency import create_once, idempotency_store
from shared.core.identity import current_user_id
from shared.core.links import file_links
from shared.core.observability import api_handler, count
from shared.core.openapi import responses
from shared.core.priming import prime
from shared.core.settings import load_settings
from shared.files import logic as files
from shared.files.models import FileUploadRequest
from shared.files.output import FileInfo, FileList, FileUpload
from shared.files.wiring import file_records, uploads
from shared.leads.wiring import lead_repository
from shared.preferences.wiring import preferences_repository
from shared.resources import FILES_FUNCTION

load_settings(FILES_FUNCTION)
router = Router()
TAGS = ["files"]
LeadId = Annotated[str, Path(min_length=1, max_length=64)]
FileId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/v1/leads/<lead_id>/files",
    summary="Announce one file and get a presigned upload form for it",
    tags=TAGS,
    responses=responses(400, 401, 404, 409, 422, created=FileUpload, links=file_links()),
)
def request_upload(
    lead_id: LeadId, body: FileUploadRequest, idempotency_key: IdempotencyKey = None
) -> Response[FileUpload]:
    user_id, records, store = current_user_id(router), file_records(), uploads()
    made = create_once(
        idempotency_store(),
        router.lambda_context,
        user_id=user_id,
        key_header=idempotency_key,
        operation="POST /v1/leads/{lead_id}/files",
        payload={"lead_id": lead_id, "body": body.model_dump(mode="json", exclude_unset=True)},
        create=lambda: files.request_upload(records, preferences_repository(), store, user_id, lead_id, body),
        identify=lambda upload: upload.file_id,
        replay=lambda file_id: files.upload_again(records, store, user_id, file_id),
    )
    if not made.replayed:
        count("UploadRequested")
    return created(made.value, replayed=made.replayed, versioned=False)


@router.get(
    "/v1/leads/<lead_id>/files",
    summary="A lead's files",
    tags=TAGS,
    responses=responses(401, 404, ok=FileList, links=file_links("/items/0/file_id")),
)
def list_files(lead_id: LeadId) -> FileList:
    return files.list_files(file_records(), lead_repository(), current_user_id(router), lead_id)


@router.post(
    "/v1/files/<file_id>/complete",
    summary="Verify the uploaded object (size, type, magic bytes); a mismatch is deleted",
    tags=TAGS,
    responses=responses(400, 401, 404, 409, ok=FileInfo, links=file_links()),
)
def complete_upload(file_id: FileId) -> FileInfo:
    info = files.verify_upload(file_records(), uploads(), current_user_id(router), file_id)
    count("UploadAccepted" if info.status == "ready" else "UploadRejected")
    return info


@router.get(
    "/v1/files/<file_id>",
    summary="A file's details and a short-lived download link",
    tags=TAGS,
    responses=responses(401, 404, ok=FileInfo, links=file_links()),
)
def get_file(file_id: FileId) -> FileInfo:
    return files.get_file(file_records(), uploads(), current_user_id(router), file_id)


@router.delete(
    "/v1/files/<file_id>",
    summary="Delete a file and every stored version of it",
    tags=TAGS,
    responses=responses(401, 404, deleted=True),
)
def delete_file(file_id: FileId) -> Response[None]:
    files.delete_file(file_records(), uploads(), current_user_id(router), file_id)
    return Response(status_code=204)


app = build_resolver(router)
handler = api_handler(app)
prime(FILES_FUNCTION, app)
