"""CDK app entry point (``cdk.json``): the production stack, checked by cdk-nag on every synth."""

from infra.stack import build_app

app, _ = build_app()
app.synth()
