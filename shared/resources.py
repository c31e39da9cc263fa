"""The one description of every AWS resource the backend needs.

Read by the CDK constructs in ``infra/`` (production) and by ``local/`` (moto), so the two cannot
drift: a test compares the synthesized template with the resources the local stack creates, and
another compares the route table below with the Powertools routers of the functions.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

# The specs are NamedTuples, not frozen dataclasses: every function imports this module at cold
# start, and a dataclass costs ~0.9 ms to create (it compiles its methods), a NamedTuple ~0.2 ms.

# Environment variable names shared by the Lambda configuration (CDK) and the code that reads them.
ENV_TABLE_NAME = "TABLE_NAME"
ENV_UPLOADS_BUCKET = "UPLOADS_BUCKET"
ENV_USER_POOL_ID = "USER_POOL_ID"
ENV_USER_POOL_CLIENT_ID = "USER_POOL_CLIENT_ID"
ENV_DEFAULT_PHONE_REGION = "DEFAULT_PHONE_REGION"
# Google Sheets import. Google's endpoints default to Google's own (shared.core.settings); the local
# stack points them at local/fake_google.py.
ENV_IMPORT_KEY_ID = "IMPORT_KEY_ID"  # KMS key that seals the OAuth state and the access token
ENV_IMPORT_STATE_MACHINE_ARN = "IMPORT_STATE_MACHINE_ARN"
ENV_IMPORT_UNDO_STATE_MACHINE_ARN = "IMPORT_UNDO_STATE_MACHINE_ARN"
ENV_IMPORT_WRITE_UNITS_PER_SECOND = "IMPORT_WRITE_UNITS_PER_SECOND"
ENV_IMPORT_BLOCK_ROWS = "IMPORT_BLOCK_ROWS"
ENV_GOOGLE_CLIENT_ID = "GOOGLE_CLIENT_ID"
ENV_GOOGLE_CLIENT_SECRET_ARN = "GOOGLE_CLIENT_SECRET_ARN"
ENV_GOOGLE_AUTH_URI = "GOOGLE_AUTH_URI"
ENV_GOOGLE_TOKEN_URI = "GOOGLE_TOKEN_URI"
ENV_GOOGLE_SHEETS_URL = "GOOGLE_SHEETS_URL"
ENV_GOOGLE_RETRY_BASE_MS = "GOOGLE_RETRY_BASE_MS"
ENV_OAUTH_REDIRECT_URI = "OAUTH_REDIRECT_URI"
ENV_APP_LINK_SCHEME = "APP_LINK_SCHEME"

METRICS_NAMESPACE = "LeadCrm"
# Every function's environment, besides its service name and what its needs add. No pydantic
# plugins are used: without this, the first model built scans every installed distribution's
# entry points for them (≈ 8 ms of each cold start, measured by `make bench-cold`).
RUNTIME_ENVIRONMENT = {
    "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
    "POWERTOOLS_LOG_LEVEL": "INFO",
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
LOG_RETENTION_DAYS = 30  # every log group; the policy allows IP addresses in logs, bounded here
BACKUP_RETENTION_DAYS = 90  # "Deleted information may be kept in encrypted backups for up to 90 days"

# Account termination, backups and retention jobs.
ENV_TABLE_ARN = "TABLE_ARN"
ENV_BACKUPS_BUCKET = "BACKUPS_BUCKET"
ENV_DATA_KEY_ARN = "DATA_KEY_ARN"  # the customer-managed key backups are encrypted with
ENV_RECEIPT_KEY_ID = "RECEIPT_KEY_ID"  # HMAC key: deletion receipts hold a keyed hash, not the user id
ENV_ERASURE_STATE_MACHINE_ARN = "ERASURE_STATE_MACHINE_ARN"
# A deletion receipt outlives the last backup that could still hold the account, then expires.
RECEIPT_RETENTION_DAYS = BACKUP_RETENTION_DAYS + 30
# How far back the daily retention jobs look in the expiry index (missed days are caught up).
RETENTION_LOOKBACK_DAYS = 14


# --- DynamoDB ----------------------------------------------------------------------------------


class IndexSpec(NamedTuple):
    name: str
    partition_key: str
    sort_key: str
    projection: Literal["ALL", "KEYS_ONLY"] = "KEYS_ONLY"


class LocalIndexSpec(NamedTuple):
    """A local secondary index: the table's partition key with another sort key. Unlike a GSI it
    can be read strongly consistent, which delta sync needs; it can only be created with the table
    and it caps each partition's items (a user's data) at 10 GB."""

    name: str
    sort_key: str
    sort_key_type: Literal["N", "S"] = "N"
    projection: Literal["ALL", "KEYS_ONLY"] = "ALL"


class TableSpec(NamedTuple):
    local_name: str
    partition_key: str
    sort_key: str
    ttl_attribute: str
    pitr_recovery_days: int
    indexes: tuple[IndexSpec, ...] = ()
    local_indexes: tuple[LocalIndexSpec, ...] = ()


# Single table; its layout is written down in shared/core/layout.py, and each capability's key
# design and access patterns next to the repository that builds its keys.
TABLE = TableSpec(
    local_name="crm-data",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expires_at",
    pitr_recovery_days=35,
    indexes=(
        # Sparse expiry index: only items with something due (pending uploads, erasures, OAuth
        # states, import jobs) carry due_pk = DUE#<yyyy-mm-dd>, due_sk = <due time ISO>.
        IndexSpec(name="by_due", partition_key="due_pk", sort_key="due_sk"),
    ),
    # Delta sync (shared/sync/): a user's synced items and tombstones in the order of their last
    # change (``changed_ms``), strongly consistent. Sparse: only what carries a change stamp.
    local_indexes=(LocalIndexSpec(name="by_change", sort_key="changed_ms"),),
)


# --- S3 ----------------------------------------------------------------------------------------


class LifecycleRuleSpec(NamedTuple):
    id: str
    expiration_days: int | None = None
    noncurrent_expiration_days: int | None = None
    expired_object_delete_marker: bool = False
    abort_incomplete_multipart_days: int | None = None

    def to_s3(self) -> dict[str, object]:
        """The rule as S3's PutBucketLifecycleConfiguration (and GetBucket…) shape."""
        rule: dict[str, object] = {"ID": self.id, "Status": "Enabled", "Filter": {"Prefix": ""}}
        if self.expiration_days is not None:
            rule["Expiration"] = {"Days": self.expiration_days}
        if self.expired_object_delete_marker:
            rule["Expiration"] = {"ExpiredObjectDeleteMarker": True}
        if self.noncurrent_expiration_days is not None:
            rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": self.noncurrent_expiration_days}
        if self.abort_incomplete_multipart_days is not None:
            rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": self.abort_incomplete_multipart_days}
        return rule


