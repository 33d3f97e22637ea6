"""Typed answers (dataclasses): a prompt version with ``compile``, labels, render results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from promptvault_sdk.errors import CompileError
from promptvault_sdk.templates import (
    MAX_OUTPUT_CHARS,
    Spec,
    placeholders,
    rendered_length,
    resolve,
    substitute,
)


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: str = "string"
    required: bool = True
    default: Any = None
    max_length: int | None = None
    enum: tuple[str, ...] | None = None
    description: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Variable:
        enum = data.get("enum")
        return cls(
            name=data["name"],
            type=data.get("type") or "string",
            required=data.get("required") is not False,
            default=data.get("default"),
            max_length=data.get("maxLength"),
            enum=tuple(str(v) for v in enum) if enum else None,
            description=data.get("description"),
        )

    def spec(self) -> Spec:
        # as the server reads a stored variable: a null default is no default
        return Spec(
            self.name,
            self.type,
            self.required,
            self.default is not None,
            self.default,
            self.max_length,
            self.enum or (),
        )


@dataclass(frozen=True, slots=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    version: int
    moved_by: str | None = None
    moved_at: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Label:
        return cls(data["name"], data["version"], data.get("movedBy"), data.get("movedAt"))


@dataclass(frozen=True, slots=True)
class Rendered:
    prompt_id: str
    version: int
    label: str | None
    type: str
    text: str | None
    messages: list[Message] | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Rendered:
        messages = data.get("messages")
        return cls(
            data["promptId"],
            data["version"],
            data.get("label"),
            data.get("type") or "text",
            data.get("text"),
            [Message(m["role"], m["content"]) for m in messages] if messages is not None else None,
        )


@dataclass(frozen=True, slots=True)
class Prompt:
    """One version of a prompt, as ``GET /v1/prompts/{id}?label=...|version=...`` answers it.

    ``is_fallback`` is true when it was built from ``get_prompt(..., fallback=...)`` because
    the API could not be reached.
    """

    id: str
    version: int
    title: str
    type: str = "text"
    content: str = ""
    messages: list[Message] | None = None
    variables: list[Variable] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    etag: str | None = None
    is_fallback: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_api(cls, data: Mapping[str, Any], etag: str | None = None) -> Prompt:
        messages = data.get("messages")
        return cls(
            id=data["promptId"],
            version=data["version"],
            title=data.get("title", ""),
            type=data.get("type") or "text",
            content=data.get("content") or "",
            messages=[Message(m["role"], m["content"]) for m in messages]
            if messages is not None
            else None,
            variables=[Variable.from_api(v) for v in data.get("variables") or []],
            labels=list(data.get("labels") or []),
            etag=etag,
            raw=dict(data),
        )

    @classmethod
    def from_fallback(cls, name_or_id: str, fallback: str | list[Message] | Prompt) -> Prompt:
        """A fallback: a template text, a list of chat messages, or a ready Prompt."""
        if isinstance(fallback, Prompt):
            return _replace_fallback(fallback)
        if isinstance(fallback, str):
            return cls(
                id=name_or_id, version=0, title=name_or_id, content=fallback, is_fallback=True
            )
        messages = [
            m if isinstance(m, Message) else Message(m["role"], m["content"]) for m in fallback
        ]
        return cls(
            id=name_or_id,
            version=0,
            title=name_or_id,
            type="chat",
            content="\n\n".join(f"{m.role}: {m.content}" for m in messages),
            messages=messages,
            is_fallback=True,
        )

    def _texts(self) -> list[str]:
        if self.type == "chat":
            return [m.content for m in self.messages or []]
        return [self.content]

    def compile_with(
        self, variables: Mapping[str, Any] | None = None, *, strict: bool = True
    ) -> str | list[Message]:
        """Render locally with the server's rules: ``str`` for a text prompt, messages for a
        chat one. Raises :class:`CompileError` with the details the server's 422 lists."""
        given = dict(variables or {})
        texts = self._texts()
        values, problems = resolve(
            [v.spec() for v in self.variables], placeholders(texts), given, strict=strict
        )
        if problems:
            raise CompileError(problems)
        if sum(rendered_length(text, values) for text in texts) > MAX_OUTPUT_CHARS:
            message = f"the rendered prompt exceeds {MAX_OUTPUT_CHARS} characters"
            raise CompileError([{"field": "variables", "message": message}], message)
        if self.type == "chat":
            return [Message(m.role, substitute(m.content, values)) for m in self.messages or []]
        return substitute(self.content, values)

    def compile(self, **variables: Any) -> str | list[Message]:
        """``compile(topic="the launch")``: strict, as the server's render (see compile_with)."""
        return self.compile_with(variables)


def _replace_fallback(prompt: Prompt) -> Prompt:
    from dataclasses import replace

    return replace(prompt, is_fallback=True)


@dataclass(frozen=True, slots=True)
class ImportCounts:
    created: int = 0
    skipped: int = 0
    rejected: int = 0


@dataclass(frozen=True, slots=True)
class Import:
    """An import (``POST /v1/imports``, ``GET /v1/imports/{id}``): ``status`` is
    awaiting-upload, processing, done or failed."""

    id: str
    status: str
    format: str
    counts: ImportCounts
    created_at: str
    filename: str | None = None
    finished_at: str | None = None
    error: str | None = None
    upload_url: str | None = None
    upload_expires_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Import:
        counts = data.get("counts") or {}
        return cls(
            id=data["id"],
            status=data["status"],
            format=data["format"],
            counts=ImportCounts(
                created=int(counts.get("created", 0)),
                skipped=int(counts.get("skipped", 0)),
                rejected=int(counts.get("rejected", 0)),
            ),
            created_at=data["createdAt"],
            filename=data.get("filename"),
            finished_at=data.get("finishedAt"),
            error=data.get("error"),
            upload_url=data.get("uploadUrl"),
            upload_expires_at=data.get("uploadExpiresAt"),
        )


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import's file: what it became (``promptId``) or why not (``reason``)."""

    number: int
    status: str
    title: str | None = None
    prompt_id: str | None = None
    reason: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ImportRow:
        return cls(
            number=int(data["number"]),
            status=data["status"],
            title=data.get("title"),
            prompt_id=data.get("promptId"),
            reason=data.get("reason"),
        )
