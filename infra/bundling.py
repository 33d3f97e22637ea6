"""Lambda packaging without Docker: the shared layer and the per-function code assets.

These machines have no Docker daemon, so both assets use CDK's ``ILocalBundling`` hook:
the layer is ``uv pip install``-ed for the Lambda platform (arm64 manylinux wheels only,
never a local build), our ``promptvault`` package is copied in and everything is compiled
to bytecode, because cold start on Lambda is import time. Asset hashes are content hashes
computed here, so CDK skips bundling when nothing changed, and the built layer is cached
under ``cdk.out/.cache`` so repeated synths (tests, stages) reuse one build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra.stages import REPO_ROOT

PYTHON_VERSION = "3.12"
RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
# Lambda's python3.12 runs Amazon Linux 2023 (glibc 2.34); manylinux2014 wheels run there.
PYTHON_PLATFORM = "aarch64-manylinux2014"
LAYER_SIZE_LIMIT_MB = 250  # Lambda's unzipped limit for function + layers
# Bump when the recipe below changes, so cached layers built the old way are not reused.
RECIPE = "layer-v1"

CACHE_DIR = REPO_ROOT / "cdk.out" / ".cache"
LAYER_SOURCE = REPO_ROOT / "layers" / "promptvault"
FUNCTIONS_DIR = REPO_ROOT / "functions"
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache")
# Docker is never run: local bundling always succeeds or raises. CDK still wants an image.
_UNUSED_IMAGE = DockerImage.from_registry("public.ecr.aws/sam/build-python3.12")


def _source_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def _hash_tree(digest: Any, root: Path, base: Path) -> None:
    for path in _source_files(root):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())


def _uv() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    if not Path(found).exists():
        raise RuntimeError("uv not found; run `make install` first")
    return found


def _run(*args: str) -> None:
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    subprocess.run(args, check=True, cwd=REPO_ROOT, env=env)  # noqa: S603 - fixed argv


def _compile_bytecode(root: Path) -> None:
    """Ship .pyc: deterministic (hash-based), so the same sources give the same asset."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" != PYTHON_VERSION:
        raise RuntimeError(f"synthesize with Python {PYTHON_VERSION}: bytecode is version-bound")
    _run(
        sys.executable,
        "-m",
        "compileall",
        "-q",
        "-j",
        "0",
        "--invalidation-mode",
        "unchecked-hash",
        str(root),
    )


def tree_size_mb(root: Path) -> float:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1_000_000


@lru_cache(maxsize=1)
def layer_hash() -> str:
    digest = hashlib.sha256(f"{RECIPE}|{PYTHON_VERSION}|{PYTHON_PLATFORM}".encode())
    digest.update((REPO_ROOT / "uv.lock").read_bytes())
    _hash_tree(digest, LAYER_SOURCE, REPO_ROOT)
    return digest.hexdigest()[:32]


def _build_layer(target: Path) -> None:
    """Third-party wheels for Lambda's platform, then our package, then bytecode."""
    requirements = target / "requirements.txt"
    site = target / "python"
    _run(
        _uv(),
        "export",
        "--frozen",
        "--no-dev",
        "--no-hashes",
        "--no-emit-project",
        "--no-header",
        "--no-annotate",
        "--quiet",
        "--output-file",
        str(requirements),
    )
    _run(
        _uv(),
        "pip",
        "install",
        "--quiet",
        "--no-deps",  # the export is the complete, locked closure
        "--target",
        str(site),
        "--python-platform",
        PYTHON_PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--only-binary",
        ":all:",
        "--requirement",
        str(requirements),
    )
    requirements.unlink()
    shutil.rmtree(site / "bin", ignore_errors=True)  # console scripts are useless in a layer
    shutil.copytree(LAYER_SOURCE, site / "promptvault", ignore=_SKIP)
    _compile_bytecode(site)


@lru_cache(maxsize=1)
def built_layer() -> Path:
    """The layer directory for the current sources, built once and cached by content hash."""
    final = CACHE_DIR / f"layer-{layer_hash()}"
    if not final.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="building-", dir=CACHE_DIR))
        try:
            _build_layer(staging)
            os.replace(staging, final)
        except OSError:
            if not final.exists():  # a parallel synth may have won the rename
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for stale in CACHE_DIR.glob("layer-*"):  # one layer is ~65 MB; keep only this one
            if stale != final and stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
    size = tree_size_mb(final)
    print(
        f"PromptVault layer: {size:.1f} MB unzipped (limit {LAYER_SIZE_LIMIT_MB} MB), {final.name}",
        file=sys.stderr,
    )
    return final


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link cached files into the assembly (fast, no extra space); copy across devices."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _publish(cached: Path, output_dir: str) -> None:
    shutil.copytree(cached, output_dir, dirs_exist_ok=True, copy_function=_link_or_copy)


@jsii.implements(ILocalBundling)
class _LayerBundler:
    def try_bundle(self, output_dir: str, _options: Any = None) -> bool:
        _publish(built_layer(), output_dir)
        return True


@jsii.implements(ILocalBundling)
class _FunctionBundler:
    def __init__(self, name: str) -> None:
        self._name = name

    def try_bundle(self, output_dir: str, _options: Any = None) -> bool:
        _publish(built_function(self._name), output_dir)
        return True


def _build_function(name: str, target: Path) -> None:
    """Only ``functions/__init__.py`` and ``functions/<name>/`` ship, as bytecode too."""
    package = target / "functions"
    package.mkdir(parents=True)
    shutil.copy2(FUNCTIONS_DIR / "__init__.py", package / "__init__.py")
    source = FUNCTIONS_DIR / name
    if source.is_dir():
        shutil.copytree(source, package / name, ignore=_SKIP)
    _compile_bytecode(target)


def built_function(name: str) -> Path:
    final = CACHE_DIR / "functions" / f"{name}-{function_hash(name)}"
    if not final.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix="building-", dir=final.parent))
        try:
            _build_function(name, staging / "out")
            os.replace(staging / "out", final)
        except OSError:
            if not final.exists():
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return final


def _local(bundler: object) -> ILocalBundling:
    """jsii calls ``try_bundle(output_dir, options)`` with the options struct positional,
    which the generated keyword-only stub cannot express; the cast is for mypy only."""
    return cast(ILocalBundling, bundler)


def layer_code() -> lambda_.Code:
    built_layer()  # build (or reuse) eagerly so the size is printed on every synth
    return lambda_.Code.from_asset(
        str(LAYER_SOURCE),
        asset_hash=layer_hash(),
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=_local(_LayerBundler())),
    )


def function_hash(name: str) -> str:
    digest = hashlib.sha256(f"{RECIPE}|{PYTHON_VERSION}|{name}".encode())
    digest.update((FUNCTIONS_DIR / "__init__.py").read_bytes())
    source = FUNCTIONS_DIR / name
    if source.is_dir():
        _hash_tree(digest, source, FUNCTIONS_DIR)
    return digest.hexdigest()[:32]


def function_code(name: str) -> lambda_.Code:
    if not (FUNCTIONS_DIR / name / "handler.py").is_file():
        print(f"warning: functions/{name}/handler.py does not exist yet", file=sys.stderr)
    return lambda_.Code.from_asset(
        str(FUNCTIONS_DIR),
        asset_hash=function_hash(name),
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=_local(_FunctionBundler(name))),
    )