class BucketSpec(NamedTuple):
    key: str  # stable logical name
    local_name: str
    versioned: bool
    kms_encrypted: bool
    lifecycle: tuple[LifecycleRuleSpec, ...] = ()


# Backups: current objects expire after 88 days and the noncurrent version a day later, so every
# byte is eligible for removal by day 89, leaving S3's asynchronous lifecycle processing a day of
# slack inside the policy's 90 days. Delete markers and abandoned multipart uploads go too.
BACKUPS_BUCKET = BucketSpec(
    key="backups",
    local_name="crm-backups",
    versioned=True,
    kms_encrypted=True,
    lifecycle=(
        LifecycleRuleSpec(
            id="expire-backups-within-90-days",
            expiration_days=BACKUP_RETENTION_DAYS - 2,
            noncurrent_expiration_days=1,
            abort_incomplete_multipart_days=1,
        ),
        LifecycleRuleSpec(id="remove-expired-delete-markers", expired_object_delete_marker=True),
    ),
)

# Uploads (invoices, PDFs, images): deletion removes every version explicitly; the lifecycle is
# the safety net that guarantees nothing a user deleted outlives a day.
UPLOADS_BUCKET = BucketSpec(
    key="uploads",
    local_name="crm-uploads",
    versioned=True,
    kms_encrypted=True,
    lifecycle=(
        LifecycleRuleSpec(
            id="purge-deleted-uploads",
            noncurrent_expiration_days=1,
            abort_incomplete_multipart_days=1,
        ),
        LifecycleRuleSpec(id="remove-expired-delete-markers", expired_object_delete_marker=True),
    ),
)

