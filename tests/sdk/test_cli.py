"""``pv`` without a server: login writes the config with mode 0600; --var parsing."""

from __future__ import annotations

import json
import stat

import pytest
from click.testing import CliRunner
from promptvault_sdk.cli import _value, cli


def test_login_stores_the_key_readable_by_the_user_alone(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PV_CONFIG": "", "PV_API_KEY": ""}
    old = tmp_path / "promptvault" / "config.json"
    old.parent.mkdir()
    old.write_text("{}")
    old.chmod(0o644)  # an older file loosened by hand is tightened again

    result = CliRunner().invoke(
        cli, ["login", "--base-url", "http://127.0.0.1:3000/", "--api-key", "pv_secret"], env=env
    )

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(old.stat().st_mode) == 0o600
    assert json.loads(old.read_text()) == {
        "base_url": "http://127.0.0.1:3000",
        "api_key": "pv_secret",
    }
    assert "pv_secret" not in result.output


def test_login_prompts_for_the_key_without_echoing_it(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PV_CONFIG": "", "PV_API_KEY": ""}

    result = CliRunner().invoke(
        cli, ["login", "--base-url", "http://x"], input="pv_typed\n", env=env
    )

    assert result.exit_code == 0, result.output
    assert "pv_typed" not in result.output
    path = tmp_path / "promptvault" / "config.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["api_key"] == "pv_typed"


def test_login_refuses_what_is_not_a_key(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PV_CONFIG": "", "PV_API_KEY": ""}

    result = CliRunner().invoke(
        cli, ["login", "--base-url", "http://x", "--api-key", "nope"], env=env
    )

    assert result.exit_code != 0
    assert not (tmp_path / "promptvault" / "config.json").exists()


@pytest.mark.parametrize(
    ("raw", "pair"),
    [
        ("topic=the launch", ("topic", "the launch")),
        ("n:=3", ("n", 3)),
        ("flag:=true", ("flag", True)),
        ('j:={"a": [1]}', ("j", {"a": [1]})),
        ("s=a:=b", ("s", "a:=b")),
        ("eq=x=y", ("eq", "x=y")),
    ],
)
def test_var_is_text_or_json(raw, pair):
    assert _value(raw) == pair


def test_commands_need_a_login(tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path), "PV_CONFIG": "", "PV_BASE_URL": "", "PV_API_KEY": ""}

    result = CliRunner().invoke(cli, ["pull", "p1"], env=env)

    assert result.exit_code == 1
    assert "pv login" in result.output
