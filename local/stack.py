"""The whole backend on one machine: moto as AWS (one request at a time: local/moto_server.py), the
Lambda edge, the S3 front, the HTTP API gateway.

This module is the process side: starting and stopping the servers, and setting (then restoring)
the environment through which handlers find everything — ordinary boto3 configuration
(``AWS_ENDPOINT_URL`` and friends), so no code outside ``local/`` knows it is not in AWS. What
is created in moto, from ``shared.resources`` only, is local/provision.py's.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from moto.core.config import default_user_config

from local import emulator_logs
from local.context import FunctionRegistry
from local.fake_google import DEMO_ROWS, DEMO_SPREADSHEET_ID, FakeGoogle
from local.gateway import Gateway
from local.google_settings import GoogleSettings
from local.http_api import HandlerResolver
from local.lambda_edge import LambdaEdge
from local.moto_cognito import refuse_refresh_of_gone_users
from local.moto_server import SerializedMotoServer
from local.provision import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, MotoResources
from local.s3_front import S3Front
from local.throttle import THROTTLE_ENV, Throttle
from shared import resources as spec
from shared.core import aws
from shared.core.settings import load_settings

LOG = logging.getLogger("local_aws.stack")

DEFAULT_PHONE_REGION = "IN"
OAUTH_CALLBACK_PATH = "/v1/oauth/google/callback"

_RUNNING_LOCK = threading.Lock()
_running: LocalStack | None = None


def _http_json(method: str, url: str, payload: Mapping[str, Any] | None = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own URL
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        body = response.read()
    return json.loads(body) if body else None


def _no_proxy(current: str | None) -> str:
    hosts = [h for h in (current or "").split(",") if h.strip()]
    return ",".join(dict.fromkeys([*hosts, "127.0.0.1", "localhost"]))


class LocalStack:
    """moto + Lambda edge + S3 front + gateway (+ the fake Google), with every spec resource created.

    A context manager. moto keeps its state in module-level backends, so one process holds one
    stack at a time: ``start()`` refuses a second, and ``stop()`` resets moto so the next stack
    starts empty.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        *,
        registry: FunctionRegistry | None = None,
        resolver: HandlerResolver | None = None,
        throttle: str | None = None,
        google: GoogleSettings | None = None,
    ) -> None:
        """``throttle``: the gateway's route limits (see ``Throttle.from_setting``); by default
        the ``LOCAL_THROTTLE`` environment variable, else the spec's limits x100.
        ``google``: the Google to use instead of the fake one (``GoogleSettings.from_environment``)."""
        self.throttle = Throttle.from_setting(throttle if throttle is not None else os.environ.get(THROTTLE_ENV))
        self.host = host
        self.port = port
        self.region = region
        self.registry = registry if registry is not None else FunctionRegistry()
        self._resolver = resolver
        self._google_settings = google
        self._moto: SerializedMotoServer | None = None
        self.moto_url = ""
        self.resources: MotoResources | None = None
        self.edge: LambdaEdge | None = None
        self.s3_front: S3Front | None = None
        self.gateway: Gateway | None = None
        self.google: FakeGoogle | None = None
        """The fake Google, when no other Google was given."""
        self._saved_env: dict[str, str | None] = {}
        self._saved_sfn_config: dict[str, Any] | None = None
        self._saved_logging: emulator_logs.Saved = {}
        self.startup_seconds = 0.0

    # --- URLs ---------------------------------------------------------------------------------

    @property
    def gateway_url(self) -> str:
        if self.gateway is None:
            raise RuntimeError("stack not started")
        return self.gateway.url

    @property
    def edge_url(self) -> str:
        if self.edge is None:
            raise RuntimeError("stack not started")
        return self.edge.url

    @property
    def s3_url(self) -> str:
        """Where the functions' S3 client, and so every presigned form and link, points."""
        if self.s3_front is None:
            raise RuntimeError("stack not started")
        return self.s3_front.url

    @property
    def google_url(self) -> str:
        if self.google is None:
            raise RuntimeError("no fake Google: stack not started, or Google settings came from the environment")
        return self.google.url

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def jwks_url(self) -> str:
        return f"{self.moto_url}/{self.user_pool_id}/.well-known/jwks.json"

    # --- what was created in moto (local/provision.py) -----------------------------------------

    def _created(self) -> MotoResources:
        if self.resources is None:
            raise RuntimeError("stack not started")
        return self.resources

    def client(self, service: str) -> Any:
        """A boto3 client for this stack's moto."""
        return self._created().client(service)

    def describe(self) -> dict[str, Any]:
        """What moto holds for every spec resource, read back through the AWS APIs."""
        return self._created().describe()

    def create_table_like_spec(self, name: str) -> None:
        """Another table built like the spec's (a restore drill's target, a sized test table)."""
        self._created().create_table_like_spec(name)

    @property
    def table_name(self) -> str:
        return self._created().table_name

    @property
    def bucket_names(self) -> dict[str, str]:
        return self._created().bucket_names

    @property
    def user_pool_id(self) -> str:
        return self._created().user_pool_id

    @property
    def client_id(self) -> str:
        return self._created().client_id

    @property
    def kms_key_id(self) -> str:
        return self._created().kms_key_id

    @property
    def kms_key_arn(self) -> str:
        return self._created().kms_key_arn

    @property
    def import_key_id(self) -> str:
        return self._created().import_key_id

    @property
    def google_secret_arn(self) -> str:
        return self._created().google_secret_arn

    @property
    def import_state_machine_arn(self) -> str:
        return self._created().import_state_machine_arn

    @property
    def import_undo_state_machine_arn(self) -> str:
        return self._created().import_undo_state_machine_arn

    @property
    def erasure_state_machine_arn(self) -> str:
        return self._created().erasure_state_machine_arn

    # --- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> LocalStack:
        global _running
        with _RUNNING_LOCK:
            if _running is not None:
                raise RuntimeError("a LocalStack is already running in this process")
            _running = self
        started = time.perf_counter()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.perf_counter() - started
        return self

    def _start(self) -> None:
        self._saved_logging = emulator_logs.withhold()
        refuse_refresh_of_gone_users()
        self._moto = SerializedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._moto.start()
        moto_host, moto_port = self._moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"

        self._saved_sfn_config = dict(default_user_config.get("stepfunctions", {}))
        _http_json(
            "POST",
            f"{self.moto_url}/moto-api/config",
            {"stepfunctions": {"execute_state_machine": True}},
        )

        self.edge = LambdaEdge(self.moto_url, self.registry, host="127.0.0.1", region=self.region)
        self.edge.start()
        self.s3_front = S3Front(self.moto_url, {DUMMY_ACCESS_KEY: DUMMY_SECRET_KEY}, region=self.region)
        self.s3_front.start()
        google = self._google_settings
        if google is None:
            self.google = FakeGoogle(host="127.0.0.1")
            self.google.load_sheet(DEMO_SPREADSHEET_ID, DEMO_ROWS, title="Leads")
            self.google.start()
            google = GoogleSettings.of_fake(self.google.url)
        self._set_env({**self._process_env(), **google.environment()})
        self.resources = MotoResources(self.moto_url, self.region)
        self.resources.create(google_client_secret=google.client_secret)
        self._set_env(self.resources.environment())

        self.gateway = Gateway(
            jwks_url=self.jwks_url,
            issuer=self.issuer,
            client_ids=[self.client_id],
            region=self.region,
            host=self.host,
            port=self.port,
            registry=self.registry,
            resolver=self._resolver,
            throttle=self.throttle,
        )
        # Google redirects the browser to the gateway's public callback route.
        self._set_env({spec.ENV_OAUTH_REDIRECT_URI: f"{self.gateway.url}{OAUTH_CALLBACK_PATH}"})
        # The process now has a deployed function's environment: settings and clients read it
        # afresh, as a new execution environment would (a module imported earlier saw another).
        load_settings()
        aws.reset_clients()
        self.gateway.start()

    def stop(self) -> None:
        """Stop servers (threads joined, ports closed), reset moto, restore the environment."""
        global _running
        for server in (self.gateway, self.edge, self.s3_front, self.google):
            if server is not None:
                server.stop()
        self.gateway = self.edge = None
        self.s3_front = None
        self.google = None
        if self._moto is not None:
            try:
                _http_json("POST", f"{self.moto_url}/moto-api/reset")
            except OSError as error:  # stopping must finish; the next start() would notice
                LOG.warning("moto reset failed: %s", type(error).__name__)
            if self._saved_sfn_config is not None:
                default_user_config["stepfunctions"] = self._saved_sfn_config  # type: ignore[typeddict-item]
            self._moto.stop()
            server = getattr(self._moto, "_server", None)
            if server is not None:
                server.server_close()  # ThreadedMotoServer.stop() leaves the socket open
            self._moto = None
        emulator_logs.restore(self._saved_logging)
        self._saved_logging = {}
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env = {}
        with _RUNNING_LOCK:
            if _running is self:
                _running = None

    # --- environment --------------------------------------------------------------------------

    def _set_env(self, values: Mapping[str, str | None]) -> None:
        for name, value in values.items():
            if name not in self._saved_env:
                self._saved_env[name] = os.environ.get(name)
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def environment_before_start(self) -> dict[str, str]:
        """This process's environment without what the stack set: what a child process that
        starts a stack of its own (``python -m local``) should inherit, e.g. not the fake
        Google's settings, which it would take for settings given to it."""
        environment = dict(os.environ)
        for name, value in self._saved_env.items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        return environment

    def _process_env(self) -> dict[str, str | None]:
        """Where AWS is and how this process logs; the resources' names come later."""
        assert self.edge is not None
        assert self.s3_front is not None
        return {
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ENDPOINT_URL_LAMBDA": self.edge.url,
            # S3 goes through the front, which checks presigned and anonymous requests as S3 does
            # and relays the rest to moto: forms and links are signed for it, so clients use it.
            "AWS_ENDPOINT_URL_S3": self.s3_front.url,
            # moto's Step Functions interpreter calls http://localhost:{MOTO_PORT} for every
            # service; the edge answers Lambda Invoke itself and relays the rest to moto.
            "MOTO_PORT": str(self.edge.port),
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_KEY,
            "AWS_SESSION_TOKEN": None,
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            # Everything here is on loopback; a developer's HTTP(S)_PROXY must not capture it.
            "NO_PROXY": _no_proxy(os.environ.get("NO_PROXY")),
            "no_proxy": _no_proxy(os.environ.get("no_proxy")),
            "POWERTOOLS_SERVICE_NAME": "local",
            # Each Powertools Logger adds a filter to the root handlers that drops every record
            # whose logger name CONTAINS the service name: "local" hid the gateway's own lines
            # ("local_aws.gateway …") once a function was loaded. There is nothing for it to
            # deduplicate: the functions' loggers never propagate to root (shared.privacy.logging).
            "POWERTOOLS_LOG_DEDUPLICATION_DISABLED": "true",
            "POWERTOOLS_METRICS_NAMESPACE": spec.METRICS_NAMESPACE,
            spec.ENV_DEFAULT_PHONE_REGION: DEFAULT_PHONE_REGION,
            # The fake Google is plain http, which oauthlib refuses unless told: set here (local
            # and test processes) only, never in any Lambda configuration.
            "OAUTHLIB_INSECURE_TRANSPORT": "1",
            # moto accepts any TOTP code unless told to check them (then against one fixed secret
            # for every user): a wrong code must fail here as it does in AWS.
            "MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP": "true",
        }

    def client_env(self) -> dict[str, str]:
        """What an operator command needs to reach this stack (written to .build/local.env by
        ``make run``): the AWS endpoint and the resource names, as a deployment's env would."""
        aws = {
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_S3",
            "AWS_DEFAULT_REGION",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        }
        process = {k: v for k, v in self._process_env().items() if k in aws and v is not None}
        return {**process, **self._created().environment()}


def running() -> LocalStack | None:
    """The stack started in this process, if any."""
    return _running