BUCKETS = (UPLOADS_BUCKET, BACKUPS_BUCKET)


# --- Cognito -----------------------------------------------------------------------------------


class CustomAttributeSpec(NamedTuple):
    name: str  # without the "custom:" prefix
    max_length: int


class UserPoolSpec(NamedTuple):
    local_name: str
    username_attributes: tuple[str, ...]
    auto_verified_attributes: tuple[str, ...]
    required_attributes: tuple[str, ...]
    custom_attributes: tuple[CustomAttributeSpec, ...]
    password_min_length: int
    password_needs_every_character_class: bool  # lower, upper, digit and symbol
    access_token_minutes: int
    id_token_minutes: int
    refresh_token_days: int
    auth_flows: tuple[str, ...] = ("ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH")
    # Multi-factor authentication: OPTIONAL lets each user turn it on; the second factors offered.
    mfa: Literal["OFF", "OPTIONAL", "ON"] = "OFF"
    mfa_second_factors: tuple[Literal["SOFTWARE_TOKEN_MFA", "SMS_MFA"], ...] = ()


# Contact information lives in Cognito only ("used for verifying, securing, and accessing your
# account"); the accepted policy version is recorded atomically with the account.
USER_POOL = UserPoolSpec(
    local_name="crm-users",
    username_attributes=("email",),
    auto_verified_attributes=("email",),
    required_attributes=("email", "name", "phone_number"),
    custom_attributes=(
        CustomAttributeSpec(name="policy_version", max_length=32),
        CustomAttributeSpec(name="policy_accepted_at", max_length=40),
    ),
    password_min_length=10,
    password_needs_every_character_class=True,
    access_token_minutes=60,
    id_token_minutes=60,
    refresh_token_days=30,
    # Optional TOTP (an authenticator app; /v1/me/mfa): no SMS, which costs per message and can be
    # intercepted by SIM swapping.
    mfa="OPTIONAL",
    mfa_second_factors=("SOFTWARE_TOKEN_MFA",),
)


# --- Lambda functions and HTTP API routes ------------------------------------------------------


class ThrottleSpec(NamedTuple):
    """API Gateway's token bucket for one route: ``burst`` tokens, refilled at ``rate_per_second``."""

    rate_per_second: float
    burst: int

    def scaled(self, factor: float) -> ThrottleSpec:
        return ThrottleSpec(self.rate_per_second * factor, max(1, round(self.burst * factor)))


# Capacity limits, sized in docs/usage-profile.md (1,000,000 monthly users). In an HTTP API, a
# stage's default route settings apply to EACH route separately (one bucket per route, shared by
# all callers): the busiest authenticated route's peak (~1,100 req/s) with headroom, under the
# account's 10,000 req/s. Authenticated routes get the stage default.
STAGE_THROTTLE = ThrottleSpec(rate_per_second=2000, burst=1000)
# Public routes (no JWT: sign-up, login, token refresh, OAuth callbacks, receipts, health) are
# where credential stuffing and sign-up floods arrive, so each gets a tighter bucket of its own
# (token refresh, the busiest, peaks at ~280 req/s).
PUBLIC_ROUTE_THROTTLE = ThrottleSpec(rate_per_second=500, burst=250)
# Per client, so one client cannot empty the shared buckets above: one signed-in app (its bearer
# token) on any route, one source IP on a public route. Production: the web ACL's rate-based
# rules (infra.edge: rate x its 300 s window); locally: local.throttle, per user or IP.
CLIENT_THROTTLE = ThrottleSpec(rate_per_second=5, burst=100)
PUBLIC_CLIENT_THROTTLE = ThrottleSpec(rate_per_second=1, burst=20)


# Only access tokens call the API. API Gateway's JWT authorizer cannot tell an ID token from an
# access token by itself; a route's authorization scopes can: Cognito's access tokens (from
# USER_PASSWORD_AUTH and refresh) carry this scope, its ID tokens no scope at all.
ACCESS_TOKEN_SCOPE = "aws.cognito.signin.user.admin"


