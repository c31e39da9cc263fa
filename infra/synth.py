"""``python -m infra.synth OUTDIR``: offline synth (no layer bundling), failing on nag findings."""

from __future__ import annotations

import sys

from infra.stack import build_app

# The offline checks (this command, the infra tests, cfn-lint, checkov) synthesize with an example
# SES sender: a deploy names its own (-c ses_from_address=…, docs/deploy.md).
EXAMPLE_SES_SENDER = "no-reply@example.com"
CHECK_CONTEXT = {
    "aws:cdk:bundling-stacks": [],
    "ses_from_address": EXAMPLE_SES_SENDER,
    "ses_region": "us-east-1",
}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.synth OUTDIR", file=sys.stderr)
        return 2
    app, _ = build_app(outdir=argv[0], context=CHECK_CONTEXT)
    try:
        app.synth()
    except Exception as error:  # jsii surfaces nag violations as a JS error
        print(error, file=sys.stderr)
        return 1
    print(argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
