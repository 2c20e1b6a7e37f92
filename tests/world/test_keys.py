"""Deterministic onion v3 and OpenPGP keys, checked against tor's vectors, sequoia and gpg."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import stat
import subprocess
from pathlib import Path

import pysequoia
import pytest
from pysequoia.packet import PacketPile, PublicKeyAlgorithm, SignatureType, Tag

from darkrange.errors import InputError, StateError
from darkrange.formats import onion_from_pubkey, onion_pubkey
from darkrange.world.keys import OnionKey, PgpKey, clearsign, onion_key, pgp_key
from darkrange.world.keys._armor import crc24

# RFC 8032 section 7.1, TEST 1: the key tor's unit tests build their example address from.
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")

T0 = 1_600_000_000  # 2020-09-13
T1 = 1_650_000_000  # 2022-04-15


# --- a tiny independent ed25519, to check the expanded secret key tor would load ----------------

_P = 2**255 - 19
_D = -121665 * pow(121666, -1, _P) % _P
_BASE = (
    15112221349535400772501151409588531511454012693041857206046113283949847762202,
    46316835694926478169428394003475163141307993866256225615783033603165251855960,
)


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + x2 * y1) * pow(1 + t, -1, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, -1, _P) % _P
    return x3, y3


def _public_from_scalar(scalar: int) -> bytes:
    point, addend = (0, 1), _BASE
    while scalar:
        if scalar & 1:
            point = _add(point, addend)
        addend = _add(addend, addend)
        scalar >>= 1
    x, y = point
    return (y | (x & 1) << 255).to_bytes(32, "little")


# --- onion keys ---------------------------------------------------------------------------------


def test_onion_key_of_rfc8032_seed_matches_tor_vector(shared_data: Path) -> None:
    vectors = json.loads((shared_data / "vectors/tor/tor_v3_onion_vectors.json").read_text())
    with_keys = [v for v in vectors["vectors"] if "pubkey_hex" in v]
    assert with_keys
    for vector in with_keys:
        public = bytes.fromhex(vector["pubkey_hex"])
        assert onion_from_pubkey(public) == vector["address"] + ".onion"
    key = onion_key(RFC8032_SEED)
    assert key.public_key == RFC8032_PUBLIC
    assert key.address == with_keys[0]["address"] + ".onion"


def test_onion_address_validates_and_carries_public_key() -> None:
    key = onion_key(hashlib.sha256(b"market").digest())
    assert key.address.endswith(".onion") and len(key.address) == 62
    assert onion_pubkey(key.address) == key.public_key


def test_expanded_secret_key_is_clamped_and_gives_the_public_key() -> None:
    key = onion_key(RFC8032_SEED)
    expanded = key.expanded_secret_key()
    assert len(expanded) == 64
    assert expanded[0] & 7 == 0 and expanded[31] & 0x80 == 0 and expanded[31] & 0x40
    assert expanded[32:] == hashlib.sha512(RFC8032_SEED).digest()[32:]
    # tor computes the service's public key from the scalar alone: it must be ours.
    assert _public_from_scalar(int.from_bytes(expanded[:32], "little")) == RFC8032_PUBLIC


def test_service_dir_holds_tor_files_with_exact_layout(tmp_path: Path) -> None:
    key = onion_key(RFC8032_SEED)
    service = tmp_path / "hs" / "market"
    key.write_service_dir(service)
    assert stat.S_IMODE(service.stat().st_mode) == 0o700
    names = sorted(p.name for p in service.iterdir())
    assert names == ["hostname", "hs_ed25519_public_key", "hs_ed25519_secret_key"]
    for name in names:
        assert stat.S_IMODE((service / name).stat().st_mode) == 0o600
    secret = (service / "hs_ed25519_secret_key").read_bytes()
    public = (service / "hs_ed25519_public_key").read_bytes()
    assert len(secret) == 96 and secret[:32] == b"== ed25519v1-secret: type0 ==\0\0\0"
    assert secret[32:] == key.expanded_secret_key()
    assert len(public) == 64 and public[:32] == b"== ed25519v1-public: type0 ==\0\0\0"
    assert public[32:] == RFC8032_PUBLIC
    assert (service / "hostname").read_text() == key.address + "\n"


def test_service_dir_is_idempotent_and_never_overwrites_another_key(tmp_path: Path) -> None:
    first, second = onion_key(b"\1" * 32), onion_key(b"\2" * 32)
    first.write_service_dir(tmp_path)
    first.write_service_dir(tmp_path)  # same key again: fine
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(StateError, match="another onion"):
        second.write_service_dir(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    a_file = tmp_path / "hostname"
    with pytest.raises(StateError, match="not a directory"):
        first.write_service_dir(a_file)


@pytest.mark.parametrize("seed", [b"", b"\0" * 31, b"\0" * 33])
def test_onion_key_refuses_a_seed_of_wrong_length(seed: bytes) -> None:
    with pytest.raises(InputError, match="32 bytes"):
        onion_key(seed)


def test_onion_keys_are_deterministic_and_distinct() -> None:
    assert onion_key(b"\7" * 32) == onion_key(b"\7" * 32)
    assert isinstance(onion_key(b"\7" * 32), OnionKey)
    assert onion_key(b"\7" * 32).address != onion_key(b"\x08" * 32).address


# --- OpenPGP keys -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def old_key() -> PgpKey:
    return pgp_key(b"old vendor key seed 0123456789ab", ["nightshade <nightshade@dnmx.su>"], T0)


@pytest.fixture(scope="module")
def new_key(old_key: PgpKey) -> PgpKey:
    uids = ["Ночная тень <nightshade@dnmx.su>", "nightshade (backup)"]
    return pgp_key(b"new vendor key seed 0123456789ab", uids, T1, old_key, expires_days=730)


def test_key_parses_with_sequoia_with_our_fingerprint_and_user_ids(new_key: PgpKey) -> None:
    cert = pysequoia.Cert.from_bytes(new_key.armored.encode())
    assert cert.fingerprint.upper() == new_key.fingerprint
    assert len(new_key.fingerprint) == 40 and new_key.key_id == new_key.fingerprint[-16:]
    # sequoia lists only user IDs whose self-signature verifies
    assert sorted(str(u) for u in cert.user_ids) == sorted(new_key.user_ids)
    assert cert.expiration is not None
    assert int(cert.expiration.timestamp()) == T1 + 730 * 86400 == new_key.expires
    assert new_key.armored.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n")
    assert new_key.armored.endswith("-----END PGP PUBLIC KEY BLOCK-----\n")


def test_key_packets_follow_the_layout(old_key: PgpKey, new_key: PgpKey) -> None:
    packets = list(PacketPile.from_bytes(new_key.armored.encode()))
    tags = [p.tag for p in packets]
    sig, uid, key, sub = Tag.Signature, Tag.UserID, Tag.PublicKey, Tag.PublicSubkey
    assert tags == [key, uid, sig, sig, uid, sig, sub, sig]
    primary, subkey = packets[0], packets[6]
    assert primary.key_algorithm == PublicKeyAlgorithm.EdDSA
    assert subkey.key_algorithm == PublicKeyAlgorithm.ECDH
    assert primary.key_created is not None and int(primary.key_created.timestamp()) == T1
    self_sig, certification, binding = packets[2], packets[3], packets[7]
    assert self_sig.signature_type == SignatureType.PositiveCertification
    assert packets[5].signature_type == SignatureType.PositiveCertification
    assert self_sig.primary_userid is True and packets[5].primary_userid is None
    flags = self_sig.key_flags
    assert flags is not None and flags.certification and flags.signing
    assert not flags.transport_encryption
    assert self_sig.issuer_fingerprint == new_key.fingerprint.lower()
    assert certification.signature_type == SignatureType.GenericCertification
    assert certification.issuer_fingerprint == old_key.fingerprint.lower()
    assert new_key.certified_by == old_key.fingerprint
    assert binding.signature_type == SignatureType.SubkeyBinding
    bflags = binding.key_flags
    assert bflags is not None and bflags.transport_encryption and bflags.storage_encryption
    assert not bflags.signing


def _armor_body(armored: str) -> tuple[bytes, str]:
    lines = armored.strip().split("\n")
    start = lines.index("") + 1
    checksum = next(line for line in lines if line.startswith("="))
    body = "".join(lines[start : lines.index(checksum)])
    return base64.b64decode(body), checksum


def _crc24_bitwise(data: bytes) -> int:
    crc = 0xB704CE
    for octet in data:
        crc ^= octet << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def test_armor_checksum_is_crc24(new_key: PgpKey) -> None:
    assert crc24(b"123456789") == 0x21CF02  # the CRC-24/OpenPGP check value
    for n in range(12):  # every tail length of the word-at-a-time loop
        assert crc24(bytes(range(n * 7, n * 8))) == _crc24_bitwise(bytes(range(n * 7, n * 8)))
    data, checksum = _armor_body(new_key.armored)
    expected = base64.b64encode(_crc24_bitwise(data).to_bytes(3, "big")).decode()
    assert checksum == "=" + expected


def test_same_seed_same_bytes_other_seed_other_fingerprint(old_key: PgpKey) -> None:
    seed, uids = b"old vendor key seed 0123456789ab", ["nightshade <nightshade@dnmx.su>"]
    again = pgp_key(seed, uids, T0)
    assert again.armored == old_key.armored and again == old_key
    other = pgp_key(b"another seed entirely, 32 bytes.", uids, T0)
    assert other.fingerprint != old_key.fingerprint
    assert pgp_key(seed, uids, T0 + 1).fingerprint != old_key.fingerprint


def test_derivation_is_pinned() -> None:
    # Worlds are reproducible across releases only while this derivation stays the same.
    key = pgp_key(bytes(32), ["pinned <pinned@example.onion>"], T0)
    assert key.fingerprint == PINNED_FINGERPRINT


PINNED_FINGERPRINT = "586C7AE793CFB1F3AB8CCB3CCBB06D27F0E30BE3"


def test_clearsigned_canary_verifies_with_sequoia(new_key: PgpKey) -> None:
    text = "Warrant canary\n- no seizure\n-----BEGIN not armor\nsigned   \n"
    signed = clearsign(new_key, text, T1 + 86400)
    assert signed.startswith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n")
    assert "\n- - no seizure\n- -----BEGIN not armor\n" in signed
    cert = pysequoia.Cert.from_bytes(new_key.armored.encode())
    result = pysequoia.verify(signed.encode(), store=lambda ids: [cert])
    assert len(result.valid_sigs) == 1
    assert result.bytes == b"Warrant canary\n- no seizure\n-----BEGIN not armor\nsigned\n"
    assert clearsign(new_key, text, T1 + 86400) == signed


def test_tampered_canary_fails_to_verify(new_key: PgpKey) -> None:
    signed = clearsign(new_key, "No warrants served.\n", T1 + 86400)
    cert = pysequoia.Cert.from_bytes(new_key.armored.encode())
    tampered = signed.replace("No warrants", "Warrants").encode()
    with pytest.raises(RuntimeError, match="no valid signatures"):
        pysequoia.verify(tampered, store=lambda ids: [cert])


def _packets_with_flipped_bit(key: PgpKey, index: int) -> bytes:
    """The key's packets with the last bit of packet `index` (a signature's S) flipped."""
    raw = [bytes(packet) for packet in PacketPile.from_bytes(key.armored.encode())]
    raw[index] = raw[index][:-1] + bytes([raw[index][-1] ^ 1])
    return b"".join(raw)


def test_sequoia_drops_a_user_id_whose_self_signature_is_bad(new_key: PgpKey) -> None:
    cert = pysequoia.Cert.from_bytes(_packets_with_flipped_bit(new_key, 5))
    assert [str(u) for u in cert.user_ids] == [new_key.user_ids[0]]


def test_pgp_key_refuses_bad_input(old_key: PgpKey) -> None:
    seed = b"s" * 32
    with pytest.raises(InputError, match="at least 16 bytes"):
        pgp_key(b"short", ["a"], T0)
    with pytest.raises(InputError, match="user IDs"):
        pgp_key(seed, [], T0)
    with pytest.raises(InputError, match="user IDs"):
        pgp_key(seed, "alice <a@b>", T0)
    with pytest.raises(InputError, match="empty"):
        pgp_key(seed, ["  "], T0)
    with pytest.raises(InputError, match="32-bit"):
        pgp_key(seed, ["a"], -1)
    with pytest.raises(InputError, match="32-bit"):
        pgp_key(seed, ["a"], 1.5e9)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="expiry"):
        pgp_key(seed, ["a"], T0, expires_days=0)
    with pytest.raises(InputError, match="before the key"):
        clearsign(old_key, "x", T0 - 1)
    forged = PgpKey(**{**old_key.__dict__, "seed": b"x" * 32})
    with pytest.raises(InputError, match="seed does not give"):
        clearsign(forged, "x", T0)
    short_lived = pgp_key(seed, ["a"], T0, expires_days=1)
    with pytest.raises(InputError, match="expired"):
        pgp_key(b"t" * 32, ["a"], T0 + 2 * 86400, certified_by=short_lived)


# --- gpg, when installed: every signature checks, the old key's certification included ----------

GPG = shutil.which("gpg")


def _gpg(home: Path, *args: str, data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    cmd = [str(GPG), "--homedir", str(home), "--batch", "--no-autostart", *args]
    return subprocess.run(cmd, input=data, capture_output=True, check=False, timeout=60)


@pytest.mark.skipif(GPG is None, reason="gpg is not installed")
def test_gpg_checks_every_signature(tmp_path: Path, old_key: PgpKey, new_key: PgpKey) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    for key in (old_key, new_key):
        assert _gpg(home, "--import", data=key.armored.encode()).returncode == 0
    listing = _gpg(home, "--with-colons", "--check-sigs").stdout.decode()
    sigs = [line.split(":") for line in listing.splitlines() if line.startswith("sig:")]
    assert len(sigs) == 2 + 4  # old: self-sig, binding; new: 2 self-sigs, certification, binding
    assert all(fields[1] == "!" for fields in sigs), listing
    by_old = [f for f in sigs if f[4] == old_key.key_id and f[10] == "10x"]
    assert len(by_old) == 1  # the rotation: the new key's user ID certified by the old key
    signed = clearsign(new_key, "Canary for week 12.\n", T1 + 86400)
    verified = _gpg(home, "--verify", data=signed.encode())
    assert verified.returncode == 0 and b"Good signature" in verified.stderr


@pytest.mark.skipif(GPG is None, reason="gpg is not installed")
def test_gpg_flags_a_forged_certification(tmp_path: Path, old_key: PgpKey, new_key: PgpKey) -> None:
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    forged = pysequoia.armor(_packets_with_flipped_bit(new_key, 3), pysequoia.ArmorKind.PublicKey)
    for armored in (old_key.armored, forged):
        assert _gpg(home, "--import", data=armored.encode()).returncode == 0
    listing = _gpg(home, "--with-colons", "--check-sigs").stdout.decode()
    by_old = [line.split(":") for line in listing.splitlines() if ":10x:" in line]
    assert len(by_old) == 1 and by_old[0][1] == "-"  # a bad signature, not a good one