class RouteSpec(NamedTuple):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # HTTP API syntax: /v1/leads/{lead_id}
    public: bool = False  # public routes skip the JWT authorizer

    @property
    def route_key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def authorization_scopes(self) -> tuple[str, ...]:
        """What the authorizer requires of a token's ``scope`` claim (any one of them)."""
        return () if self.public else (ACCESS_TOKEN_SCOPE,)

    @property
    def throttle(self) -> ThrottleSpec:
        """Derived from ``public``, so a new public route is throttled tightly without a second edit."""
        return PUBLIC_ROUTE_THROTTLE if self.public else STAGE_THROTTLE

    @property
    def client_throttle(self) -> ThrottleSpec:
        """One client's bucket on this route (per token or IP), tighter on public routes."""
        return PUBLIC_CLIENT_THROTTLE if self.public else CLIENT_THROTTLE

    @property
    def powertools_path(self) -> str:
        """The same path in Powertools' router syntax (``<lead_id>``)."""
        return self.path.replace("{", "<").replace("}", ">")


# What a function may touch; infra/functions.py turns each into least-privilege IAM statements.
# table, uploads: data stores. user_pool: read and update a profile; user_pool_read: read one (the
# import's consent page shows the receiving account's masked email); user_pool_revoke: disable a
# user and revoke their refresh tokens (account termination); user_pool_erase: delete a user and
# read back that it is gone (the erasure task). import_key: seal/open with the import KMS key (only
# under the import's encryption context); import_workflow: start the import state machine;
# import_undo_workflow: start the import undo state machine; google_client: the OAuth client id;
# google_secret: read the OAuth client secret.
# receipt_key: GenerateMac with the receipts' HMAC key; erasure_workflow: start the erasure state
# machine; backups: export the table to the backups bucket.
Need = Literal[
    "table",
    "uploads",
    "user_pool",
    "user_pool_read",
    "user_pool_revoke",
    "user_pool_erase",
    "import_key",
    "import_workflow",
    "import_undo_workflow",
    "google_client",
    "google_secret",
    "receipt_key",
    "erasure_workflow",
    "backups",
]


# The environment variables each need puts into a function's configuration: infra sets exactly
# these, and the function's settings require them at cold start (shared/core/settings.py), so a
# function deployed without one fails its init naming the variable, never a request later.
NEED_ENVIRONMENT: dict[Need, tuple[str, ...]] = {
    "table": (ENV_TABLE_NAME,),
    "uploads": (ENV_UPLOADS_BUCKET,),
    "user_pool": (ENV_USER_POOL_ID, ENV_USER_POOL_CLIENT_ID),
    "user_pool_read": (ENV_USER_POOL_ID,),
    "user_pool_revoke": (ENV_USER_POOL_ID,),
    "user_pool_erase": (ENV_USER_POOL_ID,),
    "import_key": (ENV_IMPORT_KEY_ID,),
    "import_workflow": (ENV_IMPORT_STATE_MACHINE_ARN,),
    "import_undo_workflow": (ENV_IMPORT_UNDO_STATE_MACHINE_ARN,),
    "google_client": (ENV_GOOGLE_CLIENT_ID, ENV_OAUTH_REDIRECT_URI),
    "google_secret": (ENV_GOOGLE_CLIENT_SECRET_ARN,),
    "receipt_key": (ENV_RECEIPT_KEY_ID,),
    "erasure_workflow": (ENV_ERASURE_STATE_MACHINE_ARN,),
    "backups": (ENV_TABLE_ARN, ENV_BACKUPS_BUCKET, ENV_DATA_KEY_ARN),
}


class FunctionSpec(NamedTuple):
    name: str  # logical name; also the local Lambda function name
    module: str  # module exposing ``handler(event, context)`` (and ``router`` for API functions)
    description: str
    memory_mb: int = 512
    timeout_s: int = 10
    routes: tuple[RouteSpec, ...] = ()
    needs: tuple[Need, ...] = ()
    # Lambda SnapStart (SNAPSTART_FUNCTIONS below): on unless a function says why not, so a new
    # function gets it (and its priming, which tests/unit/test_priming.py then requires).
    snap_start: bool = True

    @property
    def handler(self) -> str:
        return f"{self.module}.handler"


