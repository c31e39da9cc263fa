"""`make run`'s Google: the fake unless the environment names another, as a whole, with the
client secret kept out of the functions' environment and out of every formatted form."""

from __future__ import annotations

import pytest

from local.fake_google import FakeGoogle
from local.google_settings import CLIENT_SECRET_ENV, GoogleSettings, IncompleteGoogleSettings
from shared import resources as spec

SECRET = "GOCSPX-not-a-real-secret-0123456789"


def test_no_google_settings_means_the_fake() -> None:
    assert GoogleSettings.from_environment({"PATH": "/bin"}) is None
    assert GoogleSettings.from_environment({spec.ENV_GOOGLE_CLIENT_ID: ""}) is None  # empty is unset


def test_client_id_and_secret_alone_mean_googles_own_endpoints() -> None:
    google = GoogleSettings.from_environment({spec.ENV_GOOGLE_CLIENT_ID: "id-1", CLIENT_SECRET_ENV: SECRET})
    assert google is not None
    assert google.client_id == "id-1"
    assert google.client_secret.reveal() == SECRET
    environment = google.environment()
    assert environment[spec.ENV_GOOGLE_CLIENT_ID] == "id-1"
    # None removes the variable: shared.core.settings then uses Google's own endpoints.
    for name in (spec.ENV_GOOGLE_AUTH_URI, spec.ENV_GOOGLE_TOKEN_URI, spec.ENV_GOOGLE_SHEETS_URL):
        assert environment[name] is None
    assert spec.ENV_GOOGLE_RETRY_BASE_MS not in environment  # the environment's, or the code's default


def test_given_endpoints_are_passed_on_and_the_secret_is_not() -> None:
    google = GoogleSettings.from_environment(
        {
            spec.ENV_GOOGLE_CLIENT_ID: "id-2",
            CLIENT_SECRET_ENV: SECRET,
            spec.ENV_GOOGLE_AUTH_URI: "https://auth.example.test/o/oauth2/auth",
            spec.ENV_GOOGLE_TOKEN_URI: "https://auth.example.test/token",
            spec.ENV_GOOGLE_SHEETS_URL: "https://sheets.example.test",
        }
    )
    assert google is not None
    environment = google.environment()
    assert environment[spec.ENV_GOOGLE_AUTH_URI] == "https://auth.example.test/o/oauth2/auth"
    assert environment[spec.ENV_GOOGLE_TOKEN_URI] == "https://auth.example.test/token"
    assert environment[spec.ENV_GOOGLE_SHEETS_URL] == "https://sheets.example.test"
    assert environment[CLIENT_SECRET_ENV] is None  # read from Secrets Manager, as in AWS
    assert SECRET not in repr(google) + str(google) + f"{google}" + repr(environment)


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({spec.ENV_GOOGLE_CLIENT_ID: "id-3"}, CLIENT_SECRET_ENV),
        ({CLIENT_SECRET_ENV: SECRET}, spec.ENV_GOOGLE_CLIENT_ID),
        ({spec.ENV_GOOGLE_SHEETS_URL: "https://sheets.example.test"}, spec.ENV_GOOGLE_CLIENT_ID),
    ],
)
def test_half_the_settings_is_refused_by_name_without_values(given: dict[str, str], missing: str) -> None:
    with pytest.raises(IncompleteGoogleSettings, match=f"^{missing} is not set") as refused:
        GoogleSettings.from_environment(given)
    assert SECRET not in str(refused.value)


def test_the_fake_uses_its_own_credentials_and_a_short_backoff() -> None:
    google = GoogleSettings.of_fake("http://127.0.0.1:9999")
    assert google.client_id == FakeGoogle.client_id
    assert google.client_secret.reveal() == FakeGoogle.client_secret
    environment = google.environment()
    assert environment[spec.ENV_GOOGLE_AUTH_URI] == "http://127.0.0.1:9999/o/oauth2/auth"
    assert environment[spec.ENV_GOOGLE_TOKEN_URI] == "http://127.0.0.1:9999/token"
    assert environment[spec.ENV_GOOGLE_SHEETS_URL] == "http://127.0.0.1:9999"
    assert environment[spec.ENV_GOOGLE_RETRY_BASE_MS] == "20"
