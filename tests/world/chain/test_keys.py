"""Keys and addresses: known vectors, batch derivation equal to one-by-one, embit cross-checks."""

from __future__ import annotations

import hashlib
import random

import pytest

from darkrange.errors import InputError
from darkrange.formats import b58check_decode, b58check_encode, segwit_decode, segwit_encode
from darkrange.world.chain import (
    address_secrets,
    p2pkh_address,
    p2sh_p2wpkh_address,
    p2tr_address,
    p2wpkh_address,
    p2wsh_multisig_address,
    public_key,
    taproot_output_key,
)
from darkrange.world.chain._encode import b58check_encode_many, segwit_encode_many
from darkrange.world.chain._keys import ADDRESS_TYPES, chunk_size, derive_chunk

G = bytes.fromhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")


def test_public_key_of_one_is_the_generator() -> None:
    assert public_key(1) == G


def test_known_p2pkh_and_p2wpkh_of_the_generator() -> None:
    # BIP-173's example and the classic compressed-key address of secret 1.
    assert p2pkh_address(G) == "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"
    assert p2wpkh_address(G) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def test_bip86_first_receive_address() -> None:
    # BIP-86 test vector: m/86'/0'/0'/0/0 of "abandon ... about".
    internal = bytes.fromhex("cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115")
    output = "a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c"
    assert taproot_output_key(internal).hex() == output
    assert (
        p2tr_address(internal) == "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    )


def test_bip86_second_receive_address() -> None:
    internal = bytes.fromhex("83dfe85a3151d2517290da461fe2815591ef69f2b18a2ce63f01697a8b313145")
    assert (
        p2tr_address(internal) == "bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh"
    )


def test_taproot_key_must_be_x_only() -> None:
    with pytest.raises(InputError):
        taproot_output_key(G)


def _expected(address_type: str, keys: list[bytes]) -> str:
    if address_type == "p2pkh":
        return p2pkh_address(keys[0])
    if address_type == "p2sh":
        return p2sh_p2wpkh_address(keys[0])
    if address_type == "p2wpkh":
        return p2wpkh_address(keys[0])
    if address_type == "p2tr":
        return p2tr_address(keys[0][1:])
    return p2wsh_multisig_address(keys)


@pytest.mark.parametrize("address_type", ADDRESS_TYPES)
def test_chunk_matches_one_by_one_derivation(address_type: str) -> None:
    seed = b"test-seed"
    addresses, scripts = derive_chunk(seed, address_type, 2)
    assert len(addresses) == chunk_size(address_type) == len(scripts)
    assert len(set(addresses)) == len(addresses)
    for offset in (0, 1, 17, len(addresses) - 1):
        secrets = address_secrets(seed, address_type, 2 * chunk_size(address_type) + offset)
        keys = [public_key(s) for s in secrets]
        expected = _expected(address_type, keys)
        assert addresses[offset] == expected


def test_chunks_depend_on_seed_and_number() -> None:
    a = derive_chunk(b"one", "p2wpkh", 0)[0]
    assert a != derive_chunk(b"two", "p2wpkh", 0)[0]
    assert a != derive_chunk(b"one", "p2wpkh", 1)[0]
    assert a == derive_chunk(b"one", "p2wpkh", 0)[0]


def test_scripts_decode_to_the_address_programs() -> None:
    addresses, scripts = derive_chunk(b"s", "p2pkh", 0)
    assert b58check_decode(addresses[5]) == b"\x00" + scripts[5][3:23]
    addresses, scripts = derive_chunk(b"s", "p2sh", 0)
    assert b58check_decode(addresses[5]) == b"\x05" + scripts[5][2:22]
    addresses, scripts = derive_chunk(b"s", "p2wsh", 0)
    assert segwit_decode("bc", addresses[5]) == (0, scripts[5][2:])
    addresses, scripts = derive_chunk(b"s", "p2tr", 0)
    assert segwit_decode("bc", addresses[5]) == (1, scripts[5][2:])


def test_vectorised_encoders_equal_the_shared_codecs() -> None:
    rng = random.Random(3)
    programs = [rng.randbytes(20) for _ in range(300)] + [b"\x00" * 20, b"\xff" * 20]
    assert segwit_encode_many(programs, 0) == [segwit_encode("bc", 0, p) for p in programs]
    long = [rng.randbytes(32) for _ in range(300)]
    assert segwit_encode_many(long, 1) == [segwit_encode("bc", 1, p) for p in long]
    assert segwit_encode_many(long, 0) == [segwit_encode("bc", 0, p) for p in long]
    for version in (b"\x00", b"\x05"):
        payloads = [version + p for p in programs] + [version + b"\x00\x00\x01" + b"\x07" * 17]
        assert b58check_encode_many(payloads) == [b58check_encode(p) for p in payloads]
    assert segwit_encode_many([], 0) == [] == b58check_encode_many([])


def test_unknown_address_type_is_refused() -> None:
    with pytest.raises(InputError):
        derive_chunk(b"s", "p2pk", 0)


def test_addresses_match_embit() -> None:
    embit = pytest.importorskip("embit")
    from embit import ec, script  # type: ignore[import-untyped]
    from embit.networks import NETWORKS  # type: ignore[import-untyped]

    main = NETWORKS["main"]
    for secret in (1, 2, 0xDEADBEEF, int.from_bytes(hashlib.sha256(b"x").digest(), "big")):
        key = ec.PrivateKey(secret.to_bytes(32, "big")).get_public_key()
        sec = key.sec()
        assert sec == public_key(secret)
        assert script.p2pkh(key).address(main) == p2pkh_address(sec)
        assert script.p2sh(script.p2wpkh(key)).address(main) == p2sh_p2wpkh_address(sec)
        assert script.p2wpkh(key).address(main) == p2wpkh_address(sec)
        assert script.p2tr(key).address(main) == p2tr_address(sec[1:])
    keys = [ec.PrivateKey(bytes([i]) * 32).get_public_key() for i in (3, 4, 5)]
    multisig = script.p2wsh(script.multisig(2, sorted(keys, key=lambda k: k.sec())))
    assert multisig.address(main) == p2wsh_multisig_address([k.sec() for k in keys])
    assert embit is not None
