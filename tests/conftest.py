"""Suite-wide settings: no real AWS credentials or endpoints can be reached from tests."""

import os

os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "LeadCrm")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "tests")
