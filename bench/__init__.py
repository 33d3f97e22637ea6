"""``python -m bench`` (``make bench``): cold start per function and AWS calls per request.

Sections, each a module with ``run() -> dict``:

- ``coldstart``: ``import functions.<fn>.handler`` (init: the handler is built) in a fresh
  interpreter, beside ``import boto3``.
- ``firstrequest``: the first answer (import + init + first request) in a fresh interpreter
  against moto in server mode, beside a minimal boto3 handler making the same AWS calls;
  goal <= 1.5x for every function.
- ``awscalls``: botocore API calls per endpoint, counted with ``before-call`` event hooks,
  against the documented minimum (``awscalls.MINIMUM``).

Results are merged into ``bench/results.json`` by section; the method is in
docs/performance.md.
"""
