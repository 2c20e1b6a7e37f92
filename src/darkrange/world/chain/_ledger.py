"""The chain being built: addresses, wallets' coins and transactions in compact columns.

Everything is appended in chain order (block by block, position by position), so a row's index
is its place in the Parquet files and no sort is needed at the end. A million transactions
with their inputs and outputs fit in a few hundred megabytes this way.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable

from darkrange.world.chain._pool import AddressPool
from darkrange.world.chain._tx import TYPE_NAMES, coinbase_txid, txid


class Wallet:
    """One pool of coins with one owner and one software's habits.

    An owner may have several: a market's deposit addresses (swept), its hot wallet, an
    exchange's cold storage.
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
        "purpose",
        "reuse",
        "reused_address",
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
    def __init__(self, pool: AddressPool) -> None:
        self.pool = pool
        self.wallets: list[Wallet] = []
        # addresses
        self.addr_str: list[str] = []
        self.addr_script: list[bytes] = []  # length-prefixed scriptPubKey, as serialised
        self.addr_type = array("b")
        self.addr_holder = array("i")  # wallet index
        self.addr_purpose = array("b")
        # transactions
        self.tx_raw: list[bytes] = []  # txid, internal byte order
        self.tx_height = array("i")
        self.tx_version = array("i")
        self.tx_locktime = array("q")
        self.tx_first_in = array("q")
        self.tx_first_out = array("q")
        self.tx_fee = array("q")
        self.tx_vsize = array("i")
        # inputs
        self.in_prev = array("q")  # output index spent; -1 for a coinbase input
        self.in_seq = array("q")
        # outputs
        self.out_addr = array("i")  # address index; -1 for OP_RETURN
        self.out_value = array("q")
        self.out_tx = array("i")
        self.out_spent = array("q")  # input index spending it; -1 while unspent
        self.op_return: dict[int, bytes] = {}  # output index -> length-prefixed script
        self.coinbase_sig: dict[int, bytes] = {}  # input index -> coinbase scriptSig

    def new_wallet(self, actor: int, type_code: int, purpose: int) -> Wallet:
        wallet = Wallet(len(self.wallets), actor, type_code, purpose)
        self.wallets.append(wallet)
        return wallet

    def new_address(self, wallet: Wallet, purpose: int = -1, type_code: int = -1) -> int:
        code = wallet.type if type_code < 0 else type_code
        address, script = self.pool.take(TYPE_NAMES[code])
        self.addr_str.append(address)
        self.addr_script.append(script)
        self.addr_type.append(code)
        self.addr_holder.append(wallet.index)
        self.addr_purpose.append(wallet.purpose if purpose < 0 else purpose)
        return len(self.addr_str) - 1

    def vout(self, output: int) -> int:
        return output - self.tx_first_out[self.out_tx[output]]

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
    ) -> int:
        """Record a transaction spending `inputs` (output indices, already taken out of their
        wallets) and paying `outputs` (address, value); returns its index."""
        t = len(self.tx_raw)
        first_in = len(self.in_prev)
        first_out = len(self.out_value)
        out_tx = self.out_tx
        tx_raw = self.tx_raw
        first_outs = self.tx_first_out
        out_spent = self.out_spent
        prevs = []
        for vin, o in enumerate(inputs, first_in):
            out_spent[o] = vin
            ptx = out_tx[o]
            prevs.append((tx_raw[ptx], o - first_outs[ptx], sequence))
        self.in_prev.extend(inputs)
        self.in_seq.extend([sequence] * len(inputs))
        scripts = self.addr_script
        holder = self.addr_holder
        wallets = self.wallets
        n = len(outputs)
        addrs = [a for a, _ in outputs]
        values = [v for _, v in outputs]
        self.out_addr.extend(addrs)
        self.out_value.extend(values)
        out_tx.extend([t] * n)
        out_spent.extend([-1] * n)
        for o, a, v in zip(range(first_out, first_out + n), addrs, values, strict=True):
            w = wallets[holder[a]]
            w.add(o, v)
            if w.on_receive is not None:
                w.on_receive(w, o)
        tx_raw.append(txid(version, prevs, [(v, scripts[a]) for a, v in outputs], locktime))
        self.tx_height.append(height)
        self.tx_version.append(version)
        self.tx_locktime.append(locktime)
        self.tx_first_in.append(first_in)
        first_outs.append(first_out)
        self.tx_fee.append(fee)
        self.tx_vsize.append(size)
        return t

    def open_coinbase(self, height: int, outputs: list[tuple[int, int]], extra: int) -> int:
        """Reserve a coinbase with these (address, value) outputs and `extra` OP_RETURN slots;
        its values and txid are set by `close_coinbase` once the block's fees are known."""
        t = len(self.tx_raw)
        self.tx_raw.append(b"")
        self.tx_height.append(height)
        self.tx_version.append(1)
        self.tx_locktime.append(0)
        self.tx_first_in.append(len(self.in_prev))
        self.tx_first_out.append(len(self.out_value))
        self.tx_fee.append(0)
        self.tx_vsize.append(0)
        self.in_prev.append(-1)
        self.in_seq.append(0xFFFFFFFF)
        for a, v in [*outputs, *[(-1, 0)] * extra]:
            self.out_addr.append(a)
            self.out_value.append(v)
            self.out_tx.append(t)
            self.out_spent.append(-1)
        return t

    def close_coinbase(
        self,
        t: int,
        version: int,
        script_sig: bytes,
        values: list[int],
        op_returns: list[bytes],
        size: int,
    ) -> None:
        first = self.tx_first_out[t]
        serial = []
        for k, value in enumerate(values):
            self.out_value[first + k] = value
            serial.append((value, self.addr_script[self.out_addr[first + k]]))
        for k, script in enumerate(op_returns):
            o = first + len(values) + k
            self.op_return[o] = bytes((len(script),)) + script
            serial.append((0, self.op_return[o]))
        self.coinbase_sig[self.tx_first_in[t]] = script_sig
        self.tx_version[t] = version
        self.tx_vsize[t] = size
        self.tx_raw[t] = coinbase_txid(version, script_sig, serial)

    def n_outputs(self, t: int) -> int:
        end = self.tx_first_out[t + 1] if t + 1 < len(self.tx_first_out) else len(self.out_value)
        return end - self.tx_first_out[t]
