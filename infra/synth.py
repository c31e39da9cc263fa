"""``python -m infra.synth [--no-bundling] OUTDIR``: offline synth, failing on nag findings.

By default the assets are bundled (``infra.packaging``): the layer and the code carry bytecode
written by the runtime's Python, so OUTDIR is what a deployment uploads. ``--no-bundling`` skips
that (the template checks only read the template)."""

from __future__ import annotations

import sys

from infra.stack import build_app

USAGE = "usage: python -m infra.synth [--no-bundling] OUTDIR"
# The offline checks (this command, the infra tests, cfn-lint, checkov) synthesize with an example
# SES sender: a deploy names its own (-c ses_from_address=…, docs/deploy.md).
EXAMPLE_SES_SENDER = "no-reply@example.com"
EXAMPLE_CONTEXT = {"ses_from_address": EXAMPLE_SES_SENDER, "ses_region": "us-east-1"}
CHECK_CONTEXT = {"aws:cdk:bundling-stacks": [], **EXAMPLE_CONTEXT}


def main(argv: list[str]) -> int:
    bundle = "--no-bundling" not in argv
    rest = [arg for arg in argv if arg != "--no-bundling"]
    if len(rest) != 1 or rest[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    context: dict[str, object] = dict(EXAMPLE_CONTEXT) if bundle else dict(CHECK_CONTEXT)
    app, _ = build_app(outdir=rest[0], context=context)
    try:
        app.synth()
    except Exception as error:  # jsii surfaces nag violations as a JS error
        print(error, file=sys.stderr)
        return 1
    print(rest[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