ACCOUNTS_FUNCTION = FunctionSpec(
    name="accounts",
    module="functions.accounts",
    description="Registration, login (with optional TOTP MFA), token refresh and the caller's own profile",
    routes=(
        RouteSpec("POST", "/v1/auth/register", public=True),
        RouteSpec("POST", "/v1/auth/confirm", public=True),
        RouteSpec("POST", "/v1/auth/login", public=True),
        RouteSpec("POST", "/v1/auth/login/mfa", public=True),
        RouteSpec("POST", "/v1/auth/refresh", public=True),
        RouteSpec("GET", "/v1/me"),
        RouteSpec("PATCH", "/v1/me"),
        RouteSpec("DELETE", "/v1/me"),
        RouteSpec("POST", "/v1/me/mfa/totp"),
        RouteSpec("POST", "/v1/me/mfa/totp/verify"),
        RouteSpec("DELETE", "/v1/me/mfa"),
        RouteSpec("GET", "/v1/deletions/{deletion_id}", public=True),
    ),
    needs=("user_pool", "user_pool_revoke", "table", "receipt_key", "erasure_workflow"),
)

LEADS_FUNCTION = FunctionSpec(
    name="leads",
    module="functions.leads",
    description="Leads of the caller: create, list, read, update, delete (with activities and files)",
    timeout_s=29,  # a delete cascades through the lead's activities and files
    routes=(
        RouteSpec("POST", "/v1/leads"),
        RouteSpec("GET", "/v1/leads"),
        RouteSpec("GET", "/v1/leads/{lead_id}"),
        RouteSpec("PATCH", "/v1/leads/{lead_id}"),
        RouteSpec("DELETE", "/v1/leads/{lead_id}"),
    ),
    needs=("table", "uploads"),
)

ACTIVITIES_FUNCTION = FunctionSpec(
    name="activities",
    module="functions.activities",
    description="Activities on leads: manual, check-ins with location, and from call/SMS logs",
    timeout_s=20,  # a log sync of 500 entries looks up each distinct number
    routes=(
        RouteSpec("POST", "/v1/leads/{lead_id}/activities"),
        RouteSpec("GET", "/v1/leads/{lead_id}/activities"),
        RouteSpec("DELETE", "/v1/activities/{activity_id}"),
        RouteSpec("POST", "/v1/leads/{lead_id}/check-ins"),
        RouteSpec("POST", "/v1/device-logs/sync"),
        # Privacy Center: delete one kind of data without closing the account.
        RouteSpec("DELETE", "/v1/me/locations"),
        RouteSpec("DELETE", "/v1/me/activities"),
    ),
    needs=("table",),
)

FILES_FUNCTION = FunctionSpec(
    name="files",
    module="functions.files",
    description="Files on leads: presigned upload, server-side verification, download, delete",
    routes=(
        RouteSpec("POST", "/v1/leads/{lead_id}/files"),
        RouteSpec("GET", "/v1/leads/{lead_id}/files"),
        RouteSpec("POST", "/v1/files/{file_id}/complete"),
        RouteSpec("GET", "/v1/files/{file_id}"),
        RouteSpec("DELETE", "/v1/files/{file_id}"),
    ),
    needs=("table", "uploads"),
)

PREFERENCES_FUNCTION = FunctionSpec(
    name="preferences",
    module="functions.preferences",
    description="Synced preferences (feature switches) and the caller's devices",
    routes=(
        RouteSpec("GET", "/v1/me/preferences"),
        RouteSpec("PUT", "/v1/me/preferences"),
        RouteSpec("PATCH", "/v1/me/preferences"),
        RouteSpec("POST", "/v1/devices"),
        RouteSpec("GET", "/v1/devices"),
        RouteSpec("DELETE", "/v1/devices/{device_id}"),
    ),
    needs=("table",),
)

EXPORT_FUNCTION = FunctionSpec(
    name="export",
    module="functions.export",
    description="Everything held about the caller: the export as pages of JSON, and its inventory by kind",
    memory_mb=1024,
    timeout_s=29,
    routes=(RouteSpec("GET", "/v1/me/export"), RouteSpec("GET", "/v1/me/inventory")),
    # The profile only: AdminGetUser (user_pool_read), not the account adapter's updates.
    needs=("table", "uploads", "user_pool_read"),
)

SYNC_FUNCTION = FunctionSpec(
    name="sync",
    module="functions.sync",
    description="Delta sync: the caller's changes since a checkpoint, as created, updated and deleted",
    memory_mb=1024,
    timeout_s=29,
    routes=(RouteSpec("GET", "/v1/sync"),),
    needs=("table",),
)

