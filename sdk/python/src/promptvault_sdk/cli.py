"""``pv``: the PromptVault command line (click).

``pv login`` stores the base URL and an API key in ``$XDG_CONFIG_HOME/promptvault/config.json``
(``~/.config/...`` without it; ``PV_CONFIG`` names another file), mode 0600. ``PV_BASE_URL`` and
``PV_API_KEY`` override what is stored.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from promptvault_sdk.client import PromptVault
from promptvault_sdk.errors import APIError, PromptVaultError


def config_path() -> Path:
    if os.environ.get("PV_CONFIG"):
        return Path(os.environ["PV_CONFIG"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "promptvault" / "config.json"


def load_config() -> dict[str, Any]:
    path = config_path()
    stored: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    if os.environ.get("PV_BASE_URL"):
        stored["base_url"] = os.environ["PV_BASE_URL"]
    if os.environ.get("PV_API_KEY"):
        stored["api_key"] = os.environ["PV_API_KEY"]
    return stored


def save_config(config: dict[str, Any]) -> Path:
    """Written with mode 0600 from the start (never readable by others, even briefly)."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as sink:
        json.dump(config, sink, indent=2)
        sink.write("\n")
    os.chmod(path, 0o600)  # an older file keeps its mode through O_TRUNC
    return path


def _client() -> PromptVault:
    config = load_config()
    if not config.get("base_url"):
        raise click.ClickException("not logged in: run `pv login` (or set PV_BASE_URL)")
    return PromptVault(config["base_url"], config.get("api_key"), cache_ttl=0)


def _fail(error: PromptVaultError) -> click.ClickException:
    if isinstance(error, APIError):
        lines = [f"{error.status} {error.code}: {error.message}"]
        lines += [f"  {d.get('field')}: {d.get('message')}" for d in error.details]
        return click.ClickException("\n".join(lines))
    return click.ClickException(str(error))


def _value(raw: str) -> tuple[str, Any]:
    """``k=v`` is the string v; ``k:=v`` is v read as JSON (a number, true, a list...)."""
    if raw.partition("=")[0].endswith(":"):
        name, _, text = raw.partition(":=")
        try:
            return name, json.loads(text)
        except ValueError as error:
            raise click.BadParameter(f"{raw!r}: not JSON after :=") from error
    name, sep, text = raw.partition("=")
    if not sep or not name:
        raise click.BadParameter(f"{raw!r}: expected NAME=VALUE or NAME:=JSON")
    return name, text


@click.group()
@click.version_option(package_name="promptvault-sdk", message="pv %(version)s")
def cli() -> None:
    """PromptVault from the command line."""


@cli.command()
@click.option("--base-url", prompt="API base URL", help="e.g. http://127.0.0.1:3000")
@click.option(
    "--api-key",
    prompt="API key (pv_...)",
    hide_input=True,
    envvar="PV_API_KEY",
    help="a personal key",
)
def login(base_url: str, api_key: str) -> None:
    """Store the base URL and API key (mode 0600)."""
    if not api_key.startswith("pv_"):
        raise click.BadParameter("an API key starts with pv_", param_hint="--api-key")
    path = save_config({"base_url": base_url.rstrip("/"), "api_key": api_key})
    click.echo(f"saved {path}")


@cli.command()
@click.argument("prompt_id")
@click.option("--label", help="a label (default production)")
@click.option("--version", "number", type=int, help="a version number")
@click.option("--json", "as_json", is_flag=True, help="print the whole version as JSON")
def pull(prompt_id: str, label: str | None, number: int | None, as_json: bool) -> None:
    """Print a version's content (production unless --label or --version)."""
    if label and number is not None:
        raise click.UsageError("--label or --version, not both")
    with _client() as client:
        try:
            prompt = client.get_prompt(prompt_id, label or "production", number)
        except PromptVaultError as error:
            raise _fail(error) from error
    if as_json:
        click.echo(json.dumps({**prompt.raw, "etag": prompt.etag}, indent=2, ensure_ascii=False))
    else:
        click.echo(prompt.content)


