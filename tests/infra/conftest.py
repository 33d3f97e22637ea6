"""Synthesize each stage once per test session and share the cloud assemblies.

A synth costs seconds (jsii + cdk-nag), so every infra test reads the same assemblies;
the tests are grouped on one xdist worker (``xdist_group("infra")``) for that reason.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")

from infra.app import StageStacks, synth
from infra.consumers import CONSUMERS, StreamConsumer
from infra.stages import STAGE_NAMES

Template = dict[str, Any]

# A consumer that exists only in tests: proves the streams stack before issue 4 adds real ones.
PROBE_CONSUMER = StreamConsumer(
    package="stream_probe",
    summary="A stream consumer that exists only in the infra tests",
    access=("table:get", "search:write"),
    filters=({"dynamodb": {"Keys": {"SK": {"S": ["META"]}}}},),
)


@dataclass
class Assembly:
    stage: str
    outdir: Path
    stacks: StageStacks
    templates: dict[str, Template] = field(default_factory=dict)  # file stem -> template

    def stack(self, concern: str) -> Template:
        return self.templates[f"PromptVault-{self.stage}-{concern}"]

    def nested(self) -> dict[str, Template]:
        return {name: t for name, t in self.templates.items() if name.endswith(".nested")}

    def resources(self, kind: str) -> dict[str, Any]:
        """Every resource of one type across all templates (top-level and nested)."""
        found: dict[str, Any] = {}
        for name, template in self.templates.items():
            for logical_id, resource in template.get("Resources", {}).items():
                if resource["Type"] == kind:
                    found[f"{name}/{logical_id}"] = resource
        return found


def _load(stage: str, outdir: Path, stacks: StageStacks) -> Assembly:
    assembly = Assembly(stage, outdir, stacks)
    for path in outdir.glob("*.template.json"):
        assembly.templates[path.name.removesuffix(".template.json")] = json.loads(path.read_text())
    return assembly


class _Synths:
    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self._factory = factory
        self._done: dict[str, Assembly] = {}

    def get(self, stage: str, *, probe_consumer: bool = False) -> Assembly:
        key = f"{stage}+consumer" if probe_consumer else stage
        if key not in self._done:
            outdir = self._factory.mktemp(f"cdk-{key}")
            consumers = (*CONSUMERS, PROBE_CONSUMER) if probe_consumer else CONSUMERS
            stacks = synth(stage, str(outdir), consumers)
            self._done[key] = _load(stage, outdir, stacks)
        return self._done[key]


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> _Synths:
    return _Synths(tmp_path_factory)


@pytest.fixture(scope="session", params=STAGE_NAMES)
def assembly(request: pytest.FixtureRequest, synths: _Synths) -> Assembly:
    """Parametrized over every stage: each test runs against dev, staging and prod."""
    return synths.get(request.param)


@pytest.fixture(scope="session")
def dev(synths: _Synths) -> Assembly:
    return synths.get("dev")


@pytest.fixture(scope="session")
def prod(synths: _Synths) -> Assembly:
    return synths.get("prod")


@pytest.fixture(scope="session")
def with_consumer(synths: _Synths) -> Assembly:
    return synths.get("prod", probe_consumer=True)
