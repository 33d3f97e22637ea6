"""The four file formats a person imports from and exports to, as portable prompts.

A ``Portable`` is a prompt outside the table: its versions' content in the API's own shape
(the body ``POST /v1/prompts`` takes, camelCase), oldest first, the last one current; its
visibility and status; and its labels by version position. ``parse`` reads a file into rows,
each a Portable or the reason it cannot be one (a shape problem: the API's rules are checked
later, by the create model, for every format alike); ``render`` writes Portables into a file
that ``parse`` reads back to the same Portables (docs/imports.md):

- ``langfuse-json`` (export ``json``): Langfuse's prompt objects, one per version, grouped by
  ``name``; our fields ride in ``config``. The only format that carries versions and labels.
- ``prompts-chat-csv`` (export ``csv``): prompts.chat's columns (act, prompt, for_devs, type,
  contributor) and our own optional ones after them.
- ``prompt-yml`` (export ``yaml``): GitHub Models' ``.prompt.yml`` documents, one per prompt
  in a YAML stream; our fields under ``promptvault``.
- ``markdown``: a YAML front matter and the content as the body, one after another.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

ImportFormat = Literal["prompts-chat-csv", "langfuse-json", "prompt-yml", "markdown"]
ExportFormat = Literal["json", "csv", "yaml", "markdown"]
IMPORT_FORMATS: tuple[ImportFormat, ...] = (
    "prompts-chat-csv",
    "langfuse-json",
    "prompt-yml",
    "markdown",
)
# the import format that reads each export format back
READ_BACK: dict[ExportFormat, ImportFormat] = {
    "json": "langfuse-json",
    "csv": "prompts-chat-csv",
    "yaml": "prompt-yml",
    "markdown": "markdown",
}
MEDIA_TYPES: dict[ExportFormat, str] = {
    "json": "application/json",
    "csv": "text/csv",
    "yaml": "application/yaml",
    "markdown": "text/markdown",
}
EXTENSIONS: dict[ExportFormat, str] = {
    "json": "json",
    "csv": "csv",
    "yaml": "yaml",
    "markdown": "md",
}
LATEST = "latest"  # never imported: it follows the newest version by itself
# the content fields of a version besides title and type, in the API's spelling
_OPTIONAL = ("description", "instructions", "exampleOutput", "category", "model")


@dataclass
class Portable:
    versions: list[dict[str, Any]]  # API-shaped content, oldest first; the last is current
    visibility: str = "public"
    status: str = "published"
    labels: dict[str, int] = field(default_factory=dict)  # label -> 1-based version position
    change_messages: list[str | None] = field(default_factory=list)

    @property
    def current(self) -> dict[str, Any]:
        return self.versions[-1]

    @property
    def title(self) -> str:
        return str(self.current.get("title") or "")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a file: its 1-based number, and a Portable or why there is none."""

    number: int
    title: str
    prompt: Portable | None = None
    problem: str | None = None


class FileUnreadable(ValueError):
    """The file as a whole is not in its format (no row can be read)."""


# --- reading -----------------------------------------------------------------------------


def parse(format: ImportFormat, text: str) -> Iterator[Row]:
    """The file's rows, in order; FileUnreadable when the file itself is not the format."""
    readers = {
        "prompts-chat-csv": _csv_rows,
        "langfuse-json": _langfuse_rows,
        "prompt-yml": _yaml_rows,
        "markdown": _markdown_rows,
    }
    return readers[format](text)


def _text_of(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _version(
    title: Any, prompt_type: str, content: Any, messages: Any, extra: dict[str, Any]
) -> dict[str, Any]:
    """A version's API-shaped body: text prompts carry content, chat prompts messages."""
    body: dict[str, Any] = {"title": "" if title is None else str(title), "type": prompt_type}
    if prompt_type == "chat":
        body["messages"] = messages
    else:
        body["content"] = "" if content is None else content
    for name in (*_OPTIONAL, "variables", "tags"):
        if extra.get(name) not in (None, "", []):
            body[name] = extra[name]
    return body


def _flag(value: str | None) -> bool:
    return (value or "").strip().upper() in ("TRUE", "1", "YES")


def _json_cell(row: dict[str, str], column: str) -> Any:
    cell = row.get(column) or ""
    if not cell.strip():
        return None
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        raise _RowProblem(f"column {column} is not JSON ({error.msg})") from error


class _RowProblem(ValueError):
    pass


def _csv_rows(text: str) -> Iterator[Row]:
    csv.field_size_limit(sys.maxsize)  # a prompt longer than 128 KiB is the row's problem
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or ())
    if not {"act", "prompt"} <= columns:
        raise FileUnreadable("a prompts.chat CSV has the columns act and prompt")
    for number, cells in enumerate(reader, start=1):
        title = cells.get("act") or ""
        try:
            yield Row(number, title, _csv_prompt(cells, columns))
        except _RowProblem as problem:
            yield Row(number, title, problem=str(problem))


