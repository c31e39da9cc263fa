"""Account termination: the request (password re-checked) and what the app learns afterwards."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr

from shared.core.models import Output, StrictInput, Timestamp


class DeleteAccountRequest(StrictInput):
    password: Annotated[SecretStr, Field(min_length=1, max_length=256, description="Your current password")]


class DeletionScheduled(Output):
    deletion_id: str = Field(description="Keep it: GET /v1/deletions/{deletion_id} tells when erasure completed")
    status: str


class DeletionStatus(Output):
    deletion_id: str
    status: str = Field(description="in_progress | completed")
    requested_at: Timestamp
    completed_at: Timestamp | None = None
    backups_expire_by: Timestamp | None = Field(
        default=None, description="completed_at + 90 days: encrypted backups holding the account are gone by then"
    )
    counts: dict[str, int] = Field(default_factory=dict, description="What was erased, by kind")
