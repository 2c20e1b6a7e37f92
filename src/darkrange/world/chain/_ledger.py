"""The chain being built: addresses, wallets' coins and transactions in compact columns.

Everything is appended in chain order (block by block, position by position), so a row's index
is its place in the Parquet files. The ledger holds only what the economy needs: who holds
which address, which coins exist and what they are worth. Address strings, scripts, txids and
block hashes are a pure function of these columns and are computed beside the simulation
(`_finalise`), block batch by block batch, on the second core for large worlds.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

# Names of the ledger's columns, in the order a batch carries them (see `Ledger.batch`).
TX_COLUMNS = ("height", "version", "locktime", "sequence", "first_in", "first_out", "fee", "vsize")
TX_BIP69 = "bip69"


class Wallet:
    """One pool of coins with one owner and one software's habits.

    An owner may have several: a market's deposit addresses (swept), its hot wallet, an
    exchange's cold storage. `utxos` is unordered; `positions` finds a coin in it.
    """

    __slots__ = (
        "actor",
        "anti_fee_sniping",
        "balance",
        "bip69",
        "change_type",
        "exact_fee",
        "fee_rate",
        "index",
        "merge",
        "on_receive",
        "positions",
        "priority",
        "purpose",
        "reuse",
        "reuse_p",
        "reused_address",
        "strategy",
        "type",
        "utxos",
        "version",
    )

    def __init__(self, index: int, actor: int, type_code: int, purpose: int) -> None:
        self.index = index
        self.actor = actor
        self.type = type_code
        self.change_type = type_code
        self.purpose = purpose
        self.utxos: list[int] = []
        self.positions: dict[int, int] = {}
        self.balance = 0
        self.reuse = False
        self.reused_address = -1
        self.fee_rate = 12.0
        self.exact_fee = False  # fee exactly rate x vsize (world entities); else varies per tx
        self.anti_fee_sniping = True
        self.version = 2
        self.bip69 = False
        self.merge = 0.1  # chance of adding one more coin than needed
        self.strategy = 2  # coin selection (see _habits): single coin, else largest first
        self.reuse_p = 0.0  # chance a receive shows the last receive address again
        self.priority = -1  # address purpose whose coins are spent first (the cell: donations)
        self.on_receive: Callable[[Wallet, int], None] | None = None

    def add(self, output: int, value: int) -> None:
        self.positions[output] = len(self.utxos)
        self.utxos.append(output)
        self.balance += value

    def remove(self, output: int, value: int) -> None:
        i = self.positions.pop(output)
        last = self.utxos.pop()
        if last != output:
            self.utxos[i] = last
            self.positions[last] = i
        self.balance -= value


class Ledger:
    def __init__(self) -> None:
        self.wallets: list[Wallet] = []
        # addresses
        self.addr_type = array("b")
        self.addr_holder = array("i")  # wallet index
        self.addr_purpose = array("b")
        # transactions
        self.tx_height = array("i")
        self.tx_version = array("i")
        self.tx_locktime = array("q")
        self.tx_sequence = array("q")  # one nSequence for all of a transaction's inputs
        self.tx_first_in = array("q")
        self.tx_first_out = array("q")
        self.tx_fee = array("q")
        self.tx_vsize = array("i")
        self.tx_bip69 = array("b")  # 1: inputs and outputs get BIP-69 order once txids exist
        # inputs and outputs
        self.in_prev = array("q")  # output index spent; -1 for a coinbase input
        self.out_addr = array("i")  # address index; -1 for OP_RETURN
        self.out_value = array("q")

    @property
    def n_tx(self) -> int:
        return len(self.tx_height)

    def new_wallet(self, actor: int, type_code: int, purpose: int) -> Wallet:
        wallet = Wallet(len(self.wallets), actor, type_code, purpose)
        self.wallets.append(wallet)
        return wallet

    def new_address(self, wallet: Wallet, purpose: int = -1, type_code: int = -1) -> int:
        self.addr_type.append(wallet.type if type_code < 0 else type_code)
        self.addr_holder.append(wallet.index)
        self.addr_purpose.append(wallet.purpose if purpose < 0 else purpose)
        return len(self.addr_holder) - 1

    def append(
        self,
        height: int,
        version: int,
        locktime: int,
        inputs: list[int],
        sequence: int,
        outputs: list[tuple[int, int]],
        fee: int,
        size: int,
        bip69: bool = False,
    ) -> int:
        """Record a transaction spending `inputs` (output indices, already taken out of their
        wallets) and paying `outputs` (address, value); returns its index."""
        t = len(self.tx_height)
        first_out = len(self.out_value)
        self.tx_first_in.append(len(self.in_prev))
        self.tx_first_out.append(first_out)
        self.in_prev.extend(inputs)
        out_value = self.out_value
        out_addr = self.out_addr
        holder = self.addr_holder
        wallets = self.wallets
        o = first_out
        for a, v in outputs:
            out_addr.append(a)
            out_value.append(v)
            w = wallets[holder[a]]
            w.positions[o] = len(w.utxos)
            w.utxos.append(o)
            w.balance += v
            if w.on_receive is not None:
                w.on_receive(w, o)
            o += 1
        self.tx_height.append(height)
        self.tx_version.append(version)
        self.tx_locktime.append(locktime)
        self.tx_sequence.append(sequence)
        self.tx_fee.append(fee)
        self.tx_vsize.append(size)
        self.tx_bip69.append(bip69)
        return t

    def open_coinbase(self, height: int, outputs: list[tuple[int, int]], extra: int) -> int:
        """Reserve a coinbase with these (address, value) outputs and `extra` OP_RETURN slots;
        its values are set by `close_coinbase` once the block's fees are known."""
        t = len(self.tx_height)
        self.tx_height.append(height)
        self.tx_version.append(1)
        self.tx_locktime.append(0)
        self.tx_sequence.append(0xFFFFFFFF)
        self.tx_first_in.append(len(self.in_prev))
        self.tx_first_out.append(len(self.out_value))
        self.tx_fee.append(0)
        self.tx_vsize.append(0)
        self.tx_bip69.append(0)
        self.in_prev.append(-1)
        for a, v in [*outputs, *[(-1, 0)] * extra]:
            self.out_addr.append(a)
            self.out_value.append(v)
        return t

    def close_coinbase(self, t: int, values: list[int], size: int) -> None:
        first = self.tx_first_out[t]
        for k, value in enumerate(values):
            self.out_value[first + k] = value
        self.tx_vsize[t] = size

    def n_outputs(self, t: int) -> int:
        end = self.tx_first_out[t + 1] if t + 1 < len(self.tx_first_out) else len(self.out_value)
        return end - self.tx_first_out[t]

    def batch(self, tx: int, address: int) -> dict[str, bytes]:
        """The columns from transaction `tx` and address `address` on, as raw bytes: what the
        finaliser needs of a run of closed blocks."""
        first_in = self.tx_first_in[tx] if tx < self.n_tx else len(self.in_prev)
        first_out = self.tx_first_out[tx] if tx < self.n_tx else len(self.out_value)
        out = {name: getattr(self, "tx_" + name)[tx:].tobytes() for name in TX_COLUMNS}
        out[TX_BIP69] = self.tx_bip69[tx:].tobytes()
        out["in_prev"] = self.in_prev[first_in:].tobytes()
        out["out_addr"] = self.out_addr[first_out:].tobytes()
        out["out_value"] = self.out_value[first_out:].tobytes()
        out["addr_type"] = self.addr_type[address:].tobytes()
        return out