HEALTH_FUNCTION = FunctionSpec(
    name="health",
    module="functions.health",
    description="Liveness probe; touches no data",
    memory_mb=256,
    timeout_s=3,
    routes=(RouteSpec("GET", "/v1/health", public=True),),
)

# The Privacy Center's page and its script and style (shared/privacy_center/): public, served from
# the API itself so that the page and the API it calls share one origin (CSP connect-src 'self').
PRIVACY_CENTER_FUNCTION = FunctionSpec(
    name="privacy_center",
    module="functions.privacy_center",
    description="The Privacy Center web page and its assets; touches no data",
    memory_mb=256,
    timeout_s=3,
    routes=(
        RouteSpec("GET", "/privacy", public=True),
        RouteSpec("GET", "/privacy/{file}", public=True),
    ),
)

# --- account termination, backups and retention (no routes: workflow tasks and scheduled jobs) --

ERASURE_FUNCTION = FunctionSpec(
    name="erasure",
    module="functions.erasure",
    description="Erasure workflow task: every item, object version and the Cognito user of one account",
    memory_mb=1024,
    timeout_s=900,
    needs=("table", "uploads", "user_pool_erase"),
    snap_start=False,  # one run per account deletion, minutes long: a restore saves nothing felt
)

RETENTION_FUNCTION = FunctionSpec(
    name="retention",
    module="functions.retention",
    description="Daily: restart stuck erasures, delete uploads never completed within 24 hours",
    timeout_s=300,
    needs=("table", "uploads", "erasure_workflow"),
    snap_start=False,  # daily: a snapshot cached all month for one run a day
)

BACKUP_FUNCTION = FunctionSpec(
    name="backup",
    module="functions.backup",
    description="Daily: export the table to the encrypted backups bucket (expires within 90 days)",
    timeout_s=60,
    needs=("backups",),
    snap_start=False,  # daily: a snapshot cached all month for one run a day
)

# --- Google Sheets import --------------------------------------------------------------------
# API (start, status) → OAuth callback (public) → Step Functions: prepare → chunk… → finalize.
# The workflow definition (ASL) is shared.imports.workflow.definition(), used by CDK and local.

IMPORTS_FUNCTION = FunctionSpec(
    name="imports",
    module="functions.imports",
    description="Google Sheets imports of the caller: start (authorization URL), list, status, undo",
    routes=(
        RouteSpec("POST", "/v1/imports/google-sheets"),
        RouteSpec("GET", "/v1/imports"),
        RouteSpec("GET", "/v1/imports/{import_id}"),
        RouteSpec("DELETE", "/v1/imports/{import_id}"),
    ),
    needs=("table", "import_key", "google_client", "user_pool_read", "import_undo_workflow"),
)

GOOGLE_OAUTH_FUNCTION = FunctionSpec(
    name="google_oauth",
    module="functions.google_oauth",
    description="Import consent page, and Google's OAuth redirect: spends the code, seals the token, starts the import",
    timeout_s=15,
    routes=(
        RouteSpec("GET", "/v1/oauth/google/consent", public=True),
        RouteSpec("POST", "/v1/oauth/google/consent", public=True),
        RouteSpec("GET", "/v1/oauth/google/callback", public=True),
    ),
    needs=("table", "import_key", "google_client", "google_secret", "import_workflow"),
)

IMPORT_PREPARE_FUNCTION = FunctionSpec(
    name="import_prepare",
    module="functions.import_prepare",
    description="Import workflow: read the sheet's size and header row, resolve the column mapping",
    timeout_s=30,
    needs=("table", "import_key"),
)

IMPORT_CHUNK_FUNCTION = FunctionSpec(
    name="import_chunk",
    module="functions.import_chunk",
    description="Import workflow: one block of rows from the Sheets API into leads",
    memory_mb=1024,  # CPU, not memory: Lambda's vCPU share grows with memory; a block needs ~12 MiB
    timeout_s=120,
    needs=("table", "import_key"),
)

IMPORT_FINALIZE_FUNCTION = FunctionSpec(
    name="import_finalize",
    module="functions.import_finalize",
    description="Import workflow: delete the sealed token, record the outcome",
    timeout_s=15,
    needs=("table",),
)


