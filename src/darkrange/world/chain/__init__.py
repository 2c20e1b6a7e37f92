"""The world's Bitcoin-like chain: real keys and addresses, real txids and block hashes, wallet
habits, the world's payments along their routes, and far more background activity.

`simulate(spec, out_dir)` writes the Parquet layout of docs/formats/chain.md and returns the
ground truth (address owners, requested addresses, each payment's hops).
"""

from darkrange.world.chain._keys import (
    address_secrets,
    multisig_script,
    p2pkh_address,
    p2sh_p2wpkh_address,
    p2tr_address,
    p2wpkh_address,
    p2wsh_multisig_address,
    public_key,
    taproot_output_key,
)
from darkrange.world.chain._simulate import key_seed, simulate
from darkrange.world.chain.spec import (
    AddressPurpose,
    AddressRecord,
    AddressRequest,
    ChainResult,
    ChainSpec,
    Entity,
    OwnerKind,
    Payment,
    Route,
    ScriptType,
    WalletProfile,
)

__all__ = [
    "AddressPurpose",
    "AddressRecord",
    "AddressRequest",
    "ChainResult",
    "ChainSpec",
    "Entity",
    "OwnerKind",
    "Payment",
    "Route",
    "ScriptType",
    "WalletProfile",
    "address_secrets",
    "key_seed",
    "multisig_script",
    "p2pkh_address",
    "p2sh_p2wpkh_address",
    "p2tr_address",
    "p2wpkh_address",
    "p2wsh_multisig_address",
    "public_key",
    "simulate",
    "taproot_output_key",
]
