"""Swagger UI for ``GET /docs``, fully offline.

Powertools ships the Swagger UI bundle and stylesheet inside the package and renders the
page with ``generate_swagger_html``; the page links those two files from this gateway,
so no CDN is needed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

ASSETS_PATH = "/docs/assets"
_ASSETS = {
    "swagger-ui-bundle.min.js": "application/javascript; charset=utf-8",
    "swagger-ui.min.css": "text/css; charset=utf-8",
}


def _assets_dir() -> Path:
    from aws_lambda_powertools.event_handler.openapi import swagger_ui

    return Path(swagger_ui.__file__).parent


def page(document: dict[str, Any]) -> str:
    """The Swagger UI page with the OpenAPI document embedded."""
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

    # Escaping "</" keeps a string in the document from closing the page's <script>.
    spec = json.dumps(document).replace("</", "<\\/")
    return generate_swagger_html(
        spec,
        f"{ASSETS_PATH}/swagger-ui-bundle.min.js",
        f"{ASSETS_PATH}/swagger-ui.min.css",
        swagger_base_url=ASSETS_PATH,
        oauth2_config=None,
        persist_authorization=True,
    )


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def content_security_policy(html: str) -> str:
    """The page's CSP: everything from this origin only, and of inline script exactly the
    page's own (by hash, so an injected one does not run). Swagger UI sets inline styles and
    draws its icons as data: images, so those two stay allowed."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' {hashes}".strip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


@cache
def asset(name: str) -> tuple[bytes, str] | None:
    """(content, content type) of a bundled Swagger UI file, or None if it is not one."""
    content_type = _ASSETS.get(name)
    if content_type is None:
        return None
    return (_assets_dir() / name).read_bytes(), content_type