@cli.command()
@click.argument("prompt_id")
@click.option("--var", "variables", multiple=True, help="NAME=VALUE (text) or NAME:=JSON")
@click.option("--label", help="a label (default production)")
@click.option("--version", "number", type=int, help="a version number")
@click.option("--no-strict", is_flag=True, help="ignore values the version does not declare")
@click.option("--json", "as_json", is_flag=True, help="print the render answer as JSON")
def render(
    prompt_id: str,
    variables: tuple[str, ...],
    label: str | None,
    number: int | None,
    no_strict: bool,
    as_json: bool,
) -> None:
    """Render on the server (POST /v1/prompts/{id}/render) and print the text."""
    values = dict(_value(raw) for raw in variables)
    with _client() as client:
        try:
            rendered = client.render(
                prompt_id, values, label=label, version=number, strict=not no_strict
            )
        except PromptVaultError as error:
            raise _fail(error) from error
    if as_json:
        messages = [asdict(m) for m in rendered.messages or []]
        click.echo(
            json.dumps(
                {
                    "promptId": rendered.prompt_id,
                    "version": rendered.version,
                    "label": rendered.label,
                    "type": rendered.type,
                    "text": rendered.text,
                    "messages": messages if rendered.messages is not None else None,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    elif rendered.text is not None:
        click.echo(rendered.text)
    else:
        click.echo("\n\n".join(f"{m.role}: {m.content}" for m in rendered.messages or []))


@cli.group()
def labels() -> None:
    """List and move labels."""


@labels.command("set")
@click.argument("prompt_id")
@click.argument("label")
@click.argument("version", type=int)
def labels_set(prompt_id: str, label: str, version: int) -> None:
    """Point LABEL at VERSION (a write key of the owner)."""
    with _client() as client:
        try:
            moved = client.set_label(prompt_id, label, version)
        except PromptVaultError as error:
            raise _fail(error) from error
    click.echo(f"{moved.name} -> version {moved.version}")


@labels.command("list")
@click.argument("prompt_id")
def labels_list(prompt_id: str) -> None:
    """Every label and the version it names."""
    with _client() as client:
        try:
            found = client.labels(prompt_id)
        except PromptVaultError as error:
            raise _fail(error) from error
    for item in found:
        click.echo(f"{item.name}\t{item.version}")


@cli.command()
@click.argument("file", type=click.File("r"))
def push(file: Any) -> None:
    """Create a prompt from a JSON file (the body of POST /v1/prompts); prints its id."""
    try:
        body = json.load(file)
    except ValueError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="FILE") from error
    with _client() as client:
        try:
            created = client.create_prompt(body)
        except PromptVaultError as error:
            raise _fail(error) from error
    click.echo(f"{created['id']}\tversion {created.get('version', 1)}\t{created.get('slug', '')}")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["prompts-chat-csv", "langfuse-json", "prompt-yml", "markdown"]),
    help="default: from the extension (.csv, .json, .yml/.yaml, .md)",
)
@click.option("--no-wait", is_flag=True, help="print the import's id and return at once")
def import_(file: Path, fmt: str | None, no_wait: bool) -> None:
    """Import FILE's prompts; print the counts and each rejected row's reason."""
    with _client() as client:
        try:
            done = client.import_file(file, fmt, wait=not no_wait)
            rejected = list(client.import_rows(done.id, "rejected")) if done.finished else []
        except PromptVaultError as error:
            raise _fail(error) from error
        except (ValueError, TimeoutError) as error:  # an unknown extension; still processing
            raise click.ClickException(str(error)) from error
    if not done.finished:
        click.echo(f"{done.id}\t{done.status}")
        return
    counts = done.counts
    click.echo(
        f"{done.id}\t{done.status}\tcreated {counts.created}\tskipped {counts.skipped}"
        f"\trejected {counts.rejected}"
    )
    if done.error:
        click.echo(f"error: {done.error}")
    for row in rejected:
        click.echo(f"row {row.number}\t{row.title or ''}\t{row.reason}")
    if done.status == "failed":
        raise SystemExit(1)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "yaml", "markdown"]), default="json"
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="a file")
def export(fmt: str, output: Path | None) -> None:
    """Export one's own prompts (json carries versions and labels) to stdout or --output."""
    with _client() as client:
        try:
            text = client.export(fmt)
        except PromptVaultError as error:
            raise _fail(error) from error
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"saved {output}")


def main() -> None:
    cli(prog_name="pv")


if __name__ == "__main__":
    main()
