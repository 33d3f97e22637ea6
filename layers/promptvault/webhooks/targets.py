"""Where a webhook may send: https URLs of public addresses only, checked at registration and
again before each delivery, after DNS resolution (docs/webhooks.md, "SSRF rules").

A URL is refused when it is not https, names credentials, a port other than 443 or 8443, a
fragment, or a host that is not a plain DNS name or a canonically written IP address (a
decimal, octal or hexadecimal IPv4 spelling is refused outright: resolvers read those, people
do not write them). Every address the host resolves to must be public (not loopback, private,
link-local, CGNAT, multicast, reserved, unspecified, documentation, the cloud metadata
addresses, nor an IPv6 address that carries one of those: IPv4-mapped, NAT64, 6to4, Teredo);
the delivery then connects to the address that was checked (``Target.address``), never
resolving again, so a rebinding DNS answer cannot redirect it.

The local stage alone (``Settings.webhooks_allow_loopback``: set by the local runtime and the
tests, never by a deployed stage, and honoured only in ``LOCAL_STAGES``)
also accepts ``http://127.0.0.1:<port>/...``, so a developer can receive deliveries.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from promptvault.core.errors import field_error
from promptvault.core.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]

PORTS = frozenset({443, 8443})
# the local runtime, the test suite and the benches' moto: never a CDK stage (tests/infra check
# that no deployed stage has one of these names, nor sets the flag)
LOCAL_STAGES = frozenset({"local", "test", "bench"})
MAX_URL = 2048
# Not public whatever the flags of ipaddress say (Python versions differ on some).
_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",  # CGNAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, 169.254.169.254 (instance metadata) among them
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "::1/128",
        "::/96",  # IPv4-compatible (deprecated)
        "100::/64",
        "2001:db8::/32",
        "fc00::/7",  # unique local, fd00:ec2::254 (instance metadata over IPv6) among them
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_HOST = re.compile(r"^[0-9a-fx.]+$")


class UnsafeTarget(ValueError):
    """A URL or an address a webhook must not be sent to; the message says why."""


@dataclass(frozen=True, slots=True)
class Target:
    """A checked URL and the address a delivery connects to."""

    scheme: str  # https (http only for the local stage's 127.0.0.1)
    host: str  # the name sent as SNI and Host
    port: int
    path: str  # path and query, as sent on the request line
    address: str  # the checked IP address to connect to


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in ipaddress.ip_network("64:ff9b::/96") or address in ipaddress.ip_network(
        "64:ff9b:1::/48"
    ):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return None


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_v4(address)
        if inner is not None and not is_public(inner):
            return False
    if any(address in net for net in _BLOCKED if net.version == address.version):
        return False
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def _loopback_allowed() -> bool:
    settings = get_settings()
    return settings.webhooks_allow_loopback and settings.stage in LOCAL_STAGES


def _parse(url: str) -> SplitResult:
    if len(url) > MAX_URL:
        raise UnsafeTarget(f"must be at most {MAX_URL} characters")
    if any(ch.isspace() or ord(ch) < 0x20 or ch == "\\" for ch in url):
        raise UnsafeTarget("must not contain spaces, control characters or backslashes")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError as error:
        raise UnsafeTarget("is not a valid URL") from error
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise UnsafeTarget("must not carry credentials (user:password@)")
    if parts.fragment or url.endswith("#"):
        raise UnsafeTarget("must not have a fragment")
    if not parts.hostname:
        raise UnsafeTarget("must name a host")
    return parts


def _literal(host: str) -> IPAddress | None:
    """The IP address a host is written as, or None for a DNS name; a numeric spelling that
    is not the canonical dotted quad (``2130706433``, ``0177.0.0.1``, ``0x7f.1``) is refused."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        labels = host.split(".")
        if all(label and re.fullmatch(r"0x[0-9a-f]*|[0-9]+", label) for label in labels):
            raise UnsafeTarget("must write an IPv4 address in dotted decimal, or use a name")
    return None


def _hostname(host: str) -> str:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise UnsafeTarget("must name a valid host") from error
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > 253 or len(labels) < 2 or not all(_LABEL.match(x) for x in labels):
        raise UnsafeTarget("must name a public host (a fully qualified domain name)")
    if labels[-1] in {"localhost", "local", "internal", "localdomain", "home", "lan"}:
        raise UnsafeTarget("must name a public host")
    if labels[-1].isdigit():
        raise UnsafeTarget("must write an IPv4 address in dotted decimal, or use a name")
    return ascii_host.rstrip(".")


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (A and AAAA)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        raise UnsafeTarget("does not resolve") from error
    return [str(info[4][0]) for info in found]


# The resolver ``check`` uses unless given one: tests replace it (a name that resolves to a
# private address, a rebinding answer) without reaching DNS.
resolve: Resolver = system_resolver


def _local(parts: SplitResult) -> Target | None:
    """The local stage's exception: http://127.0.0.1:<port>."""
    if parts.scheme != "http" or not _loopback_allowed():
        return None
    if parts.hostname != "127.0.0.1" or not parts.port:
        raise UnsafeTarget("must be https (this stage also accepts http://127.0.0.1:<port>)")
    return Target("http", "127.0.0.1", parts.port, _request_path(parts), "127.0.0.1")


def _request_path(parts: SplitResult) -> str:
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def check(url: str, resolver: Resolver | None = None) -> Target:
    """The checked target of a URL, resolved now; ``UnsafeTarget`` says what is wrong."""
    parts = _parse(url)
    local = _local(parts)
    if local is not None:
        return local
    if parts.scheme != "https":
        raise UnsafeTarget("must be https")
    port = 443 if parts.port is None else parts.port  # ":0" is a port, and a refused one
    if port not in PORTS:
        raise UnsafeTarget(f"must use port {' or '.join(map(str, sorted(PORTS)))}")
    raw_host = parts.hostname or ""
    literal = _literal(raw_host)
    if literal is not None:
        if not is_public(literal):
            raise UnsafeTarget("must be a public address")
        return Target("https", raw_host, port, _request_path(parts), str(literal))
    host = _hostname(raw_host)
    found = (resolver or resolve)(host, port)
    addresses = [ipaddress.ip_address(a.split("%")[0]) for a in found]
    if not addresses:
        raise UnsafeTarget("does not resolve")
    if not all(is_public(address) for address in addresses):
        raise UnsafeTarget("resolves to an address that is not public")
    chosen = next((a for a in addresses if a.version == 4), addresses[0])
    return Target("https", host, port, _request_path(parts), str(chosen))


def checked_url(url: str, resolver: Resolver | None = None) -> Target:
    """``check`` for a request body: a refusal is 422 on ``url``."""
    try:
        return check(url, resolver)
    except UnsafeTarget as error:
        raise field_error("url", f"The URL {error}") from error
