"""Local stand-in for AWS: moto, a Lambda Invoke edge and an HTTP API gateway (``python -m local``).

Nothing is imported here, so a light helper (``python -m local.wait``) does not load moto.
"""
