"""The local API Gateway: HTTP in, payload v2 event to the catalogue's handler, HTTP out.

Handlers run in this process, one invocation at a time: Lambda gives each execution
environment one event at a time, and the handlers rely on it (the Powertools resolver
keeps the current event on the app, the logger's keys are process-wide).
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.local import outbox, outbox_page, swagger
from infra.local.events import (
    HttpRequest,
    HttpResponse,
    LambdaContext,
    build_event,
    to_http_response,
)
from infra.local.routing import Match, RouteTable
from promptvault.catalogue import function_module

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024  # API Gateway's own request limit
FUNCTION_PREFIX = "promptvault-local-"

Handler = Callable[[dict[str, Any], Any], Any]
# A local-only POST action: the request body in, a status and a JSON payload out.
Action = Callable[[bytes], tuple[int, Any]]


def _json(
    status: int, payload: Any, extra: list[tuple[str, str]] | None = None, indent: int | None = 2
) -> HttpResponse:
    body = json.dumps(payload, ensure_ascii=False, indent=indent).encode("utf-8")
    headers = [("Content-Type", "application/json; charset=utf-8"), *(extra or [])]
    return HttpResponse(status, headers, body)


# What an HTTP API answers, itself, for a request no route key matches: an unknown path, or a
# known path under a method it has no route for (TRACE, PROPFIND, PUT on /v1/prompts alike).
NO_ROUTE = HttpResponse(404, [("Content-Type", "application/json")], b'{"message":"Not Found"}')


def error(
    status: int, code: str, message: str, extra: list[tuple[str, str]] | None = None
) -> HttpResponse:
    """The product's error envelope, for answers the gateway gives without a handler."""
    envelope = {"success": False, "error": {"code": code, "message": message, "details": []}}
    return _json(status, envelope, extra, indent=None)


