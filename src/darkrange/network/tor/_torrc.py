"""Torrc files for the private network, and the gate that refuses any public setting.

Every torrc we write names only our own authorities on 127.0.0.1, binds every port to
127.0.0.1 and forbids exits. `check_private` re-reads the rendered text before any tor is
started, so a mistake here can never put a tor on the public network.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from darkrange.errors import InputError, StateError

LOOPBACK = "127.0.0.1"
_SAFE_PATH = re.compile(r"^/[^\s\"'#\\]*$")

# The fastest cycle tor accepts (chutney's "rapid bootstrap"): a 5 s cycle until the first
# consensus, 10 s after. Every tor runs on one clock, so short intervals cost no stability;
# each vote is a few KB among a handful of relays. Tor refuses delays under 2 s, then caps them
# at interval / 4 for a 5 s interval: the first vote is cast 2 s before its consensus is valid.
INITIAL_INTERVAL = 5
_VOTING = (
    ("TestingV3AuthInitialVotingInterval", str(INITIAL_INTERVAL)),
    ("TestingV3AuthInitialVoteDelay", "2"),
    ("TestingV3AuthInitialDistDelay", "2"),
    ("V3AuthVotingInterval", "10"),
    ("V3AuthVoteDelay", "2"),
    ("V3AuthDistDelay", "2"),
)


class Role(Enum):
    AUTHORITY = "authority"
    RELAY = "relay"
    CLIENT = "client"
    HOST = "host"


@dataclass(frozen=True)
class TorNode:
    """One tor process of the network and the folder it lives in."""

    nickname: str
    role: Role
    home: Path
    control_port: int
    or_port: int = 0
    dir_port: int = 0
    socks_port: int = 0

    @property
    def torrc(self) -> Path:
        return self.home / "torrc"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def pid_file(self) -> Path:
        return self.home / "tor.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "notice.log"

    @property
    def is_relay(self) -> bool:
        return self.role in (Role.AUTHORITY, Role.RELAY)


@dataclass(frozen=True)
class AuthorityEntry:
    """What every node needs to know about one directory authority."""

    nickname: str
    or_port: int
    dir_port: int
    v3ident: str
    fingerprint: str

    def line(self) -> str:
        return (
            f"DirAuthority {self.nickname} orport={self.or_port} no-v2 v3ident={self.v3ident} "
            f"{LOOPBACK}:{self.dir_port} {self.fingerprint}"
        )


@dataclass(frozen=True)
class ServicePort:
    """One HiddenServiceDir block of the onion host."""

    service_dir: Path
    virtual_port: int
    backend_port: int


def torrc_path(path: Path) -> str:
    """A path as a torrc value; raises InputError for one tor cannot read back.

    Tor's `Log` line takes no quoted file name, so paths with blanks, quotes or `#` are refused
    rather than half-supported.
    """
    text = str(path)
    if not _SAFE_PATH.match(text):
        raise InputError(f"tor cannot use the path {text!r}: use one without blanks, quotes or #")
    return text


def render_torrc(
    node: TorNode,
    authorities: Sequence[AuthorityEntry],
    services: Sequence[ServicePort] = (),
    *,
    single_hop: bool = False,
    vote_offset: int = 0,
) -> str:
    """The torrc text of one node.

    `vote_offset` (0 to INITIAL_INTERVAL - 1) shifts the authorities' voting clock, so that the
    first consensus falls when every relay has had time to upload its descriptor.
    """
    lines = [f"# darkrange private Tor network: {node.role.value} {node.nickname}"]
    lines += _common(node, authorities)
    if node.is_relay:
        lines += _relay(node)
    if node.role is Role.AUTHORITY:
        lines += _authority(vote_offset)
    if node.role is Role.CLIENT:
        lines += ["ClientOnly 1", f"SocksPort {LOOPBACK}:{node.socks_port}"]
    if node.role is Role.HOST:
        lines += _host(services, single_hop)
    return "\n".join(lines) + "\n"


def _common(node: TorNode, authorities: Sequence[AuthorityEntry]) -> list[str]:
    return [
        "TestingTorNetwork 1",
        *(a.line() for a in authorities),
        "PathsNeededToBuildCircuits 0.67",
        "TestingDirAuthVoteGuard *",
        "TestingDirAuthVoteHSDir *",
        "TestingDirAuthVoteExit *",
        "TestingMinExitFlagThreshold 0",
        "V3AuthNIntervalsValid 2",
        f"Nickname {node.nickname}",
        f"DataDirectory {torrc_path(node.data_dir)}",
        "RunAsDaemon 1",
        f"PidFile {torrc_path(node.pid_file)}",
        f"ControlPort {LOOPBACK}:{node.control_port}",
        "CookieAuthentication 1",
        f"Log notice file {torrc_path(node.log_file)}",
        "Sandbox 0",
        "ShutdownWaitLength 0",
        # Parsing the GeoIP files costs each tor ~1.5 s of CPU at start; a private network on
        # one address has no use for them.
        f"GeoIPFile {torrc_path(node.home / 'geoip')}",
        f"GeoIPv6File {torrc_path(node.home / 'geoip6')}",
        "ExitRelay 0",
        "ExitPolicy reject *:*",
    ]


def _relay(node: TorNode) -> list[str]:
    return [
        "SocksPort 0",
        f"Address {LOOPBACK}",
        f"ORPort {LOOPBACK}:{node.or_port}",
        f"DirPort {LOOPBACK}:{node.dir_port}",
        "AssumeReachable 1",
        "ServerDNSDetectHijacking 0",
        "ServerDNSTestAddresses",
        "ContactInfo darkrange-range@localhost",
    ]


def _authority(vote_offset: int) -> list[str]:
    return [
        f"TestingV3AuthVotingStartOffset {vote_offset}",
        "AuthoritativeDirectory 1",
        "V3AuthoritativeDirectory 1",
        # Congestion control off: ~3 MiB/s per circuit on loopback instead of ~0.8 MiB/s.
        "ConsensusParams cc_alg=0",
        *(f"{key} {value}" for key, value in _VOTING),
    ]


def _host(services: Sequence[ServicePort], single_hop: bool) -> list[str]:
    lines = ["ClientOnly 1", "SocksPort 0"]
    if single_hop:
        # Shorter server-side paths; clients still see an ordinary onion service.
        lines += ["HiddenServiceNonAnonymousMode 1", "HiddenServiceSingleHopMode 1"]
    for service in services:
        lines += [
            f"HiddenServiceDir {torrc_path(service.service_dir)}",
            "HiddenServiceVersion 3",
            f"HiddenServicePort {service.virtual_port} {LOOPBACK}:{service.backend_port}",
        ]
    return lines


# The gate. Only these keys may appear; anything else (Bridge, FallbackDir, UseBridges,
# ClientTransportPlugin, ...) is refused outright.
_ALLOWED = frozenset(
    key.lower()
    for key in (
        "TestingTorNetwork",
        "DirAuthority",
        "PathsNeededToBuildCircuits",
        "TestingDirAuthVoteGuard",
        "TestingDirAuthVoteHSDir",
        "TestingDirAuthVoteExit",
        "TestingMinExitFlagThreshold",
        "V3AuthNIntervalsValid",
        "Nickname",
        "DataDirectory",
        "RunAsDaemon",
        "PidFile",
        "ControlPort",
        "CookieAuthentication",
        "Log",
        "Sandbox",
        "GeoIPFile",
        "GeoIPv6File",
        "ShutdownWaitLength",
        "ExitRelay",
        "ExitPolicy",
        "SocksPort",
        "Address",
        "ORPort",
        "DirPort",
        "AssumeReachable",
        "ServerDNSDetectHijacking",
        "ServerDNSTestAddresses",
        "ContactInfo",
        "AuthoritativeDirectory",
        "V3AuthoritativeDirectory",
        "ConsensusParams",
        "TestingV3AuthVotingStartOffset",
        "ClientOnly",
        "HiddenServiceDir",
        "HiddenServiceVersion",
        "HiddenServicePort",
        "HiddenServiceNonAnonymousMode",
        "HiddenServiceSingleHopMode",
    )
).union(key.lower() for key, _ in _VOTING)
_PORT_KEYS = frozenset({"socksport", "orport", "dirport", "controlport"})
_LOOPBACK_PORT = re.compile(r"^127\.0\.0\.1:\d{1,5}$")
_DIRAUTH = re.compile(
    r"^\S+ orport=\d{1,5} no-v2 v3ident=[0-9A-F]{40} 127\.0\.0\.1:\d{1,5} [0-9A-F]{40}$"
)


def check_private(text: str) -> None:
    """Raise StateError unless the torrc keeps tor on our loopback network and never exits."""
    entries = _parse(text)
    keys = [key for key, _ in entries]
    problems = [f"setting {key!r} is not allowed" for key in keys if key not in _ALLOWED]
    if ("testingtornetwork", "1") not in entries:
        problems.append("TestingTorNetwork 1 is missing")
    if "dirauthority" not in keys:
        problems.append("no private DirAuthority line")
    if ("exitrelay", "0") not in entries or ("exitpolicy", "reject *:*") not in entries:
        problems.append("relays must have ExitRelay 0 and ExitPolicy reject *:*")
    for key, value in entries:
        problems += _check_entry(key, value)
    if problems:
        raise StateError("refusing to start tor with a non-private torrc: " + "; ".join(problems))


def _check_entry(key: str, value: str) -> list[str]:
    if key == "dirauthority" and not _DIRAUTH.match(value):
        return [f"DirAuthority is not on {LOOPBACK}: {value!r}"]
    if key in _PORT_KEYS and value != "0" and not _LOOPBACK_PORT.match(value):
        return [f"{key} does not bind {LOOPBACK}: {value!r}"]
    if key == "hiddenserviceport" and not re.match(r"^\d{1,5} 127\.0\.0\.1:\d{1,5}$", value):
        return [f"HiddenServicePort target is not on {LOOPBACK}: {value!r}"]
    if key == "address" and value != LOOPBACK:
        return [f"Address is not {LOOPBACK}: {value!r}"]
    if key == "exitrelay" and value != "0":
        return ["ExitRelay must be 0"]
    if key == "exitpolicy" and value != "reject *:*":
        return ["ExitPolicy must be reject *:*"]
    return []


def _parse(text: str) -> list[tuple[str, str]]:
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        entries.append((key.lower(), " ".join(value.split())))
    return entries
