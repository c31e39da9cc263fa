"""OpenAPI links: what a client can call next with an id from a response.

One function per kind of id; ``at`` is where the id is in the response body, as a JSON pointer
(``/lead_id`` in one lead, ``/items/0/lead_id`` in the first item of a page). Clients read them in
the OpenAPI document; the stateful fuzz test (tests/e2e/test_fuzz_api.py) follows them.
"""

from __future__ import annotations

from typing import Any

from shared.core.openapi import link


def lead_links(at: str = "/lead_id") -> dict[str, dict[str, Any]]:
    lead_id = f"$response.body#{at}"
    return {
        "GetLead": link("GET /v1/leads/{lead_id}", "Read the lead", lead_id=lead_id),
        "UpdateLead": link("PATCH /v1/leads/{lead_id}", "Change the lead", lead_id=lead_id),
        "DeleteLead": link("DELETE /v1/leads/{lead_id}", "Delete the lead", lead_id=lead_id),
        "ListActivities": link("GET /v1/leads/{lead_id}/activities", "The lead's activities", lead_id=lead_id),
        "AddActivity": link("POST /v1/leads/{lead_id}/activities", "Add an activity to the lead", lead_id=lead_id),
        "CheckIn": link("POST /v1/leads/{lead_id}/check-ins", "Record a visit to the lead", lead_id=lead_id),
        "ListFiles": link("GET /v1/leads/{lead_id}/files", "The lead's files", lead_id=lead_id),
        "UploadFile": link("POST /v1/leads/{lead_id}/files", "Attach a file to the lead", lead_id=lead_id),
    }


def activity_links(at: str = "/activity_id") -> dict[str, dict[str, Any]]:
    activity_id = f"$response.body#{at}"
    return {
        "DeleteActivity": link("DELETE /v1/activities/{activity_id}", "Delete the activity", activity_id=activity_id),
    }


def file_links(at: str = "/file_id") -> dict[str, dict[str, Any]]:
    file_id = f"$response.body#{at}"
    return {
        "CompleteUpload": link("POST /v1/files/{file_id}/complete", "Verify the uploaded file", file_id=file_id),
        "GetFile": link("GET /v1/files/{file_id}", "The file and its download link", file_id=file_id),
        "DeleteFile": link("DELETE /v1/files/{file_id}", "Delete the file", file_id=file_id),
    }


def device_links(at: str = "/device_id") -> dict[str, dict[str, Any]]:
    device_id = f"$response.body#{at}"
    return {
        "ForgetDevice": link("DELETE /v1/devices/{device_id}", "Forget the device", device_id=device_id),
    }


def import_links(at: str = "/import_id") -> dict[str, dict[str, Any]]:
    import_id = f"$response.body#{at}"
    return {
        "GetImport": link("GET /v1/imports/{import_id}", "The import's status", import_id=import_id),
        "UndoImport": link(
            "DELETE /v1/imports/{import_id}", "Take the import back (within 30 days)", import_id=import_id
        ),
    }


def deletion_links() -> dict[str, dict[str, Any]]:
    return {
        "GetDeletion": link(
            "GET /v1/deletions/{deletion_id}",
            "Whether the erasure has completed",
            deletion_id="$response.body#/deletion_id",
        ),
    }
