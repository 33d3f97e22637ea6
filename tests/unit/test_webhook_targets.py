"""Where a webhook may be sent (SSRF): https to public addresses only, after DNS resolution;
http://127.0.0.1:<port> only where the stage is a local one and the runtime set the flag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from promptvault.core.settings import get_settings
from promptvault.webhooks import targets
from promptvault.webhooks.targets import UnsafeTarget, check

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"

DNS = {
    "hooks.example.com": [PUBLIC_V4],
    "v6.example.com": [PUBLIC_V6],
    "both.example.com": [PUBLIC_V6, PUBLIC_V4],
    "private.example.com": ["10.1.2.3"],
    "mixed.example.com": [PUBLIC_V4, "127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "mapped.example.com": ["::ffff:127.0.0.1"],
    "ula.example.com": ["fd00:ec2::254"],
    "cgnat.example.com": ["100.64.0.1"],
}


def fake_dns(host: str, port: int) -> list[str]:
    if host not in DNS:
        raise UnsafeTarget("does not resolve")
    return DNS[host]


@pytest.fixture(autouse=True)
def no_real_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(targets, "resolve", fake_dns)


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A deployed stage: the flag off, as CDK leaves it."""
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.delenv("WEBHOOKS_ALLOW_LOOPBACK", raising=False)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


HOSTILE = [
    "http://hooks.example.com/in",  # not https
    "ftp://hooks.example.com/in",
    "file:///etc/passwd",
    "gopher://127.0.0.1:70/",
    "https://127.0.0.1/in",
    "https://127.0.0.1:443/in",
    "https://localhost/in",
    "https://localhost.localdomain/in",
    "https://2130706433/in",  # 127.0.0.1 in decimal
    "https://0x7f000001/in",  # in hexadecimal
    "https://0177.0.0.1/in",  # in octal
    "https://0x7f.0.0.1/in",
    "https://127.1/in",
    "https://017700000001/in",
    "https://[::1]/in",
    "https://[::ffff:127.0.0.1]/in",  # IPv4-mapped loopback
    "https://[::ffff:7f00:1]/in",
    "https://[::ffff:169.254.169.254]/in",
    "https://[64:ff9b::a9fe:a9fe]/in",  # NAT64 of the metadata address
    "https://[2002:a9fe:a9fe::1]/in",  # 6to4 of the metadata address
    "https://[::127.0.0.1]/in",  # IPv4-compatible
    "https://[fd00:ec2::254]/in",  # the metadata address over IPv6
    "https://[fe80::1]/in",
    "https://[fe80::1%25eth0]/in",
    "https://[::]/in",
    "https://0.0.0.0/in",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.1/in",
    "https://172.16.5.4/in",
    "https://192.168.1.1/in",
    "https://100.64.0.1/in",  # CGNAT
    "https://224.0.0.1/in",  # multicast
    "https://[ff02::1]/in",
    "https://240.0.0.1/in",  # reserved
    "https://255.255.255.255/in",
    "https://192.0.2.10/in",  # documentation
    "https://good.com@127.0.0.1/in",  # userinfo: the host is 127.0.0.1
    "https://user:pass@hooks.example.com/in",  # credentials
    "https://hooks.example.com@evil.example.com/in",
    "https://hooks.example.com:22/in",  # an odd port
    "https://hooks.example.com:0/in",
    "https://hooks.example.com:99999/in",
    "https://hooks.example.com/in#fragment",
    "https://hooks.example.com\\@127.0.0.1/in",
    "https://hooks .example.com/in",
    "https://private.example.com/in",  # resolves to 10.1.2.3
    "https://mixed.example.com/in",  # one public, one loopback address: refused
    "https://metadata.example.com/in",
    "https://mapped.example.com/in",
    "https://ula.example.com/in",
    "https://cgnat.example.com/in",
    "https://nowhere.example.com/in",  # does not resolve
    "https://intranet/in",  # a single label
    "https://printer.local/in",
    "https:///in",
    "https://x" + "." * 3 + "/in",
    "//hooks.example.com/in",
    "hooks.example.com/in",
    "",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hostile_url_is_refused_on_a_deployed_stage(url: str, deployed: None) -> None:
    with pytest.raises(UnsafeTarget):
        check(url)


@pytest.mark.parametrize("url", [u for u in HOSTILE if u != "http://hooks.example.com/in"])
def test_a_hostile_url_is_refused_on_the_local_stage_too(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        check(url)


@pytest.mark.parametrize(
    ("url", "address", "host", "port", "path"),
    [
        ("https://hooks.example.com/in", PUBLIC_V4, "hooks.example.com", 443, "/in"),
        ("https://hooks.example.com:8443/in?x=1", PUBLIC_V4, "hooks.example.com", 8443, "/in?x=1"),
        ("https://HOOKS.example.com.", PUBLIC_V4, "hooks.example.com", 443, "/"),
        ("https://v6.example.com/in", PUBLIC_V6, "v6.example.com", 443, "/in"),
        ("https://both.example.com/in", PUBLIC_V4, "both.example.com", 443, "/in"),
        (f"https://{PUBLIC_V4}/in", PUBLIC_V4, PUBLIC_V4, 443, "/in"),
        (f"https://[{PUBLIC_V6}]/in", PUBLIC_V6, PUBLIC_V6, 443, "/in"),
    ],
)
def test_a_public_https_url_is_accepted_and_pinned_to_the_checked_address(
    url: str, address: str, host: str, port: int, path: str, deployed: None
) -> None:
    target = check(url)

    assert (target.scheme, target.address, target.host, target.port, target.path) == (
        "https",
        address,
        host,
        port,
        path,
    )


def test_the_local_stage_accepts_http_to_127_0_0_1_with_a_port() -> None:
    target = check("http://127.0.0.1:8123/hooks?k=v")

    assert (target.scheme, target.address, target.port, target.path) == (
        "http",
        "127.0.0.1",
        8123,
        "/hooks?k=v",
    )


def test_a_deployed_stage_refuses_the_local_exception(deployed: None) -> None:
    with pytest.raises(UnsafeTarget):
        check("http://127.0.0.1:8123/hooks")


def test_the_flag_counts_only_on_a_local_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "staging")
    monkeypatch.setenv("WEBHOOKS_ALLOW_LOOPBACK", "true")  # set by mistake on a deployed stage
    get_settings.cache_clear()
    try:
        with pytest.raises(UnsafeTarget):
            check("http://127.0.0.1:8123/hooks")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_a_rebinding_answer_is_checked_again_at_delivery() -> None:
    first = check("https://hooks.example.com/in")
    DNS["hooks.example.com"] = ["127.0.0.1"]
    try:
        with pytest.raises(UnsafeTarget):
            check("https://hooks.example.com/in")
    finally:
        DNS["hooks.example.com"] = [PUBLIC_V4]
    assert first.address == PUBLIC_V4


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "::1",
        "fd00:ec2::254",
        "::ffff:10.0.0.1",
        "64:ff9b::7f00:1",
        "2001:db8::1",
        "0.0.0.0",
    ],
)
def test_non_public_addresses(address: str) -> None:
    import ipaddress

    assert not targets.is_public(ipaddress.ip_address(address))
