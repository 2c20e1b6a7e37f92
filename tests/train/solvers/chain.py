"""Solvers on the public chain, via darkrange.chain (as `darkrange chain ingest` would)."""

from __future__ import annotations

from pathlib import Path

from darkrange.chain import ChainStore, ingest_world_chain


def build_store(world: Path, root: Path) -> ChainStore:
    """Ingest the world's public chain/ folder: what the range's explorer serves."""
    with ChainStore.writer(root) as store:
        ingest_world_chain(store, world / "chain")
    return ChainStore.open(root)


def _rows(store: ChainStore, sql: str, args: list[object]) -> list[tuple[object, ...]]:
    con = store.connect()
    try:
        return [tuple(r) for r in con.execute(sql, args).fetchall()]
    finally:
        con.close()


def wallet_anatomy(store: ChainStore, donations: list[str]) -> dict[str, str]:
    first = donations[0]
    [(kind,)] = _rows(store, "SELECT DISTINCT script_type FROM outputs WHERE address = ?", [first])
    [(received,)] = _rows(store, "SELECT sum(value) FROM outputs WHERE address = ?", [first])
    payers = _rows(
        store,
        "SELECT DISTINCT txid FROM outputs WHERE address IN (SELECT unnest(?)) ORDER BY 1",
        [donations],
    )
    return {
        "script-type": str(kind),
        "received": str(received),
        "payers": ",".join(str(t) for (t,) in payers),
    }


def cash_out(store: ChainStore, wallet: str) -> tuple[list[str], str]:
    """From the vendor's address: the payment to a deposit address, then the exchange's sweep
    of that deposit. The payment is the output not of the wallet's own script type (the change
    keeps it: the `type` change heuristic of `darkrange chain`); the sweep spends it."""
    [(kind,)] = _rows(store, "SELECT DISTINCT script_type FROM outputs WHERE address = ?", [wallet])
    spends = _rows(
        store,
        "SELECT DISTINCT txid FROM inputs WHERE address = ? ORDER BY 1",
        [wallet],
    )
    for (tx,) in spends:
        outs = _rows(
            store,
            "SELECT o.address, i.txid FROM outputs o JOIN inputs i"
            " ON i.prev_txid = o.txid AND i.prev_vout = o.vout"
            " WHERE o.txid = ? AND o.address <> ? AND o.script_type <> ?",
            [tx, wallet, kind],
        )
        for address, sweep in outs:
            # an exchange sweeps deposits into one hot-wallet output
            [(n_out,)] = _rows(store, "SELECT count(*) FROM outputs WHERE txid = ?", [sweep])
            if n_out == 1:
                return [str(tx), str(sweep)], str(address)
    raise AssertionError("no cash-out found")


def _forward(store: ChainStore, addresses: list[str], hops: int) -> set[str]:
    """Transactions reachable by spending from `addresses`, up to `hops` steps."""
    rows = _rows(
        store, "SELECT DISTINCT txid FROM inputs WHERE address IN (SELECT unnest(?))", [addresses]
    )
    frontier = {str(t) for (t,) in rows}
    seen = set(frontier)
    for _ in range(hops - 1):
        rows = _rows(
            store,
            "SELECT DISTINCT txid FROM inputs WHERE prev_txid IN (SELECT unnest(?))",
            [sorted(frontier)],
        )
        frontier = {str(t) for (t,) in rows} - seen
        seen |= frontier
    return seen


def back_through_mixer(store: ChainStore, deposit_txid: str, group: list[str]) -> list[str]:
    """The buyer's escrow deposit came from a mixer payout; the mixer broke the link, so the
    deposit into the mixer is the one reachable from the group's addresses whose amount fits
    the payout less a mixer fee (up to 5 %), made before the payout."""
    [(payout,)] = _rows(
        store, "SELECT DISTINCT prev_txid FROM inputs WHERE txid = ? LIMIT 1", [deposit_txid]
    )
    [(paid, height)] = _rows(
        store,
        "SELECT o.value, o.block_height FROM outputs o JOIN inputs i"
        " ON i.prev_txid = o.txid AND i.prev_vout = o.vout WHERE i.txid = ? LIMIT 1",
        [deposit_txid],
    )
    assert isinstance(paid, int) and isinstance(height, int)
    reach = _forward(store, group, hops=4)
    fits = _rows(
        store,
        "SELECT DISTINCT txid FROM outputs WHERE value BETWEEN ? AND ? AND block_height <= ?"
        " AND txid IN (SELECT unnest(?)) AND txid <> ?",  # the payout itself is no deposit
        [paid, int(paid / 0.95), height, sorted(reach), str(payout)],
    )
    assert len(fits) == 1, fits
    return [str(fits[0][0]), str(payout)]
