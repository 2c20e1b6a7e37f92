"""What the world generator asks of the chain simulation, and what it gets back.

The generator decides who pays whom, when and why (the economy of the world); the chain
simulation turns that into Bitcoin-like transactions with the habits of real wallet software,
surrounded by far more background activity, and writes them as Parquet (docs/formats/chain.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# p2sh is P2SH-P2WPKH (BIP-49 wallets); p2wsh is 2-of-3 multisig (exchange cold storage).
ScriptType = Literal["p2pkh", "p2sh", "p2wpkh", "p2tr", "p2wsh"]
OwnerKind = Literal[
    "person", "market", "shop", "exchange", "mixer", "cell", "miner", "service", "background"
]
Route = Literal["direct", "escrow", "mixer", "exchange_deposit", "exchange_withdrawal"]
AddressPurpose = Literal[
    "deposit",
    "donation",
    "published",
    "withdrawal",
    "hot",
    "change",
    "receive",
    "coinbase",
    "mixer_deposit",
    "exchange_deposit",
    "cold",
]


@dataclass(frozen=True)
class WalletProfile:
    """Habits of one wallet's software and owner; tracing heuristics exploit them."""

    script_type: ScriptType = "p2wpkh"
    reuses_addresses: bool = False
    fee_rate: float = 12.0  # sat/vB
    anti_fee_sniping: bool = True  # locktime = current height (Bitcoin Core, Electrum)
    version: int = 2
    bip69: bool = False  # inputs and outputs sorted as BIP-69 says (old Electrum); else random
    change_script_type: ScriptType | None = None  # None: change of the inputs' type (the norm)


@dataclass(frozen=True)
class Entity:
    """Someone who holds coins: a person, a market, an exchange, a mixer, a cell, ..."""

    entity_id: str
    kind: OwnerKind
    profile: WalletProfile = WalletProfile()
    starting_balance_sat: int = 0  # funded by the simulation before the first payment
    service_fee_pct: float | None = None  # a mixer's fee in percent; None: 1-3 % from the seed


@dataclass(frozen=True)
class AddressRequest:
    """An address the generator needs to print somewhere (a profile, an appeal, a deposit page)."""

    request_id: str
    owner: str  # entity_id
    purpose: AddressPurpose
    counterparty: str | None = None  # for a market deposit address: the user it is for


@dataclass(frozen=True)
class Payment:
    """One economic act of the world, realised as one or more transactions (hops).

    route:
      direct               payer's wallet pays payee's fresh (or reused) receive address
      escrow               payer pays its deposit address at `via` (a market); the market sweeps
                           deposits to its hot wallet; at `release_time` the market pays payee
      mixer                payer pays a mixer deposit address at `via`; after a delay the mixer
                           pays payee from its pool, minus its fee
      exchange_deposit     payer sends to its own deposit address at exchange `via`; the
                           exchange consolidates deposits into its hot wallet
      exchange_withdrawal  exchange `via` pays payee from its hot wallet
    """

    payment_id: str
    time: int  # Unix seconds
    payer: str  # entity_id
    payee: str  # entity_id
    amount_sat: int
    route: Route = "direct"
    via: str | None = None  # entity_id of the market, mixer or exchange in between
    release_time: int | None = None  # escrow release or mixer payout time
    to_request: str | None = None  # pay exactly this requested address (e.g. a donation address)
    purpose: str = ""
    plot: str | None = None


@dataclass
class ChainSpec:
    seed: int
    start_time: int  # Unix seconds of block 0
    end_time: int
    target_transactions: int  # total including background and coinbases
    entities: list[Entity] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    address_requests: list[AddressRequest] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AddressRecord:
    address: str
    owner_id: str
    owner_kind: OwnerKind
    purpose: AddressPurpose
    script_type: ScriptType


@dataclass
class ChainResult:
    addresses: list[AddressRecord]  # every address the simulation created, with its owner
    requested: dict[str, str]  # request_id -> address
    payment_txids: dict[str, list[str]]  # payment_id -> txids of its hops, in order
    blocks: int = 0
    transactions: int = 0
