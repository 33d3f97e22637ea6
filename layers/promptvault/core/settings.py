"""Typed settings read once from the environment (set by CDK on AWS, by the local runtime here)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _days(name: str, default: int) -> int:
    """A whole number of days, at least 1: a stage cannot switch the limit off by mistake."""
    value = int(os.environ.get(name) or default)
    if value < 1:
        raise ValueError(f"{name} must be a whole number of days, at least 1")
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    stage: str
    region: str
    table_name: str
    user_pool_id: str
    user_pool_client_id: str
    jwks_url: str
    token_issuer: str
    auto_confirm_signup: bool
    cursor_secret: str
    cursor_secret_arn: str
    dynamodb_endpoint: str | None
    max_body_bytes: int
    search_backend: str = "tantivy"  # tantivy (local runtime, tests) | opensearch (AWS)
    search_endpoint: str = ""  # https://<domain endpoint> when search_backend is opensearch
    search_index_name: str = "prompts"
    search_index_dir: str = ""  # tantivy's directory; empty: a temporary one per process
    api_key_max_days: int = 365  # the longest an API key may live; also the default lifetime
    username_hold_days: int = 30  # a deleted account's username is refused to others this long
    event_bus_name: str = "promptvault-local-events"
    email_sender: str = "PromptVault <noreply@promptvault.local>"
    email_configuration_set: str = ""  # empty: none (the local runtime)
    public_url: str = "http://127.0.0.1:8000"  # links in emails: the API's public base URL
    email_daily_cap: int = 20  # emails to one person per UTC day; the rest wait for a digest
    notification_retention_days: int = 90  # in-app notifications expire (TTL) after this
    # webhooks may also target http://127.0.0.1:<port>: the local runtime and the tests set it,
    # no deployed stage does (tests/infra), and it counts only where the stage is local or test
    webhooks_allow_loopback: bool = False
    own_queue_url: str = ""  # a function's own SQS queue (access "queue:send-own"): webhooks
    import_daily_quota: int = 5000  # prompts one person may import per UTC day
    imports_bucket: str = "promptvault-local-imports"  # where import files are put
    report_hide_threshold: int = 3  # distinct open reports that hide a prompt or comment

    @classmethod
    def from_env(cls) -> Settings:
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        pool_id = os.environ.get("USER_POOL_ID", "")
        issuer = os.environ.get(
            "TOKEN_ISSUER", f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
        )
        return cls(
            stage=os.environ.get("STAGE", "local"),
            region=region,
            table_name=os.environ.get("TABLE_NAME", "promptvault-local"),
            user_pool_id=pool_id,
            user_pool_client_id=os.environ.get("USER_POOL_CLIENT_ID", ""),
            jwks_url=os.environ.get("JWKS_URL", f"{issuer}/.well-known/jwks.json"),
            token_issuer=issuer,
            auto_confirm_signup=_flag("AUTO_CONFIRM_SIGNUP"),
            cursor_secret=os.environ.get("CURSOR_SECRET", ""),
            cursor_secret_arn=os.environ.get("CURSOR_SECRET_ARN", ""),
            dynamodb_endpoint=os.environ.get("DYNAMODB_ENDPOINT") or None,
            max_body_bytes=int(os.environ.get("MAX_BODY_BYTES", "65536")),
            search_backend=os.environ.get(
                "SEARCH_BACKEND", "opensearch" if os.environ.get("SEARCH_ENDPOINT") else "tantivy"
            ),
            search_endpoint=os.environ.get("SEARCH_ENDPOINT", ""),
            search_index_name=os.environ.get("SEARCH_INDEX_NAME", "prompts"),
            search_index_dir=os.environ.get("SEARCH_INDEX_DIR", ""),
            api_key_max_days=_days("API_KEY_MAX_DAYS", 365),
            username_hold_days=_days("USERNAME_HOLD_DAYS", 30),
            event_bus_name=os.environ.get("EVENT_BUS_NAME", "promptvault-local-events"),
            email_sender=os.environ.get("EMAIL_SENDER", "PromptVault <noreply@promptvault.local>"),
            email_configuration_set=os.environ.get("EMAIL_CONFIGURATION_SET", ""),
            public_url=os.environ.get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            email_daily_cap=int(os.environ.get("EMAIL_DAILY_CAP", "20")),
            notification_retention_days=_days("NOTIFICATION_RETENTION_DAYS", 90),
            webhooks_allow_loopback=_flag("WEBHOOKS_ALLOW_LOOPBACK"),
            own_queue_url=os.environ.get("OWN_QUEUE_URL", ""),
            import_daily_quota=int(os.environ.get("IMPORT_DAILY_QUOTA", "5000")),
            imports_bucket=os.environ.get("IMPORTS_BUCKET", "promptvault-local-imports"),
            report_hide_threshold=max(1, int(os.environ.get("REPORT_HIDE_THRESHOLD", "3"))),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
