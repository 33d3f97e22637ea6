"""What every function is told about its stage (names match ``promptvault.core.settings``).

Every function, routes and triggers alike, gets the stage's event bus, its email sender and
configuration set, and the public URL links in emails point at. Each value is a deterministic
name, a value of ``cdk.json`` or a published SSM parameter, so no stack imports another's export
for it (docs/infra.md, *Environment*).

- ``EMAIL_SENDER``: ``"<from_name>" <from_address>`` of the stage's ``email`` block; empty in
  a stage without one (``dev``: Cognito's own sender, no verified SES identity), which the
  email code must read as "send no email" (decision 49).
- ``PUBLIC_URL``: no stage configures a custom domain, so it is the HTTP API's own URL:
  ``attr_api_endpoint`` inside the API stack, and, in the stacks deployed after it, the same
  URL built from the API id the API stack publishes (SSM), never an export. The pre-sign-up
  trigger (Identity) deploys before the API exists and builds no links: it goes without.
- ``REPORT_HIDE_THRESHOLD``: the stage's ``report_hide_threshold`` (default 3): how many
  distinct people with an open report hide a prompt or comment pending review (issue 12).
- ``IMPORTS_BUCKET``: the stage's imports bucket (``infra/uploads.py``, a deterministic name
  with the account and region); ``IMPORT_DAILY_QUOTA`` is not set: the default, 5,000, applies.
- ``EMAIL_DAILY_CAP`` and ``NOTIFICATION_RETENTION_DAYS`` are not set: stages carry no such
  knobs (as ``API_KEY_MAX_DAYS``), so the settings' defaults apply in every stage.
"""

from __future__ import annotations

from email.utils import formataddr

from infra import parameters, uploads
from infra.consumers import bus_name
from infra.stacks.email import configuration_set_name
from infra.stages import StageConfig


def email_sender(config: StageConfig) -> str:
    """The From header of the stage's mail; empty where the stage has no SES sender."""
    if config.email is None:
        return ""
    return formataddr((config.email.from_name, config.email.from_address))


def published_api_url(config: StageConfig) -> str:
    """The HTTP API's URL from the id the API stack publishes (for stacks deployed after it);
    the same value as the API's ``ApiEndpoint`` attribute."""
    api_id = parameters.resolve(config, parameters.API_ID)
    return f"https://{api_id}.execute-api.{config.region}.amazonaws.com"


def stage_environment(config: StageConfig, public_url: str | None = None) -> dict[str, str]:
    """The stage's settings every function gets; ``PUBLIC_URL`` where it is known."""
    environment = {
        "EVENT_BUS_NAME": bus_name(config.prefix),
        "EMAIL_SENDER": email_sender(config),
        "EMAIL_CONFIGURATION_SET": configuration_set_name(config),
        "REPORT_HIDE_THRESHOLD": str(config.report_hide_threshold),
        "IMPORTS_BUCKET": uploads.bucket_name(config),
    }
    if public_url is not None:
        environment["PUBLIC_URL"] = public_url
    return environment
