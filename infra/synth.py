"""``python -m infra.synth OUTDIR``: offline synth (no layer bundling), failing on nag findings."""

from __future__ import annotations

import sys

from infra.stack import build_app


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m infra.synth OUTDIR", file=sys.stderr)
        return 2
    app, _ = build_app(outdir=argv[0], context={"aws:cdk:bundling-stacks": []})
    try:
        app.synth()
    except Exception as error:  # jsii surfaces nag violations as a JS error
        print(error, file=sys.stderr)
        return 1
    print(argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
