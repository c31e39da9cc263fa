"""Privacy tools every feature uses: personal-data markers and the redacting logger."""

from shared.privacy.logging import get_logger, redact, safe_exception
from shared.privacy.pii import Pii

__all__ = ["Pii", "get_logger", "redact", "safe_exception"]
