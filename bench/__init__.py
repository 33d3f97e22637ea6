"""``python -m bench`` (``make bench``): cold start per function and AWS calls per request.

Sections, each a module with ``run() -> dict``:

- ``coldstart``: ``import functions.<fn>.handler`` in a fresh interpreter, beside ``import boto3``.
- ``firstrequest``: a fresh interpreter's first request end to end, against moto in server
  mode, so the work the lazy handler defers is measured too.
- ``awscalls``: botocore API calls per endpoint, counted with ``before-call`` event hooks,
  against the documented minimum (``awscalls.MINIMUM``).

Results are merged into ``bench/results.json`` by section; the method is in
docs/performance.md.
"""
