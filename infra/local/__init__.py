"""The local runtime: the whole product on 127.0.0.1 with no AWS account (``make run``).

moto in server mode stands in for DynamoDB, Cognito and SES; a small gateway turns each
HTTP request into the API Gateway (HTTP API, payload v2) event AWS would send and calls
the very same handler, in-process. ``start_local()`` starts it all for tests.
"""

from infra.local.runtime import LocalRuntime, start_local

__all__ = ["LocalRuntime", "start_local"]
