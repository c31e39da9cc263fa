"""One synth of the production stack per test session, with cdk-nag active.

``infra`` is imported before ``aws_cdk`` on purpose: importing it points jsii at the wheel's Node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from infra.stack import CrmStack, build_app
from infra.synth import CHECK_CONTEXT

if TYPE_CHECKING:
    from aws_cdk.assertions import Template


@pytest.fixture(scope="session")
def synthesized() -> tuple[CrmStack, Template]:
    """Synth fails here, failing every infra test, if cdk-nag reports an unacknowledged finding."""
    from aws_cdk.assertions import Template

    # No layer bundling (pip) and no built-in CloudFormation validation: ~5 s and ~350 MiB less;
    # the example SES sender of every offline check.
    _, stack = build_app(context=CHECK_CONTEXT, builtin_cloud_formation_validation=False)
    return stack, Template.from_stack(stack)


@pytest.fixture(scope="session")
def crm_stack(synthesized: tuple[CrmStack, Template]) -> CrmStack:
    return synthesized[0]


@pytest.fixture(scope="session")
def template(synthesized: tuple[CrmStack, Template]) -> Template:
    return synthesized[1]


@pytest.fixture(scope="session")
def template_json(template: Template) -> dict[str, Any]:
    """The synthesized CloudFormation template as a plain dict."""
    result: dict[str, Any] = template.to_json()
    return result
