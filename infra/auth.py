"""Cognito user pool and the mobile app's client, from ``shared.resources.USER_POOL``."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack, Token
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from shared.resources import USER_POOL, UserPoolSpec

# Cognito's standard attribute names (as the spec and the API use them) → CDK keyword names.
_STANDARD_ATTRIBUTE_KWARGS = {
    "address": "address",
    "birthdate": "birthdate",
    "email": "email",
    "family_name": "family_name",
    "gender": "gender",
    "given_name": "given_name",
    "locale": "locale",
    "middle_name": "middle_name",
    "name": "fullname",
    "nickname": "nickname",
    "phone_number": "phone_number",
    "picture": "profile_picture",
    "preferred_username": "preferred_username",
    "profile": "profile_page",
    "updated_at": "last_update_time",
    "website": "website",
    "zoneinfo": "timezone",
}
# The refresh flow is always enabled by CDK; the spec lists it for the local (moto) pool.
_AUTH_FLOW_KWARGS = {
    "ALLOW_USER_PASSWORD_AUTH": "user_password",
    "ALLOW_USER_SRP_AUTH": "user_srp",
    "ALLOW_CUSTOM_AUTH": "custom",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH": "admin_user_password",
}
_ALWAYS_ON_FLOWS = {"ALLOW_REFRESH_TOKEN_AUTH"}
_MFA = {"OFF": cognito.Mfa.OFF, "OPTIONAL": cognito.Mfa.OPTIONAL, "ON": cognito.Mfa.REQUIRED}


def _sign_in_aliases(spec: UserPoolSpec) -> cognito.SignInAliases:
    unknown = set(spec.username_attributes) - {"email", "phone_number"}
    if unknown:
        raise ValueError(f"unsupported username attributes: {sorted(unknown)}")
    return cognito.SignInAliases(
        email="email" in spec.username_attributes,
        phone="phone_number" in spec.username_attributes,
        username=False,
    )


def _auto_verify(spec: UserPoolSpec) -> cognito.AutoVerifiedAttrs:
    return cognito.AutoVerifiedAttrs(
        email="email" in spec.auto_verified_attributes,
        phone="phone_number" in spec.auto_verified_attributes,
    )


def _standard_attributes(spec: UserPoolSpec) -> cognito.StandardAttributes:
    kwargs = {
        _STANDARD_ATTRIBUTE_KWARGS[name]: cognito.StandardAttribute(required=True, mutable=True)
        for name in spec.required_attributes
    }
    return cognito.StandardAttributes(**kwargs)


def _auth_flows(spec: UserPoolSpec) -> cognito.AuthFlow:
    flows = set(spec.auth_flows) - _ALWAYS_ON_FLOWS
    return cognito.AuthFlow(**{_AUTH_FLOW_KWARGS[flow]: True for flow in sorted(flows)})


class MissingSesSender(ValueError):
    """Production needs a verified SES sender for Cognito's email; the synth stops here."""


def user_pool_email(scope: Construct) -> cognito.UserPoolEmail:
    """How Cognito sends confirmation codes and recovery mail, from the deploy's context.

    ``-c ses_from_address=no-reply@example.org -c ses_region=eu-west-1`` (the sender verified in SES
    in that region; the region may be left out when the stack names its own; ``-c ses_from_name=…``;
    ``-c ses_verified_domain=example.org`` if the domain is the verified identity): through SES,
    our sender, our sending quota. Cognito's own sender (50 emails a day, its address) only with
    ``-c cognito_default_email=true``, for a stack that is not production. Neither: the synth
    fails, naming both (docs/deploy.md)."""
    context = scope.node.try_get_context
    sender = context("ses_from_address")
    if sender:
        region = context("ses_region") or Stack.of(scope).region
        if Token.is_unresolved(region):
            raise MissingSesSender(
                "The stack names no region, so Cognito's SES region must be given: -c ses_region=<region of the "
                "verified sender>."
            )
        return cognito.UserPoolEmail.with_ses(
            from_email=str(sender),
            from_name=context("ses_from_name"),
            ses_region=str(region),
            ses_verified_domain=context("ses_verified_domain"),
        )
    if str(context("cognito_default_email")).lower() == "true":
        return cognito.UserPoolEmail.with_cognito()
    raise MissingSesSender(
        "Cognito's email (confirmation codes, account recovery) goes through SES in production: "
        "deploy with -c ses_from_address=<a sender verified in SES> (see docs/deploy.md), or, for a "
        "stack that is not production, -c cognito_default_email=true (Cognito's sender, 50 emails a day)."
    )


class Auth(Construct):
    """User pool (email sign-in, self sign-up) and a secretless public client for the app."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        email: cognito.UserPoolEmail,
        spec: UserPoolSpec = USER_POOL,
    ):
        super().__init__(scope, construct_id)

        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=True,
            sign_in_aliases=_sign_in_aliases(spec),
            auto_verify=_auto_verify(spec),
            standard_attributes=_standard_attributes(spec),
            custom_attributes={
                attribute.name: cognito.StringAttribute(max_len=attribute.max_length, mutable=True)
                for attribute in spec.custom_attributes
            },
            password_policy=cognito.PasswordPolicy(
                min_length=spec.password_min_length,
                require_lowercase=spec.password_needs_every_character_class,
                require_uppercase=spec.password_needs_every_character_class,
                require_digits=spec.password_needs_every_character_class,
                require_symbols=spec.password_needs_every_character_class,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            email=email,
            mfa=_MFA[spec.mfa],
            mfa_second_factor=cognito.MfaSecondFactor(
                otp="SOFTWARE_TOKEN_MFA" in spec.mfa_second_factors, sms="SMS_MFA" in spec.mfa_second_factors
            )
            if spec.mfa != "OFF"
            else None,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

        self.client = self.user_pool.add_client(
            "AppClient",
            generate_secret=False,
            auth_flows=_auth_flows(spec),
            disable_o_auth=True,
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.minutes(spec.access_token_minutes),
            id_token_validity=Duration.minutes(spec.id_token_minutes),
            refresh_token_validity=Duration.days(spec.refresh_token_days),
        )
