"""What a store holds: counts, value, and how many inputs know what they spend."""

from __future__ import annotations

from dataclasses import dataclass

from darkrange.chain._store import ChainStore


@dataclass(frozen=True)
class Summary:
    blocks: int
    transactions: int
    inputs: int  # coinbase inputs included
    outputs: int
    total_output_value_sat: int
    coinbase_inputs: int
    inputs_with_value: int  # the spent output's value is known (source or store)
    inputs_with_address: int  # the spent address is known (source, store or the input's script)
    min_height: int | None
    max_height: int | None

    def as_json(self) -> dict[str, int]:
        """The stable shape scripts rely on."""
        return {
            "blocks": self.blocks,
            "transactions": self.transactions,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "total_output_value_sat": self.total_output_value_sat,
        }


def summarize(store: ChainStore) -> Summary:
    """Counts over the store; inputs are resolved against stored outputs at query time."""
    con = store.connect()
    try:
        blocks, lo, hi = con.execute(
            "SELECT count(*), min(height), max(height) FROM blocks"
        ).fetchone() or (0, None, None)
        (n_tx,) = con.execute("SELECT count(*) FROM transactions").fetchone() or (0,)
        n_out, value = con.execute(
            "SELECT count(*), coalesce(sum(value), 0) FROM outputs"
        ).fetchone() or (0, 0)
        n_in, coinbase, with_value, with_address = con.execute(
            "SELECT count(*), count(*) FILTER (prev_txid IS NULL),"
            " count(*) FILTER (prev_txid IS NOT NULL AND value IS NOT NULL),"
            " count(*) FILTER (address IS NOT NULL) FROM inputs_resolved"
        ).fetchone() or (0, 0, 0, 0)
    finally:
        con.close()
    return Summary(
        blocks=int(blocks),
        transactions=int(n_tx),
        inputs=int(n_in),
        outputs=int(n_out),
        total_output_value_sat=int(value),
        coinbase_inputs=int(coinbase),
        inputs_with_value=int(with_value),
        inputs_with_address=int(with_address),
        min_height=lo,
        max_height=hi,
    )
