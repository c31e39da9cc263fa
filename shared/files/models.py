"""Files on leads: the announcement of one upload (what the files API takes in). Its presigned form
and what is stored are in ``output.py``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from shared.core.models import StrictInput
from shared.core.text import ControlCharacters

ALLOWED_CONTENT_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic")
MAX_FILE_BYTES = 20 * 1024 * 1024
# No path separators either: a file name is one name, never a path.
FileName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    ControlCharacters(also_refused=r"/\\"),
]


class FileUploadRequest(StrictInput):
    filename: FileName
    content_type: Literal["application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic"]
    size: int = Field(ge=1, le=MAX_FILE_BYTES, description=f"Exact size in bytes, ≤ {MAX_FILE_BYTES}")
