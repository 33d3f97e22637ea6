"""Stage configuration: the one typed object every stack reads.

The values live in ``cdk.json`` under the ``promptvault:stages`` context key, so an operator
changes a stage by editing data, not code; ``-c stage=prod`` picks one. The file is read
directly as well, so ``python -m infra.app`` synthesizes the same app as ``cdk synth``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
STAGES_KEY = "promptvault:stages"
STAGE_NAMES = ("dev", "staging", "prod")
# Stages that may run without an SES sender (Cognito's own, 50 emails a day) and without
# anyone subscribed to their alarms; every other stage must configure both.
SANDBOX_STAGES = ("dev",)
ALARM_PROTOCOLS = ("email", "https")


class StageConfigError(ValueError):
    """cdk.json's stage entry cannot be deployed as written; the message says what to add."""


@dataclass(frozen=True, slots=True)
class SearchSizing:
    instance_type: str
    instance_count: int
    availability_zones: int  # 1 turns zone awareness off
    volume_gb: int
    # The CDK CLI drops null context values, so the optional ones need defaults.
    master_instance_type: str | None = None
    master_count: int = 0  # 0: no dedicated masters

    @property
    def dedicated_masters(self) -> bool:
        return self.master_count > 0


@dataclass(frozen=True, slots=True)
class AlarmPolicy:
    error_rate_percent: float  # API 5xx share of requests
    p99_latency_ms: int
    evaluation_periods: int
    account_concurrency: int  # Lambda ConcurrentExecutions (whole account/region) that pages


@dataclass(frozen=True, slots=True)
class EmailSender:
    """Cognito's mail goes out through SES from this address, a verified identity's."""

    from_address: str  # e.g. no-reply@promptvault.example
    identity: str  # the SES identity (domain, with DKIM) that verifies from_address
    from_name: str = "PromptVault"

    def __post_init__(self) -> None:
        domain = self.from_address.rpartition("@")[2]
        if not domain or domain != self.identity:
            raise StageConfigError(
                f"email.from_address {self.from_address!r} must be an address of the SES "
                f"identity {self.identity!r}"
            )


@dataclass(frozen=True, slots=True)
class AlarmSubscription:
    protocol: str  # email | https
    endpoint: str  # an address, or an https:// URL (chat webhook, paging service)

    def __post_init__(self) -> None:
        if self.protocol not in ALARM_PROTOCOLS:
            raise StageConfigError(
                f"alarm subscription protocol {self.protocol!r}: use one of {ALARM_PROTOCOLS}"
            )
        if self.protocol == "https" and not self.endpoint.startswith("https://"):
            raise StageConfigError(f"https alarm subscription needs an https:// URL: {self}")


@dataclass(frozen=True, slots=True)
class StreamPolicy:
    batch_size: int
    retry_attempts: int
    max_record_age_seconds: int


@dataclass(frozen=True, slots=True)
class StageConfig:
    name: str
    region: str
    account: str | None
    retain_data: bool  # RETAIN + deletion protection on stateful resources
    auto_confirm_signup: bool
    cors_origins: tuple[str, ...]
    log_retention_days: int
    function_memory_mb: int
    function_timeout_seconds: int
    search: SearchSizing
    alarms: AlarmPolicy
    streams: StreamPolicy
    email: EmailSender | None = None  # None: Cognito's default sender (sandbox stages only)
    alarm_subscriptions: tuple[AlarmSubscription, ...] = ()
    # distinct people with an open report that hide a prompt or comment pending review
    report_hide_threshold: int = 3

    def __post_init__(self) -> None:
        if self.name in SANDBOX_STAGES:
            return
        missing = []
        if self.email is None:
            missing.append(
                '"email": {"from_address": "no-reply@<domain>", "identity": "<domain>"} '
                "(an SES identity verified with DKIM in this account and region; "
                "docs/runbook.md)"
            )
        if not self.alarm_subscriptions:
            missing.append(
                '"alarm_subscriptions": [{"protocol": "email", "endpoint": "<on-call address>"}]'
            )
        if missing:
            raise StageConfigError(
                f"cdk.json promptvault:stages.{self.name} cannot be deployed without "
                + " and ".join(missing)
            )

    @property
    def prefix(self) -> str:
        """Physical-name prefix: lower case, so it is valid for every AWS service."""
        return f"promptvault-{self.name}"

    def stack_name(self, concern: str) -> str:
        return f"PromptVault-{self.name}-{concern}"

    @classmethod
    def from_dict(cls, name: str, raw: dict[str, Any]) -> StageConfig:
        return cls(
            name=name,
            region=raw["region"],
            account=raw.get("account"),
            retain_data=bool(raw["retain_data"]),
            auto_confirm_signup=bool(raw["auto_confirm_signup"]),
            cors_origins=tuple(raw["cors_origins"]),
            log_retention_days=int(raw["log_retention_days"]),
            function_memory_mb=int(raw["function_memory_mb"]),
            function_timeout_seconds=int(raw["function_timeout_seconds"]),
            search=SearchSizing(**raw["search"]),
            alarms=AlarmPolicy(**raw["alarms"]),
            streams=StreamPolicy(**raw["streams"]),
            email=EmailSender(**raw["email"]) if raw.get("email") else None,
            alarm_subscriptions=tuple(
                AlarmSubscription(**entry) for entry in raw.get("alarm_subscriptions", ())
            ),
            report_hide_threshold=int(raw.get("report_hide_threshold", 3)),
        )


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of the repository's ``cdk.json``."""
    data = json.loads((REPO_ROOT / "cdk.json").read_text())
    context: dict[str, Any] = data.get("context", {})
    return context


def load_stage(name: str, stages: dict[str, Any] | None = None) -> StageConfig:
    """The named stage from the given context block (default: cdk.json's)."""
    table = stages if stages is not None else cdk_json_context()[STAGES_KEY]
    if name not in table:
        known = ", ".join(sorted(table))
        raise ValueError(f"unknown stage {name!r}; cdk.json defines: {known}")
    return StageConfig.from_dict(name, table[name])