class Gateway:
    """Routes requests: the local pages first, then the route catalogue."""

    def __init__(self, routes: RouteTable | None = None) -> None:
        self._routes = routes or RouteTable()
        self._invoke_lock = threading.Lock()
        self._handlers: dict[str, Handler] = {}
        self._local: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/openapi.json": lambda _r: _json(200, self.openapi),
            "/docs": self._docs,
            "/docs/": self._docs,
            "/_local/outbox": lambda _r: _json(200, outbox.sent_emails()),
            outbox_page.VIEW_PATH: self._outbox_view,
        }
        # local-only actions (POST): never catalogue routes, so never deployed or documented
        self._actions: dict[str, Callable[[HttpRequest], HttpResponse]] = {
            "/_local/roles": self._assign_role,
        }

    def add_page(self, path: str, data: Callable[[], Any]) -> None:
        """A local-only JSON page (e.g. the stream pump's dead letters)."""
        self._local[path] = lambda _r: _json(200, data())

    def add_action(self, path: str, action: Action) -> None:
        """A local-only ``POST`` (e.g. firing a schedule); other methods answer 405. Actions
        run one at a time, with the routes' functions, as the handlers do."""

        def respond(request: HttpRequest) -> HttpResponse:
            with self._invoke_lock:
                status, payload = action(request.body)
            return _json(status, payload, indent=None)

        self._actions[path] = respond

    @cached_property
    def openapi(self) -> dict[str, Any]:
        from infra.openapi import build_openapi

        return build_openapi()

    def handle(self, request: HttpRequest) -> tuple[HttpResponse, str]:
        """The response, and what answered it (for the access log)."""
        local = self._local_page(request)
        if local is not None:
            return local, "local"
        found = self._routes.match(request.method, request.path)
        if found is None:
            return NO_ROUTE, "-"
        return self._invoke(found, request), found.route.function

    def _local_page(self, request: HttpRequest) -> HttpResponse | None:
        action = self._actions.get(request.path)
        if action is not None:
            if request.method == "POST":
                return action(request)
            message = f"{request.method} is not allowed on {request.path}; use POST"
            return error(405, "METHOD_NOT_ALLOWED", message, [("Allow", "POST")])
        if request.method != "GET":
            return None
        page = self._local.get(request.path)
        if page is not None:
            return page(request)
        if request.path.startswith(f"{outbox_page.VIEW_PATH}/"):
            return self._outbox_view(request)
        prefix = f"{swagger.ASSETS_PATH}/"
        if request.path.startswith(prefix):
            asset = swagger.asset(request.path.removeprefix(prefix))
            if asset is not None:
                return HttpResponse(200, [("Content-Type", asset[1])], asset[0])
        return None

    def _assign_role(self, request: HttpRequest) -> HttpResponse:
        """POST /_local/roles {email, role} (infra/local/roles.py)."""
        from infra.local.roles import assign_role  # imports the data models: after the env

        with self._invoke_lock:  # one thing at a time, as the handlers run
            status, payload = assign_role(request.body)
        return _json(status, payload, indent=None)

    def _outbox_view(self, request: HttpRequest) -> HttpResponse:
        """GET /_local/outbox/view[/{id}]: the outbox as a person reads it (outbox_page.py)."""
        message_id = unquote(request.path.removeprefix(outbox_page.VIEW_PATH).strip("/"))
        status, page, policy = outbox_page.view(message_id or None)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", policy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("Cache-Control", "no-store"),
        ]
        return HttpResponse(status, headers, page.encode("utf-8"))

    def _docs(self, request: HttpRequest) -> HttpResponse:
        if "format=json" in request.query:
            return _json(200, self.openapi)
        html = swagger.page(self.openapi)
        headers = [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Security-Policy", swagger.content_security_policy(html)),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
        ]
        return HttpResponse(200, headers, html.encode("utf-8"))

    def _invoke(self, match: Match, request: HttpRequest) -> HttpResponse:
        route = match.route
        event = build_event(request, route.route_key, match.path_parameters)
        request_id = event["requestContext"]["requestId"]
        try:
            handler = self._handler(route.function)
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith(f"functions.{route.function}"):
                raise
            return error(501, "NOT_IMPLEMENTED", f"functions/{route.function} does not exist yet")
        context = LambdaContext(function_name=f"{FUNCTION_PREFIX}{route.function}")
        with self._invoke_lock:
            try:
                result = handler(event, context)
            except Exception:
                # Lambda reports an unhandled error; API Gateway answers 500.
                traceback.print_exc(file=sys.stderr)
                return error(500, "INTERNAL_ERROR", "The function failed; see the runtime log")
        return to_http_response(result, request_id)

    def _handler(self, function: str) -> Handler:
        handler = self._handlers.get(function)
        if handler is None:
            module = importlib.import_module(function_module(function))
            handler = self._handlers[function] = module.handler
        return handler


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads one HTTP request, asks the gateway, writes the answer."""

    protocol_version = "HTTP/1.1"
    server_version = "PromptVaultLocal/1"
    gateway: Gateway  # set on the subclass made by serve()

    def _serve(self) -> None:
        started = time.perf_counter()
        response, answered_by = self._respond()
        self._write(response)
        elapsed = (time.perf_counter() - started) * 1000
        print(
            f"{self.command} {self.path} -> {response.status} {elapsed:.0f} ms [{answered_by}]",
            file=sys.stderr,
            flush=True,
        )

    def _respond(self) -> tuple[HttpResponse, str]:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            return error(413, "PAYLOAD_TOO_LARGE", "The request exceeds 10 MB"), "-"
        target = urlsplit(self.path)
        request = HttpRequest(
            method=self.command,
            path=target.path or "/",
            query=target.query,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
            protocol=self.request_version,
        )
        try:
            return self.gateway.handle(request)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return error(500, "INTERNAL_ERROR", "The local gateway failed; see its log"), "-"

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_PAYLOAD_BYTES:
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_PAYLOAD_BYTES:
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        if not any(name.lower() == "apigw-requestid" for name, _ in response.headers):
            self.send_header("apigw-requestid", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: _serve prints one line per request with the function that answered."""

    def __getattr__(self, name: str) -> Any:
        # http.server answers 501 (HTML) for a method without a do_<METHOD>; API Gateway
        # routes every method, so every method is served (and unknown ones match no route).
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)


class GatewayServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    # A burst of new clients on a busy machine: the default backlog (5) resets connections
    # that API Gateway would accept (the load run saw it: bench/load.py).
    request_queue_size = 128


def serve(gateway: Gateway, port: int) -> GatewayServer:
    """A threaded HTTP server on 127.0.0.1 only; the caller runs serve_forever()."""
    handler = type("BoundRequestHandler", (_RequestHandler,), {"gateway": gateway})
    return GatewayServer(("127.0.0.1", port), handler)
