"""A real OpenSearch node on 127.0.0.1, assembled from Maven Central artifacts.

No distribution archive: the server jar and its dependencies become ``lib/``, each module
the product needs (HTTP and transport, the standard analyzers, painless for the trending
and counter scripts) becomes ``modules/<name>/`` with a descriptor and a security policy
written here, since the module jars on Maven Central carry neither. The home is assembled
once under ``~/.cache/promptvault/opensearch-<version>`` (Maven resolves into ~/.m2 once,
then runs offline); every node started from it gets its own data, logs and temp dirs,
removed when it stops. Used by the tests (a session fixture), ``make run SEARCH=opensearch``
and the search bench. See docs/search.md, "The real node".

    python -m infra.local.opensearch_node            # start one, print its URL, wait for ^C
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

VERSION = "2.19.6"
LOG4J_VERSION = "2.25.4"  # the server's pom names log4j-core without letting Maven copy it
JAVA_VERSION = "17"
HEAP = os.environ.get("OPENSEARCH_HEAP", "1g")  # -Xms = -Xmx; 2 cores, 24 GB machines
CACHE = Path(os.environ.get("PROMPTVAULT_CACHE", Path.home() / ".cache" / "promptvault"))
START_TIMEOUT = 240.0  # a loaded 2-core machine has taken 80 s


class NodeUnavailable(RuntimeError):
    """The node could not be assembled or did not come up; the message says why, exactly."""


@dataclass(frozen=True)
class Module:
    name: str  # the directory under modules/, as in the distribution
    artifact: str  # groupId:artifactId on Maven Central
    classname: str
    description: str
    policy: str = ""  # the grants of its plugin-security.policy, if it needs any


# What the mapping, the queries and the scripts of promptvault.search use.
MODULES = (
    Module(
        "transport-netty4",
        "org.opensearch.plugin:transport-netty4-client",
        "org.opensearch.transport.Netty4Plugin",
        "Netty 4 based HTTP and node-to-node transport",
        # sockets, the kernel's backlog setting, netty's own event-loop threads
        'permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";\n'
        'permission java.net.SocketPermission "*", "accept,connect";\n'
        'permission java.lang.RuntimePermission "*", "setContextClassLoader";\n'
        'permission java.lang.RuntimePermission "getClassLoader";\n'
        'permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";\n',
    ),
    Module(
        "analysis-common",
        "org.opensearch.plugin:analysis-common",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "Common analysis components",
    ),
    Module(
        "lang-painless",
        "org.opensearch.plugin:lang-painless",
        "org.opensearch.painless.PainlessPlugin",
        "The painless scripting language (trending score, guarded counter updates)",
        # painless compiles each script into a class of its own loader
        'permission java.lang.RuntimePermission "createClassLoader";\n'
        'permission java.lang.RuntimePermission "getClassLoader";\n',
    ),
)

LOG4J2 = """\
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%c{1.}] %m%n
rootLogger.level = warn
rootLogger.appenderRef.console.ref = console
logger.node.name = org.opensearch.node.Node
logger.node.level = info
"""

# The JVM flags the distribution's launcher always adds (its SystemJvmOptions), in our words.
SYSTEM_JVM_FLAGS = (
    "-Xss1m",
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ShowCodeDetailsInExceptionMessages",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Djna.nosys=true",
    # JNA may not unpack its native library, so the node runs without native calls (mlockall,
    # the syscall filter) and without their refusal to run as root, who runs tests and CI here.
    "-Djna.nounpack=true",
    "-Djava.locale.providers=SPI,COMPAT",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dio.netty.allocator.numDirectArenas=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
    "-Dopensearch.networkaddress.cache.ttl=60",
    "-Dopensearch.networkaddress.cache.negative.ttl=10",
)


# --- assembling the home -------------------------------------------------------------------


def home_dir() -> Path:
    return CACHE / f"opensearch-{VERSION}"


def _pom(artifacts: list[str]) -> str:
    deps = "".join(
        f"<dependency><groupId>{group}</groupId><artifactId>{name}</artifactId>"
        f"<version>{version}</version></dependency>"
        for group, name, version in (a.split(":") for a in artifacts)
    )
    return (
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>local.promptvault</groupId><artifactId>opensearch-node-part</artifactId>"
        f"<version>1</version><packaging>pom</packaging><dependencies>{deps}</dependencies>"
        "</project>\n"
    )


def _copy_dependencies(artifacts: list[str], into: Path, work: Path) -> list[Path]:
    """Every jar the artifacts need, resolved by Maven: offline first, the registry once."""
    mvn = shutil.which("mvn")
    if mvn is None:
        raise NodeUnavailable("mvn is not on PATH: Maven (and Java 17) assemble the node")
    work.mkdir(parents=True, exist_ok=True)
    (work / "pom.xml").write_text(_pom(artifacts))
    goal = ["dependency:copy-dependencies", f"-DoutputDirectory={into}"]
    failure = ""
    for offline in (["-o"], []):
        done = subprocess.run(  # noqa: S603 - fixed argv
            [mvn, "-q", "-B", *offline, "-f", str(work / "pom.xml"), *goal],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return sorted(into.glob("*.jar"))
        failure = (done.stdout + done.stderr).strip()
    plain = failure.replace("\x1b[0m", "").replace("\x1b[1m", "")
    errors = [line for line in plain.splitlines() if "[ERROR]" in line and len(line) > 12]
    raise NodeUnavailable(f"Maven could not resolve {artifacts}: {(errors or [plain[-800:]])[0]}")


def _descriptor(module: Module) -> str:
    return (
        f"name={module.name}\n"
        f"description={module.description}\n"
        f"version={VERSION}\n"
        f"opensearch.version={VERSION}\n"
        f"java.version={JAVA_VERSION}\n"
        f"classname={module.classname}\n"
        "extended.plugins=\n"
        "has.native.controller=false\n"
    )


def assemble(home: Path | None = None) -> Path:
    """The node's home (lib/, modules/, config/), built once; a marker file says it is whole."""
    home = home or home_dir()
    marker = home / ".assembled"
    if marker.exists():
        return home
    building = home.with_name(home.name + f".building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    try:
        _assemble_into(building)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    home.parent.mkdir(parents=True, exist_ok=True)
    try:
        building.rename(home)
    except OSError:  # another process assembled it meanwhile
        shutil.rmtree(building, ignore_errors=True)
    return home


def _assemble_into(building: Path) -> None:
    work = building / "maven"
    server = [
        f"org.opensearch:opensearch:{VERSION}",
        f"org.opensearch:opensearch-plugin-classloader:{VERSION}",  # loads a module's jars
        f"org.apache.logging.log4j:log4j-core:{LOG4J_VERSION}",
    ]
    server_jars = _copy_dependencies(server, building / "lib", work / "server")
    on_classpath = {jar.name for jar in server_jars}
    for module in MODULES:
        target = building / "modules" / module.name
        jars = _copy_dependencies([f"{module.artifact}:{VERSION}"], target, work / module.name)
        for jar in jars:
            if jar.name in on_classpath:  # the server's own jars: twice would be jar hell
                jar.unlink()
        (target / "plugin-descriptor.properties").write_text(_descriptor(module))
        if module.policy:
            (target / "plugin-security.policy").write_text(f"grant {{\n{module.policy}}};\n")
    (building / "plugins").mkdir()
    config = building / "config"
    config.mkdir()
    (config / "opensearch.yml").write_text("# every setting is passed with -E by the launcher\n")
    (config / "log4j2.properties").write_text(LOG4J2)
    shutil.rmtree(work)
    (building / ".assembled").write_text(VERSION + "\n")


# --- running a node ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidate = Path(java_home) / "bin" / "java" if java_home else None
    found = str(candidate) if candidate and candidate.exists() else shutil.which("java")
    if not found:
        raise NodeUnavailable("java is not on PATH: the node needs Java 17")
    return found


@dataclass
class OpenSearchNode:
    """A running node. ``stop()`` is idempotent and removes its data."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    run_dir: Path
    started_in: float  # seconds from exec to a yellow cluster
    heap: str = HEAP
    _stopped: bool = field(default=False)

    def stop(self, timeout: float = 20.0) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        log = self.run_dir / "node.log"
        return (
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""
        )

    def __enter__(self) -> OpenSearchNode:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def _command(home: Path, run_dir: Path, http_port: int, heap: str) -> list[str]:
    settings = {
        "cluster.name": "promptvault-local",
        "node.name": "local-node",
        "discovery.type": "single-node",
        "network.host": "127.0.0.1",
        "http.port": str(http_port),
        "transport.port": str(free_port()),
        "path.data": str(run_dir / "data"),
        "path.logs": str(run_dir / "logs"),
        "bootstrap.memory_lock": "false",
        # the machine's disk may be fuller than a production node's watermarks allow
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        # as the product requires: an index is created with its mapping, never by a write
        "action.auto_create_index": "false",
    }
    return [
        _java(),
        f"-Xms{heap}",
        f"-Xmx{heap}",
        *SYSTEM_JVM_FLAGS,
        f"-Djava.io.tmpdir={run_dir / 'tmp'}",
        f"-Dopensearch.path.home={home}",
        f"-Dopensearch.path.conf={home / 'config'}",
        "-Dopensearch.distribution.type=tar",
        "-Dopensearch.bundled_jdk=false",
        "-cp",
        str(home / "lib" / "*"),
        "org.opensearch.bootstrap.OpenSearch",
        *(f"-E{name}={value}" for name, value in settings.items()),
    ]


def _health(url: str) -> str | None:
    try:
        health = f"{url}/_cluster/health"
        with urllib.request.urlopen(health, timeout=2) as answer:  # noqa: S310 (http://127.0.0.1)
            return str(json.load(answer).get("status"))
    except (OSError, ValueError, urllib.error.URLError):
        return None


def start(heap: str = HEAP, timeout: float = START_TIMEOUT) -> OpenSearchNode:
    """Assemble (once), start on a free 127.0.0.1 port, and wait for a yellow or green cluster."""
    home = assemble()
    run_dir = Path(tempfile.mkdtemp(prefix="pv-opensearch-"))
    for sub in ("data", "logs", "tmp"):
        (run_dir / sub).mkdir()
    port = free_port()
    began = time.monotonic()
    with (run_dir / "node.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv
            _command(home, run_dir, port, heap),
            cwd=run_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "OPENSEARCH_PATH_CONF": str(home / "config")},
        )
    node = OpenSearchNode(f"http://127.0.0.1:{port}", port, process, run_dir, 0.0, heap)
    while time.monotonic() - began < timeout:
        if process.poll() is not None:
            tail = node.log_tail()
            node.stop()
            raise NodeUnavailable(f"OpenSearch {VERSION} exited ({process.returncode}):\n{tail}")
        if _health(node.url) in ("yellow", "green"):
            node.started_in = time.monotonic() - began
            return node
        time.sleep(0.25)
    tail = node.log_tail()
    node.stop()
    raise NodeUnavailable(f"OpenSearch {VERSION} not healthy after {timeout:.0f}s:\n{tail}")


@contextlib.contextmanager
def running(heap: str = HEAP) -> Iterator[OpenSearchNode]:
    node = start(heap)
    try:
        yield node
    finally:
        node.stop()


def main() -> None:
    with running() as node:
        print(
            f"OpenSearch {VERSION} on {node.url} (heap {node.heap}, up in {node.started_in:.1f}s)"
        )
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
