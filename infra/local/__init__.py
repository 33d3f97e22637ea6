"""The local runtime: the whole product on 127.0.0.1 with no AWS account (``make run``).

moto in server mode stands in for DynamoDB, Cognito, SES, EventBridge and SQS; a small
gateway turns each HTTP request into the API Gateway (HTTP API, payload v2) event AWS would
send and calls the very same handler, in-process; a stream pump and a queue poller run the
triggers as Lambda's event source mappings would. ``start_local()`` starts it all for tests
(``runtime.settle()`` waits until nothing moves).
"""

from infra.local.runtime import LocalRuntime, start_local

__all__ = ["LocalRuntime", "start_local"]