IMPORT_UNDO_FUNCTION = FunctionSpec(
    name="import_undo",
    module="functions.import_undo",
    description="Import undo workflow: remove an import's unchanged leads with their children, page by page",
    memory_mb=1024,
    timeout_s=120,
    needs=("table", "uploads"),
    snap_start=False,  # a user takes an import back rarely, in minutes-long runs: a restore saves nothing felt
)


class WorkflowSpec(NamedTuple):
    name: str  # state machine name (locally); CDK prefixes it with the stack name
    description: str
    timeout_s: int  # whole execution
    rows_per_chunk: int = 0  # the import's default block size; ENV_IMPORT_BLOCK_ROWS overrides it
    # Execution logs record which state ran and how it ended, never its input or output.
    log_level: Literal["ALL", "ERROR", "FATAL", "OFF"] = "ALL"
    include_execution_data: bool = False
    tracing: bool = True


IMPORT_WORKFLOW = WorkflowSpec(
    name="sheets-import",
    description="Google Sheets import: rows to leads in bounded chunks; keeps nothing else",
    timeout_s=2 * 3600,
    # 2,000 rows: a block's requests and items stay within ~15 MiB of memory (5,000 took ~41 MiB:
    # docs/benchmarks.md); 1,000,000 rows are 500 chunks, ~3,500 history events of the 25,000.
    rows_per_chunk=2000,
)

# Undo removes ~125 leads/s at the ~1,000 write units/s one user's partition takes (8 units a
# lead: a transaction of lead, tombstone and two contact items): 1,000,000 leads in ~2.2 hours.
IMPORT_UNDO_WORKFLOW = WorkflowSpec(
    name="sheets-import-undo",
    description="Undo of a Google Sheets import: its unchanged leads removed page by page",
    timeout_s=6 * 3600,
)

# An import's write pace: 60% of the ~1,000 write units a second one partition key takes, so the
# user's own writes keep the rest while a big import runs.
IMPORT_WRITE_UNITS_PER_SECOND = 600

# The sealed Google access token lives at most this long (the policy: "discarded after each
# insertion"; the item is deleted when the import ends, TTL is the backstop).
IMPORT_TOKEN_MAX_SECONDS = 3600
# An authorization that is not completed within this time is refused (TTL + explicit age check).
OAUTH_STATE_MAX_SECONDS = 600

FUNCTIONS: tuple[FunctionSpec, ...] = (
    ACCOUNTS_FUNCTION,
    LEADS_FUNCTION,
    HEALTH_FUNCTION,
    ACTIVITIES_FUNCTION,
    FILES_FUNCTION,
    PREFERENCES_FUNCTION,
    EXPORT_FUNCTION,
    SYNC_FUNCTION,
    PRIVACY_CENTER_FUNCTION,
    ERASURE_FUNCTION,
    RETENTION_FUNCTION,
    BACKUP_FUNCTION,
    # Google Sheets import
    IMPORTS_FUNCTION,
    GOOGLE_OAUTH_FUNCTION,
    IMPORT_PREPARE_FUNCTION,
    IMPORT_CHUNK_FUNCTION,
    IMPORT_FINALIZE_FUNCTION,
    IMPORT_UNDO_FUNCTION,
)
API_FUNCTIONS = tuple(f for f in FUNCTIONS if f.routes)

# Lambda SnapStart (docs/deploy.md#snapstart): these functions run init (and their priming hooks,
# shared/core/priming.py) once per published version, and every new execution environment resumes
# from that snapshot. Every function unless its spec opts out (FunctionSpec.snap_start): every API
# function (a person waits) and every workflow step (many chunk invocations); not the daily jobs
# nor the erasure task. infra/functions.py and the workflows read this list, not names.
SNAPSTART_FUNCTIONS: tuple[FunctionSpec, ...] = tuple(f for f in FUNCTIONS if f.snap_start)
# The alias the API integrations and the import workflow invoke: always the newest published
# version, so SnapStart applies (it never does to $LATEST).
SNAPSTART_ALIAS = "live"


def all_routes() -> list[tuple[FunctionSpec, RouteSpec]]:
    return [(function, route) for function in API_FUNCTIONS for route in function.routes]
