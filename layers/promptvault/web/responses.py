"""Success responses in the envelope, and the envelope models the OpenAPI document declares."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from promptvault.catalogue import Route
from promptvault.core.schema import ApiModel
from promptvault.web.envelope import FORM, HTML, JSON, success_body

T = TypeVar("T")


class Envelope(ApiModel, Generic[T]):  # noqa: UP046  (pydantic generic)
    success: bool = True
    data: T
    meta: dict[str, Any] = {}


class ErrorDetail(ApiModel):
    field: str
    message: str


class ErrorBody(ApiModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorEnvelope(ApiModel):
    success: bool = False
    error: ErrorBody


def ok(
    data: Any,
    status: int = 200,
    meta: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", by_alias=True)
    elif isinstance(data, list):
        data = [
            d.model_dump(mode="json", by_alias=True) if isinstance(d, BaseModel) else d
            for d in data
        ]
    return Response(status, JSON, success_body(data, meta), headers=headers)


def no_content() -> Response[str]:
    """204: no body and so no Content-Type (the document declares none either)."""
    return Response(204, body="")


def page(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Response[str]:
    """An HTML page, for an endpoint that answers people (``Endpoint(media_type=HTML)``)."""
    return Response(status, HTML, text, headers=headers)


def attachment(text: str, media_type: str, filename: str, status: int = 200) -> Response[str]:
    """A file to save, not the envelope, for an endpoint that declares its media types
    (``Endpoint(files=(...))``); ``filename`` is ours, never the caller's (no quoting)."""
    disposition = f'attachment; filename="{filename}"'
    content_type = f"{media_type}; charset=utf-8"
    return Response(status, content_type, text, headers={"Content-Disposition": disposition})


_ERRORS = {
    400: "Bad request (a body that is not UTF-8 JSON or form data, a bad cursor, header or token)",
    401: "Missing or invalid credentials",
    403: "Not allowed for this caller (an API key without the route's scope included)",
    404: "Not found (or not visible to the caller)",
    409: "Conflict with the current state",
    410: "Gone for good: a deleted prompt's slug (never given to another prompt), a revoked link",
    412: "If-Match is not the current ETag",
    413: "Body too large",
    415: "Unsupported media type: send the body as the route declares (JSON, or a form)",
    422: "Validation error",
    428: "If-Match is required",
    429: "Too many requests (see Retry-After)",
}


def web_refusals(route: Route, takes_body: bool) -> tuple[int, ...]:
    """What promptvault.web.handler_factory can answer for this row before or around its
    function: 400 and 422 (the resolver's validation), 413 (every body is measured against
    the row's limit), 415 for a route that reads a body, 401 and 403 where credentials are
    read (a token, or a key lacking the scope), 429 where a rate limit counts."""
    statuses = {400, 413, 422}
    if takes_body:
        statuses.add(415)
    if route.auth != "public":
        statuses |= {401, 403}
    if route.rate_limit != "none":
        statuses.add(429)
    return tuple(sorted(statuses))


PAGE = "text/html"  # the media type the document declares for pages (sent with a charset)
_PAGE = {"schema": {"type": "string"}}
# A file of documents (the export's json: one array; its yaml: a stream of one document per
# prompt, RFC 9512) is declared as what a reader of that media type gets back: a list of
# objects. Other files (csv, markdown) are text.
_DOCUMENTS_FILE = {"schema": {"type": "array", "items": {"type": "object"}}}
YAML = "application/yaml"


def documented(
    model: Any,
    status: int = 200,
    description: str = "Success",
    errors: tuple[int, ...] = (),
    pages: tuple[int, ...] = (),
    files: tuple[str, ...] = (),
) -> dict[int, Any]:
    """OpenAPI responses for a route: the success envelope plus the error envelope (a 204
    documents no content: infra/openapi.py drops what the resolver infers for it). A status
    in ``pages`` is (also) an HTML page: an HTML endpoint's success and its own refusals.
    ``files``: the success is a file in one of these media types instead of the envelope."""
    success: dict[str, Any] = {"description": description}
    if files:
        success["content"] = {m: _DOCUMENTS_FILE if m in (JSON, YAML) else _PAGE for m in files}
    elif status in pages:
        success["content"] = {PAGE: _PAGE}
    elif model is not None and status != 204:
        success["content"] = {JSON: {"model": Envelope[model]}}
    responses: dict[int, Any] = {status: success}
    for code in sorted({400, 422, *errors}):
        content: dict[str, Any] = {JSON: {"model": ErrorEnvelope}}
        if code in pages:
            content[PAGE] = _PAGE
        responses[code] = {"description": _ERRORS.get(code, "Error"), "content": content}
    return responses


@dataclass(frozen=True, slots=True)
class Endpoint:
    """What a route module declares: the function that answers and the responses it documents.

    Method, path, tag and summary are the route's catalogue row (promptvault/catalogue.py);
    promptvault.web.handler_factory registers ``handle`` with them.
    """

    handle: Callable[..., Response[str]]
    model: Any  # the success envelope's ``data``: a model, a list or union of them, or None
    status: int = 200
    errors: tuple[int, ...] = ()  # what the function itself refuses with (web_refusals adds
    # what the web layer answers for its catalogue row)
    # JSON: the envelope. HTML: a page for people (``page``), and the function's own refusals
    # (``errors``) as pages too (web/envelope.py ``error_page``); the web layer's stay JSON.
    media_type: str = JSON
    # A file to save (``attachment``): the media types its success may be sent as, one per
    # format it offers; its refusals stay the JSON envelope.
    files: tuple[str, ...] = ()

    def responses(self, route: Route) -> dict[int, Any]:
        """Every status the route can answer, for the OpenAPI document."""
        refusals = web_refusals(route, self.takes_body)
        pages = (self.status, *self.errors) if self.answers_html else ()
        errors = (*self.errors, *refusals)
        return documented(self.model, self.status, errors=errors, pages=pages, files=self.files)

    @property
    def answers_html(self) -> bool:
        return self.media_type == HTML

    @property
    def takes_body(self) -> bool:
        """Whether the route reads a JSON body: its function has a ``body`` parameter (the
        resolver validates the body against that parameter's model and otherwise never parses
        it). promptvault.web.handler_factory refuses what is not one JSON object before that."""
        return "body" in inspect.signature(self.handle).parameters

    @property
    def takes_form(self) -> bool:
        """Whether the body is a form (``body: Annotated[Model, Body(media_type=FORM)]``), as
        RFC 8058's one-click unsubscribe posts it: the web layer reads it as one object of
        fields and hands the resolver that object (handler_factory ``_one_form_object``)."""
        if not self.takes_body:
            return False
        hint = typing.get_type_hints(self.handle, include_extras=True).get("body")
        return any(getattr(extra, "media_type", None) == FORM for extra in _metadata(hint))


def _metadata(hint: Any) -> tuple[Any, ...]:
    return tuple(getattr(hint, "__metadata__", ()))
