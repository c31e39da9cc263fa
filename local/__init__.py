"""Local stand-in for AWS: moto, a Lambda Invoke edge and an HTTP API gateway (``python -m local``)."""

from local.context import FunctionRegistry, LambdaContext
from local.gateway import Gateway
from local.lambda_edge import LambdaEdge
from local.stack import LocalStack

__all__ = ["FunctionRegistry", "Gateway", "LambdaContext", "LambdaEdge", "LocalStack"]
