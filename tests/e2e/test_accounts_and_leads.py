"""Over real HTTP against the local stack: what a mobile client does, start to finish."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.support import Api, TestUser, new_identity, new_lead_body, register_tokens

pytestmark = pytest.mark.e2e


def _error_code(response) -> str:  # type: ignore[no-untyped-def]
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"])
    return str(body["error"]["code"])


def test_register_confirm_login_manage_leads_refresh_and_refuse_without_token(api: Api) -> None:
    identity = new_identity()
    registered = api.post("/v1/auth/register", json=identity)
    assert registered.status_code == 201
    assert registered.json()["confirmation_required"] is True
    user_id = registered.json()["user_id"]

    assert api.post("/v1/auth/confirm", json={"email": identity["email"], "code": "000000"}).status_code == 200
    login = api.post("/v1/auth/login", json={"email": identity["email"], "password": identity["password"]})
    assert login.status_code == 200
    tokens = login.json()
    register_tokens(tokens)
    assert tokens["token_type"] == "Bearer"
    me_api = api.as_user(tokens["access_token"])

    me = me_api.get("/v1/me").json()
    assert me["user_id"] == user_id
    assert (me["name"], me["email"], me["phone"]) == (identity["name"], identity["email"], identity["phone"])
    assert me["policy_version"] == identity["policy_version"]
    assert me["policy_accepted_at"] is not None

    body = new_lead_body()
    created = me_api.post("/v1/leads", json=body)
    assert created.status_code == 201
    lead = created.json()
    assert (lead["name"], lead["phone"], lead["source"]) == (body["name"], body["phone"], "phonebook")

    listed = me_api.get("/v1/leads").json()
    assert [item["lead_id"] for item in listed["items"]] == [lead["lead_id"]]
    assert me_api.get(f"/v1/leads/{lead['lead_id']}").json() == lead

    patched = me_api.patch(f"/v1/leads/{lead['lead_id']}", json={"company": "Globex", "notes": None})
    assert patched.status_code == 200
    assert patched.json()["company"] == "Globex"
    assert me_api.get(f"/v1/leads/{lead['lead_id']}").json()["company"] == "Globex"

    assert me_api.delete(f"/v1/leads/{lead['lead_id']}").status_code == 204
    assert me_api.get(f"/v1/leads/{lead['lead_id']}").status_code == 404
    assert me_api.delete(f"/v1/leads/{lead['lead_id']}").status_code == 404

    refreshed = api.post("/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    new_tokens = refreshed.json()
    register_tokens(new_tokens)
    assert api.as_user(new_tokens["access_token"]).get("/v1/me").status_code == 200
    # Only access tokens call the API: an ID token is refused as API Gateway refuses it.
    refused = api.as_user(new_tokens["id_token"]).get("/v1/me")
    assert (refused.status_code, refused.json()) == (403, {"message": "Forbidden"})

    assert api.get("/v1/me").status_code == 401
    assert api.get("/v1/leads").status_code == 401
    assert api.as_user("not-a-jwt").get("/v1/leads").status_code == 401


def test_registering_a_taken_email_answers_like_a_new_account_and_changes_nothing(  # type: ignore[no-untyped-def]
    api: Api, user: TestUser, local_stack
) -> None:
    """No account enumeration through sign-up: a taken email gets the answer a new one gets (201,
    a fresh random user id, confirmation required); the owner's account is untouched and nothing
    is written for the id answered."""
    fresh = api.post("/v1/auth/register", json=new_identity())
    again = new_identity() | {"email": user.email}
    taken = api.post("/v1/auth/register", json=again)

    assert (taken.status_code, fresh.status_code) == (201, 201)
    assert set(taken.headers) - {"Date"} == set(fresh.headers) - {"Date"}
    assert taken.json().keys() == fresh.json().keys()
    assert taken.json()["confirmation_required"] is fresh.json()["confirmation_required"] is True
    decoy = taken.json()["user_id"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", decoy)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", fresh.json()["user_id"])
    assert decoy != user.user_id

    # The owner's account: same password, same profile; the newcomer's password opens nothing.
    assert api.post("/v1/auth/login", json={"email": user.email, "password": user.password}).status_code == 200
    refused = api.post("/v1/auth/login", json={"email": user.email, "password": again["password"]})
    assert (refused.status_code, _error_code(refused)) == (401, "invalid_credentials")
    me = user.api.get("/v1/me").json()
    assert (me["user_id"], me["name"], me["phone"]) == (user.user_id, user.name, user.phone)
    # Nothing stored under the id answered (a new account starts its preferences at once).
    item = local_stack.client("dynamodb").get_item(
        TableName=local_stack.table_name, Key={"pk": {"S": f"USER#{decoy}"}, "sk": {"S": "PREFS"}}
    )
    assert "Item" not in item
    fresh_prefs = local_stack.client("dynamodb").get_item(
        TableName=local_stack.table_name, Key={"pk": {"S": f"USER#{fresh.json()['user_id']}"}, "sk": {"S": "PREFS"}}
    )
    assert "Item" in fresh_prefs


def test_only_a_published_policy_version_can_be_accepted(api: Api, local_stack) -> None:  # type: ignore[no-untyped-def]
    """Consent is recorded for a policy that exists: an unknown version creates no account."""
    identity = new_identity() | {"policy_version": "1999-01-01"}
    response = api.post("/v1/auth/register", json=identity)
    assert response.status_code == 422
    assert _error_code(response) == "validation_error"
    assert response.json()["error"]["details"] == [{"field": "body.policy_version", "type": "literal_error"}]
    users = local_stack.client("cognito-idp").list_users(
        UserPoolId=local_stack.user_pool_id, Filter=f'email = "{identity["email"]}"'
    )["Users"]
    assert users == []


def test_wrong_password_and_unknown_email_answer_the_same_401(api: Api, user: TestUser) -> None:
    wrong = api.post("/v1/auth/login", json={"email": user.email, "password": "Wrong-password-1"})
    unknown = api.post("/v1/auth/login", json={"email": "nobody.here@example.com", "password": "Wrong-password-1"})
    assert (wrong.status_code, unknown.status_code) == (401, 401)
    assert _error_code(wrong) == _error_code(unknown) == "invalid_credentials"
    assert wrong.json() == unknown.json()
    assert set(wrong.headers) - {"Date"} == set(unknown.headers) - {"Date"}


def test_unconfirmed_account_cannot_log_in(api: Api) -> None:
    identity = new_identity()
    assert api.post("/v1/auth/register", json=identity).status_code == 201
    response = api.post("/v1/auth/login", json={"email": identity["email"], "password": identity["password"]})
    assert response.status_code == 403
    assert _error_code(response) == "user_not_confirmed"


def test_bad_refresh_token_is_401(api: Api) -> None:
    response = api.post("/v1/auth/refresh", json={"refresh_token": "x" * 64})
    assert response.status_code == 401
    assert _error_code(response) == "invalid_refresh_token"


def test_profile_update_normalizes_the_phone(user: TestUser, canary) -> None:  # type: ignore[no-untyped-def]
    new_name = canary("Canaryname Renamed", "user name")
    canary("+91 98111 22334", "user phone")
    response = user.api.patch("/v1/me", json={"name": new_name, "phone": "+91 98111 22334"})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["phone"]) == (new_name, "+919811122334")
    assert user.api.get("/v1/me").json()["phone"] == "+919811122334"


def test_lead_phone_in_national_format_uses_the_given_or_default_region(user: TestUser, canary) -> None:  # type: ignore[no-untyped-def]
    canary("098765 11223", "lead phone")
    canary("(202) 555-0143", "lead phone")
    india = user.api.post("/v1/leads", json=new_lead_body(phone="098765 11223")).json()
    assert india["phone"] == "+919876511223"
    us = user.api.post("/v1/leads", json=new_lead_body(phone="(202) 555-0143", phone_region="US")).json()
    assert us["phone"] == "+12025550143"


def test_leads_page_newest_first_with_an_opaque_cursor(user: TestUser) -> None:
    created = [user.api.post("/v1/leads", json=new_lead_body()).json()["lead_id"] for _ in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = user.api.get("/v1/leads", params=params).json()
        seen += [item["lead_id"] for item in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))
    assert pages == 3


def test_search_finds_leads_by_name_company_email_or_phone(user: TestUser) -> None:
    target = user.api.post("/v1/leads", json=new_lead_body(company="Zanzibar Spices")).json()
    for _ in range(3):
        user.api.post("/v1/leads", json=new_lead_body())
    for query in ("zanzibar", target["name"].split()[1], target["email"][:12], target["phone"][-6:]):
        found = user.api.get("/v1/leads", params={"q": query}).json()["items"]
        assert [lead["lead_id"] for lead in found] == [target["lead_id"]], query


def test_a_lead_keeps_a_phone_or_an_email(user: TestUser) -> None:
    lead = user.api.post("/v1/leads", json=new_lead_body(email=None)).json()
    response = user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"phone": None})
    assert response.status_code == 422
    assert _error_code(response) == "lead_needs_contact"
    assert user.api.get(f"/v1/leads/{lead['lead_id']}").json()["phone"] == lead["phone"]
    switched = user.api.patch(f"/v1/leads/{lead['lead_id']}", json={"phone": None, "email": "new.lead@example.com"})
    assert switched.status_code == 200
    assert switched.json()["phone"] is None


def test_a_phone_or_email_opens_the_lead_that_already_has_it(user: TestUser, make_user: Callable[[], TestUser]) -> None:
    first = user.api.post("/v1/leads", json=new_lead_body()).json()
    again = user.api.post("/v1/leads", json=new_lead_body(phone=first["phone"], email=None))
    assert again.status_code == 409
    assert _error_code(again) == "contact_exists"
    assert again.json()["error"]["details"][0]["lead_id"] == first["lead_id"]
    second = user.api.post("/v1/leads", json=new_lead_body()).json()
    taking = user.api.patch(f"/v1/leads/{second['lead_id']}", json={"email": first["email"].upper()})
    assert (taking.status_code, _error_code(taking)) == (409, "contact_exists")
    assert len(user.api.get("/v1/leads").json()["items"]) == 2
    assert make_user().api.post("/v1/leads", json=new_lead_body(phone=first["phone"])).status_code == 201
    assert user.api.delete(f"/v1/leads/{first['lead_id']}").status_code == 204
    assert user.api.post("/v1/leads", json=new_lead_body(phone=first["phone"])).status_code == 201


def test_no_route_accepts_a_contact_list(api: Api, make_user: Callable[[], TestUser]) -> None:
    owner = make_user()
    batch = [new_lead_body(), new_lead_body()]
    response = owner.api.post("/v1/leads", json=batch)
    assert response.status_code == 422
    assert owner.api.get("/v1/leads").json()["items"] == []


def test_contact_information_is_kept_only_in_the_identity_provider(user: TestUser, local_stack) -> None:  # type: ignore[no-untyped-def]
    """Name, email and phone serve "verifying, securing, and accessing your account": they live in
    Cognito, not copied into the data table where leads and activities are."""
    user.api.post("/v1/leads", json=new_lead_body())
    user.api.patch("/v1/me", json={"name": user.name})
    client = local_stack.client("dynamodb")
    items = [
        i for page in client.get_paginator("scan").paginate(TableName=local_stack.table_name) for i in page["Items"]
    ]
    dump = str(items)
    for value in (user.name, user.email, user.phone, user.phone.removeprefix("+")):
        assert value not in dump
