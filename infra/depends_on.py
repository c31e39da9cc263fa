"""CloudFormation ordering of a resource and its role's policy."""

from __future__ import annotations

from aws_cdk import CfnResource, Stack
from aws_cdk import aws_iam as iam
from constructs import IConstruct


def wait_for_policy_only(construct: IConstruct, role: iam.IRole) -> None:
    """``construct``'s resource waits for the policy CDK adds to ``role`` before it can act.

    CDK also lists the role itself in DependsOn, which the resource's GetAtt of the role already
    implies (cfn-lint W3005), so DependsOn names the policy only; a role CDK added no policy to
    (a function without X-Ray tracing) leaves nothing to wait for.
    """
    resource = construct.node.default_child
    assert isinstance(resource, CfnResource)
    default_policy = role.node.try_find_child("DefaultPolicy")
    if default_policy is None:
        resource.add_deletion_override("DependsOn")
        return
    policy = default_policy.node.default_child
    assert isinstance(policy, iam.CfnPolicy)
    resource.add_override("DependsOn", [Stack.of(construct).get_logical_id(policy)])