def _csv_prompt(cells: dict[str, str], columns: set[str]) -> Portable:
    if None in cells:  # csv puts the cells past the header under None
        raise _RowProblem("the row has more cells than the header")
    prompt_type = (cells.get("prompt_type") or "text").strip().lower()
    if "tags" in columns:
        tags = [t.strip() for t in (cells.get("tags") or "").split(",") if t.strip()]
    else:  # prompts.chat's own columns: its type (when not plain text) and for_devs
        kind = (cells.get("type") or "").strip().lower()
        tags = [kind] if kind and kind != "text" else []
        tags += ["for-devs"] if _flag(cells.get("for_devs")) else []
    extra: dict[str, Any] = {name: _text_of(cells.get(_snake(name))) for name in _OPTIONAL}
    extra["tags"] = tags
    extra["variables"] = _json_cell(cells, "variables")
    messages = _json_cell(cells, "messages") if prompt_type == "chat" else None
    version = _version(cells.get("act"), prompt_type, cells.get("prompt"), messages, extra)
    return Portable(
        [version],
        visibility=(cells.get("visibility") or "public").strip(),
        status=(cells.get("status") or "published").strip(),
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _langfuse_entries(text: str) -> list[Any]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FileUnreadable(f"the file is not JSON ({error})") from error
    if isinstance(document, dict):
        document = document.get("prompts", document.get("data"))
    if not isinstance(document, list):
        raise FileUnreadable("a Langfuse export is a list of prompts (or {prompts: [...]})")
    return document


def _langfuse_rows(text: str) -> Iterator[Row]:
    groups: dict[str, list[dict[str, Any]]] = {}
    broken: list[tuple[int, str, str]] = []
    for position, entry in enumerate(_langfuse_entries(text)):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name:
            broken.append((position, "", "an entry without a name"))
            continue
        groups.setdefault(name, []).append(entry)
    rows: list[Row] = []
    for number, entries in enumerate(groups.values(), start=1):
        title = _langfuse_title(entries)
        try:
            rows.append(Row(number, title, _langfuse_prompt(entries)))
        except _RowProblem as error:
            rows.append(Row(number, title, problem=str(error)))
    yield from rows
    for offset, (_, title, problem) in enumerate(broken, start=len(rows) + 1):
        yield Row(offset, title, problem=problem)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _langfuse_title(entries: list[dict[str, Any]]) -> str:
    config = entries[-1].get("config")
    title = config.get("title") if isinstance(config, dict) else None
    return str(title or entries[-1].get("name") or "")


def _langfuse_prompt(entries: list[dict[str, Any]]) -> Portable:
    numbers = [entry.get("version") for entry in entries]
    if all(isinstance(n, int) for n in numbers):
        if len(set(numbers)) != len(numbers):
            raise _RowProblem("two entries of this name have the same version")
        entries = sorted(entries, key=lambda entry: int(entry["version"]))
    versions, labels, messages_of = [], {}, []
    for position, entry in enumerate(entries, start=1):
        versions.append(_langfuse_version(entry))
        messages_of.append(_text_of(entry.get("commitMessage")))
        for label in entry.get("labels") or []:
            if isinstance(label, str) and label != LATEST:
                labels[label] = position
    config = _mapping(entries[-1].get("config"))
    return Portable(
        versions,
        visibility=str(config.get("visibility") or "public"),
        status=str(config.get("status") or "published"),
        labels=labels,
        change_messages=messages_of,
    )


def _langfuse_version(entry: dict[str, Any]) -> dict[str, Any]:
    config = _mapping(entry.get("config"))
    prompt = entry.get("prompt")
    prompt_type = str(entry.get("type") or ("chat" if isinstance(prompt, list) else "text"))
    messages = None
    if prompt_type == "chat":
        if not isinstance(prompt, list):
            raise _RowProblem("a chat prompt's prompt is a list of messages")
        if any(isinstance(m, dict) and m.get("type") == "placeholder" for m in prompt):
            raise _RowProblem("message placeholders are not supported")
        messages = [
            {"role": m.get("role"), "content": m.get("content")} if isinstance(m, dict) else m
            for m in prompt
        ]
    elif not isinstance(prompt, str):
        raise _RowProblem("a text prompt's prompt is a string")
    extra = {name: config.get(name) for name in (*_OPTIONAL, "variables")}
    extra["tags"] = entry.get("tags")
    title = config.get("title") or entry.get("name")
    return _version(title, prompt_type, prompt, messages, extra)


def _yaml_documents(text: str) -> list[Any]:
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        raise FileUnreadable(f"the file is not YAML ({error})") from error
    flat: list[Any] = []
    for document in documents:
        flat.extend(document if isinstance(document, list) else [document])
    return flat


def _yaml_rows(text: str) -> Iterator[Row]:
    for number, document in enumerate(_yaml_documents(text), start=1):
        title = str(document.get("name") or "") if isinstance(document, dict) else ""
        try:
            yield Row(number, title, _yaml_prompt(document))
        except _RowProblem as problem:
            yield Row(number, title, problem=str(problem))


def _yaml_prompt(document: Any) -> Portable:
    if not isinstance(document, dict):
        raise _RowProblem("a .prompt.yml document is a mapping")
    ours = _mapping(document.get("promptvault"))
    messages = document.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _RowProblem("a .prompt.yml document has a list of messages")
    prompt_type = str(ours.get("type") or "chat")
    content = None
    if prompt_type == "text":
        if len(messages) != 1 or not isinstance(messages[0], dict):
            raise _RowProblem("a text prompt is one message")
        content = messages[0].get("content")
    extra = {name: ours.get(name) for name in (*_OPTIONAL, "variables", "tags")}
    extra["description"] = document.get("description")
    version = _version(document.get("name"), prompt_type, content, messages, extra)
    return Portable(
        [version],
        visibility=str(ours.get("visibility") or "public"),
        status=str(ours.get("status") or "published"),
    )


_FENCE = "---"


def _front_matter_at(lines: list[str], start: int) -> tuple[dict[str, Any], int] | None:
    """The front matter opening at ``lines[start]`` and the line after it closes, or None
    when no ``---`` fenced YAML mapping with a title opens there."""
    if start >= len(lines) or lines[start].rstrip() != _FENCE:
        return None
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() == _FENCE:
            try:
                matter = yaml.safe_load("\n".join(lines[start + 1 : end]))
            except yaml.YAMLError:
                return None
            if isinstance(matter, dict) and "title" in matter:
                return matter, end + 1
            return None
    return None


def _markdown_rows(text: str) -> Iterator[Row]:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if _front_matter_at(lines, first) is None:
        yield _plain_markdown(lines)  # one prompt: a "# Title" heading and the body
        return
    number, at = 0, first
    while at < len(lines):
        opened = _front_matter_at(lines, at)
        if opened is None:
            break
        matter, body_start = opened
        end = body_start
        while end < len(lines) and _front_matter_at(lines, end) is None:
            end += 1
        number += 1
        body = "\n".join(lines[body_start:end]).strip()
        try:
            yield Row(number, str(matter.get("title") or ""), _markdown_prompt(matter, body))
        except _RowProblem as problem:
            yield Row(number, str(matter.get("title") or ""), problem=str(problem))
        at = end


def _plain_markdown(lines: list[str]) -> Row:
    heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if heading is None:
        return Row(1, "", problem="a markdown prompt starts with a front matter or a # heading")
    title = lines[heading][2:].strip()
    body = "\n".join(lines[heading + 1 :]).strip()
    return Row(1, title, Portable([_version(title, "text", body, None, {})]))


def _markdown_prompt(matter: dict[str, Any], body: str) -> Portable:
    prompt_type = str(matter.get("type") or "text")
    messages = matter.get("messages") if prompt_type == "chat" else None
    extra = {name: matter.get(name) for name in (*_OPTIONAL, "variables", "tags")}
    version = _version(matter.get("title"), prompt_type, body, messages, extra)
    return Portable(
        [version],
        visibility=str(matter.get("visibility") or "public"),
        status=str(matter.get("status") or "published"),
    )


# --- writing -----------------------------------------------------------------------------


def render(format: ExportFormat, prompts: list[Portable], names: list[str]) -> str:
    """The file of these prompts. ``names``: one unique name per prompt (its slug), which
    Langfuse's format groups versions by."""
    if format == "json":
        return _langfuse_file(prompts, names)
    if format == "csv":
        return _csv_file(prompts)
    if format == "yaml":
        return _yaml_file(prompts)
    return _markdown_file(prompts)


def _ours(version: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: version[name] for name in names if version.get(name) not in (None, "", [])}


def _langfuse_file(prompts: list[Portable], names: list[str]) -> str:
    entries: list[dict[str, Any]] = []
    for prompt, name in zip(prompts, names, strict=True):
        at_label: dict[int, list[str]] = {}
        for label, position in prompt.labels.items():
            at_label.setdefault(position, []).append(label)
        last = len(prompt.versions)
        for position, version in enumerate(prompt.versions, start=1):
            labels = sorted(at_label.get(position, [])) + ([LATEST] if position == last else [])
            chat = version.get("type") == "chat"
            config = {"title": version["title"], **_ours(version, (*_OPTIONAL, "variables"))}
            config |= {"visibility": prompt.visibility, "status": prompt.status}
            entry: dict[str, Any] = {
                "name": name,
                "version": position,
                "type": "chat" if chat else "text",
                "prompt": version["messages"] if chat else version["content"],
                "labels": labels,
                "tags": list(version.get("tags") or []),
                "config": config,
            }
            messages = prompt.change_messages
            if position <= len(messages) and messages[position - 1]:
                entry["commitMessage"] = messages[position - 1]
            entries.append(entry)
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = (
    "act",
    "prompt",
    "for_devs",
    "type",
    "contributor",
    "prompt_type",
    "messages",
    "description",
    "instructions",
    "example_output",
    "category",
    "model",
    "tags",
    "variables",
    "visibility",
    "status",
)


def _csv_file(prompts: list[Portable]) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for prompt in prompts:
        version = prompt.current
        tags = list(version.get("tags") or [])
        chat = version.get("type") == "chat"
        row = {
            "act": version["title"],
            "prompt": version.get("content") or "",
            "for_devs": "TRUE" if "for-devs" in tags else "FALSE",
            "type": "TEXT",
            "contributor": "",
            "prompt_type": "chat" if chat else "text",
            "messages": json.dumps(version["messages"], ensure_ascii=False) if chat else "",
            "tags": ",".join(tags),
            "variables": json.dumps(version["variables"], ensure_ascii=False)
            if version.get("variables")
            else "",
            "visibility": prompt.visibility,
            "status": prompt.status,
        }
        for name in _OPTIONAL:
            row[_snake(name)] = version.get(name) or ""
        writer.writerow(row)
    return out.getvalue()


def _yaml_dump(value: Any, **options: Any) -> str:
    return str(yaml.safe_dump(value, allow_unicode=True, sort_keys=False, **options))


def _yaml_file(prompts: list[Portable]) -> str:
    documents = []
    for prompt in prompts:
        version = prompt.current
        chat = version.get("type") == "chat"
        text = [{"role": "user", "content": version.get("content")}]
        messages = version["messages"] if chat else text
        ours = {"type": "chat" if chat else "text"}
        ours |= _ours(version, ("instructions", "exampleOutput", "category", "model"))
        ours |= _ours(version, ("tags", "variables"))
        ours |= {"visibility": prompt.visibility, "status": prompt.status}
        document: dict[str, Any] = {"name": version["title"]}
        if version.get("description"):
            document["description"] = version["description"]
        document |= {"messages": messages, "promptvault": ours}
        documents.append(document)
    return _yaml_dump_all(documents)


def _yaml_dump_all(documents: list[dict[str, Any]]) -> str:
    if not documents:
        return ""
    return str(
        yaml.safe_dump_all(
            documents, allow_unicode=True, sort_keys=False, explicit_start=True, width=100
        )
    )


def _markdown_file(prompts: list[Portable]) -> str:
    parts = []
    for prompt in prompts:
        version = prompt.current
        chat = version.get("type") == "chat"
        matter: dict[str, Any] = {"title": version["title"], "type": "chat" if chat else "text"}
        matter |= _ours(version, (*_OPTIONAL, "tags", "variables"))
        matter |= {"visibility": prompt.visibility, "status": prompt.status}
        if chat:
            matter["messages"] = version["messages"]
        body = "" if chat else version.get("content") or ""
        parts.append(f"{_FENCE}\n{_yaml_dump(matter, width=100)}{_FENCE}\n\n{body}\n")
    return "\n".join(parts)
