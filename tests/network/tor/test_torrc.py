"""The torrcs of the private network, and the gate that refuses anything public."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkrange.errors import InputError, StateError
from darkrange.network.tor import check_private
from darkrange.network.tor._torrc import AuthorityEntry, Role, ServicePort, TorNode, render_torrc

AUTHORITIES = [
    AuthorityEntry(f"auth{i}", 5000 + i, 5100 + i, f"{i:X}" * 40, f"{i + 5:X}" * 40)
    for i in range(3)
]


def _nodes(home: Path) -> list[TorNode]:
    return [
        TorNode("auth0", Role.AUTHORITY, home / "auth0", 6000, or_port=5000, dir_port=5100),
        TorNode("relay0", Role.RELAY, home / "relay0", 6001, or_port=5003, dir_port=5103),
        TorNode("client", Role.CLIENT, home / "client", 6002, socks_port=6003),
        TorNode("host", Role.HOST, home / "host", 6004),
    ]


def _render(node: TorNode, tmp_path: Path) -> str:
    services = [ServicePort(tmp_path / "site", 80, 8080)]
    return render_torrc(node, AUTHORITIES, services)


def _settings(text: str) -> list[tuple[str, str]]:
    lines = (line.split(" ", 1) for line in text.splitlines() if line and line[0] != "#")
    return [(parts[0], parts[1] if len(parts) > 1 else "") for parts in lines]


@pytest.mark.parametrize("index", range(4))
def test_every_role_renders_a_private_torrc(tmp_path: Path, index: int) -> None:
    node = _nodes(tmp_path)[index]
    text = _render(node, tmp_path)
    check_private(text)
    settings = _settings(text)
    assert ("TestingTorNetwork", "1") in settings
    assert ("ExitRelay", "0") in settings
    dirauths = [value for key, value in settings if key == "DirAuthority"]
    assert len(dirauths) == 3
    assert all(" 127.0.0.1:" in value for value in dirauths)
    for key, value in settings:
        if key.endswith("Port") and key != "HiddenServicePort":
            assert value == "0" or value.startswith("127.0.0.1:"), (key, value)


def test_relays_never_exit_and_hosts_serve_loopback_backends(tmp_path: Path) -> None:
    auth, relay, client, host = (_settings(_render(n, tmp_path)) for n in _nodes(tmp_path))
    for settings in (auth, relay):
        assert ("ExitPolicy", "reject *:*") in settings
        assert ("Address", "127.0.0.1") in settings
    assert ("AuthoritativeDirectory", "1") in auth
    assert ("AuthoritativeDirectory", "1") not in relay
    assert ("SocksPort", "127.0.0.1:6003") in client
    assert ("HiddenServicePort", "80 127.0.0.1:8080") in host
    assert ("HiddenServiceDir", str(tmp_path / "site")) in host


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("TestingTorNetwork 1", "TestingTorNetwork 0"),
        ("ExitRelay 0", "ExitRelay 1"),
        ("ExitPolicy reject *:*", "ExitPolicy accept *:*"),
        ("ORPort 127.0.0.1:5000", "ORPort 0.0.0.0:5000"),
        ("DirPort 127.0.0.1:5100", "DirPort 5100"),
        ("ControlPort 127.0.0.1:6000", "ControlPort 9051"),
        ("Address 127.0.0.1", "Address 203.0.113.7"),
        (" 127.0.0.1:5100 ", " 128.31.0.39:9131 "),
        ("Sandbox 0", "UseBridges 1"),
        ("Sandbox 0", "FallbackDir 198.51.100.1:80 orport=443 id=" + "A" * 40),
    ],
)
def test_gate_refuses_public_settings(tmp_path: Path, old: str, new: str) -> None:
    text = _render(_nodes(tmp_path)[0], tmp_path)
    assert old in text
    with pytest.raises(StateError, match="non-private torrc"):
        check_private(text.replace(old, new, 1))


def test_gate_needs_our_authorities(tmp_path: Path) -> None:
    text = _render(_nodes(tmp_path)[2], tmp_path)
    without = "\n".join(line for line in text.splitlines() if not line.startswith("DirAuth"))
    with pytest.raises(StateError, match="no private DirAuthority"):
        check_private(without)


def test_gate_refuses_a_backend_off_loopback(tmp_path: Path) -> None:
    text = _render(_nodes(tmp_path)[3], tmp_path)
    with pytest.raises(StateError, match="HiddenServicePort"):
        check_private(text.replace("80 127.0.0.1:8080", "80 192.0.2.1:8080"))


def test_paths_tor_cannot_read_are_refused(tmp_path: Path) -> None:
    node = TorNode("client", Role.CLIENT, tmp_path / "my range", 6002, socks_port=6003)
    with pytest.raises(InputError, match="blanks"):
        render_torrc(node, AUTHORITIES)
