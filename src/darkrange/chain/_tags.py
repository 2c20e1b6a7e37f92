"""Attribution tags: GraphSense TagPacks, OFAC address lists and selectors found on pages.

Every source becomes rows of one table (docs/formats/tags.md), kept beside the chain store in
`tags.parquet`. Tags of every currency are kept; only BTC tags meet the store's addresses.
Categories and abuses are checked against GraphSense's taxonomy and given their INTERPOL DW-VA
counterpart; an unknown value is kept as it is, with a warning, never dropped.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from darkrange.chain._store import ChainStore
from darkrange.chain._taxonomy import ABUSES, CATEGORIES, CONFIDENCE
from darkrange.errors import FormatError, InputError

TAGS_FILE = "tags.parquet"
TAGS = pa.schema(
    [
        ("address", pa.string()),
        ("currency", pa.string()),
        ("label", pa.string()),
        ("source", pa.string()),
        ("category", pa.string()),
        ("abuse", pa.string()),
        ("confidence", pa.string()),
        ("confidence_level", pa.int32()),
        ("is_cluster_definer", pa.bool_()),
        ("dwva_entity", pa.string()),
        ("dwva_abuse", pa.string()),
        ("pack", pa.string()),
        ("lastmod", pa.string()),
    ]
)
_KEY = ["address", "currency", "label", "source", "category", "abuse"]
_TAG_FIELDS = ("label", "source", "category", "abuse", "confidence", "is_cluster_definer",
               "currency", "lastmod")  # fmt: skip
_OFAC_NAME = re.compile(r"sanctioned_addresses_([A-Z0-9]+)\.txt$")
OFAC_SOURCE = "https://sanctionssearch.ofac.treas.gov/"


@dataclass
class TagImport:
    """What one import did."""

    files: int = 0
    tags: int = 0  # rows read
    added: int = 0  # new rows in the store's tags
    by_currency: Counter[str] = field(default_factory=Counter)
    btc_in_store: int = 0  # BTC tags whose address is in the chain store
    warnings: list[str] = field(default_factory=list)


def normalize_address(address: str, currency: str) -> str:
    """Bech32 addresses compare in lower case; Base58 ones are case-sensitive."""
    a = address.strip()
    if currency == "BTC" and a.lower().startswith(("bc1", "tb1", "bcrt1")):
        return a.lower()
    return a


def _row(values: dict[str, Any], pack: str, warn: Counter[str]) -> dict[str, Any]:
    currency = str(values.get("currency") or "").strip().upper()
    if currency == "XBT":
        currency = "BTC"
    category = values.get("category")
    abuse = values.get("abuse")
    category = str(category).strip() if category not in (None, "") else None
    abuse = str(abuse).strip() if abuse not in (None, "") else None
    if category is not None and category not in CATEGORIES:
        warn[f"unknown category {category!r}"] += 1
    if abuse is not None and abuse not in ABUSES:
        warn[f"unknown abuse {abuse!r}"] += 1
    confidence = values.get("confidence")
    confidence = str(confidence).strip() if confidence not in (None, "") else None
    if confidence is not None and confidence not in CONFIDENCE:
        warn[f"unknown confidence {confidence!r}"] += 1
    lastmod = values.get("lastmod")
    return {
        "address": normalize_address(str(values["address"]), currency),
        "currency": currency or None,
        "label": str(values.get("label") or "").strip() or None,
        "source": str(values.get("source") or "").strip() or None,
        "category": category,
        "abuse": abuse,
        "confidence": confidence,
        "confidence_level": CONFIDENCE.get(confidence or "", None),
        "is_cluster_definer": bool(values.get("is_cluster_definer") or False),
        "dwva_entity": CATEGORIES.get(category or ""),
        "dwva_abuse": ABUSES.get(abuse or ""),
        "pack": pack,
        "lastmod": None if lastmod is None else str(lastmod),
    }


def read_tagpack(path: Path, warn: Counter[str]) -> list[dict[str, Any]]:
    """A GraphSense TagPack: header fields apply to every tag unless the tag overrides them."""
    try:
        text = path.read_text(encoding="utf-8")
        if re.search(r"^actors:", text, re.M) and not re.search(r"^tags:", text, re.M):
            return []  # an ActorPack describes actors, not addresses: not worth parsing
        doc = yaml.load(text, Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise FormatError(f"{path}: not a readable TagPack ({str(exc).splitlines()[0]})") from None
    if not isinstance(doc, dict):
        raise FormatError(f"{path}: not a TagPack (no YAML mapping at the top)")
    if "tags" not in doc:
        raise FormatError(f"{path}: not a TagPack (no 'tags' list)")
    tags = doc["tags"]
    if not isinstance(tags, list):
        raise FormatError(f"{path}: 'tags' is not a list")
    header = {k: doc.get(k) for k in _TAG_FIELDS if k in doc}
    rows = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, dict) or not tag.get("address"):
            raise FormatError(f"{path}: tag {i + 1} has no address")
        rows.append(_row({**header, **tag}, path.name, warn))
    return rows


def read_ofac(path: Path, warn: Counter[str]) -> list[dict[str, Any]]:
    """An OFAC list: one address a line; the currency comes from the file's name."""
    match = _OFAC_NAME.search(path.name)
    currency = match.group(1) if match else "BTC"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"{path}: not a readable address list ({exc})") from None
    values = {"label": "OFAC SDN", "source": OFAC_SOURCE, "abuse": "sanction",
              "confidence": "authority_data", "currency": currency}  # fmt: skip
    return [
        _row({**values, "address": line.strip()}, path.name, warn)
        for line in lines
        if line.strip() and not line.startswith("#")
    ]


def read_selectors(path: Path, warn: Counter[str]) -> list[dict[str, Any]]:
    """Selectors CSV of `darkrange extract --format csv`: valid BTC ones become tags."""
    try:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise FormatError(f"{path}: not a readable selectors CSV ({exc})") from None
    if not {"kind", "normalized", "source"} <= set(reader.fieldnames or []):
        raise FormatError(f"{path}: a selectors CSV needs the columns kind, normalized, source")
    out = []
    for r in rows:
        if r["kind"] != "btc" or r.get("valid", "True") not in ("True", "true", "1"):
            continue
        if r.get("network") not in (None, "", "mainnet"):
            continue
        where = r["source"].split(" ")[-1] if r["source"] else path.name
        values = {"address": r["normalized"], "label": f"seen on {where}", "source": r["source"],
                  "abuse": "dark_web", "confidence": "web_crawl", "currency": "BTC"}  # fmt: skip
        out.append(_row(values, path.name, warn))
    return out


def _kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".yaml", ".yml")):
        return "tagpack"
    if name.endswith(".csv"):
        return "selectors"
    if name.endswith(".txt"):
        return "ofac"
    raise InputError(f"{path}: unknown kind of tag file (.yaml TagPack, .txt OFAC list, .csv)")


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(
                f for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in (".yaml", ".yml", ".txt", ".csv")
                and f.name.lower() not in ("license", "license.txt", "readme.txt")
            )  # fmt: skip
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p} does not exist")
    return out


_READERS = {"tagpack": read_tagpack, "ofac": read_ofac, "selectors": read_selectors}


def read_tag_files(paths: list[Path]) -> tuple[pa.Table, list[str], int]:
    """Every tag of the files (read fully before anything is stored), warnings, file count."""
    warn: Counter[str] = Counter()
    rows: list[dict[str, Any]] = []
    files = _files(paths)
    for f in files:
        rows += _READERS[_kind(f)](f, warn)
    warnings = [f"{msg} ({n} tag(s), kept)" for msg, n in sorted(warn.items())]
    return pa.Table.from_pylist(rows, schema=TAGS), warnings, len(files)


def load_tags(root: Path) -> pa.Table:
    """The store's tags (an empty table when none were imported)."""
    path = Path(root) / TAGS_FILE
    if not path.exists():
        return TAGS.empty_table()
    try:
        return pq.read_table(path, schema=TAGS)
    except (OSError, pa.ArrowInvalid) as exc:
        raise FormatError(f"{path} is unreadable: {exc}") from None


def _dedupe(table: pa.Table) -> pa.Table:
    """One row per key (the first seen wins), sorted by address, label, source."""
    keyed = table.select(_KEY)
    keyed = pa.table({k: pc.fill_null(keyed.column(k), "\x00") for k in _KEY})
    keyed = keyed.append_column("_i", pa.array(range(table.num_rows), pa.int64()))
    first = keyed.group_by(_KEY, use_threads=False).aggregate([("_i", "min")])
    idx = first.column("_i_min").combine_chunks()
    table = table.take(idx.take(pc.array_sort_indices(idx)))
    return table.sort_by([(k, "ascending") for k in ("address", "label", "source", "pack")])


def import_tags(store: ChainStore, paths: list[Path]) -> TagImport:
    """Add the tags of `paths` to the store's tags (atomically; repeated imports add nothing)."""
    new, warnings, n_files = read_tag_files(paths)
    old = load_tags(store.root)
    merged = _dedupe(pa.concat_tables([old, new]))
    report = TagImport(files=n_files, tags=new.num_rows, warnings=warnings)
    report.added = merged.num_rows - old.num_rows
    report.by_currency.update(c or "?" for c in new.column("currency").to_pylist())
    btc = pc.unique(new.filter(pc.equal(new.column("currency"), "BTC")).column("address"))
    report.btc_in_store = _count_in_store(store, btc)
    tmp = store.root / f".tmp-{TAGS_FILE}"
    pq.write_table(merged, tmp, compression="zstd")
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, store.root / TAGS_FILE)
    return report


def _count_in_store(store: ChainStore, addresses: pa.Array) -> int:
    if not len(addresses) or not store.parts:
        return 0
    con = store.connect()
    try:
        con.register("wanted", pa.table({"address": addresses}))
        row = con.execute(
            "SELECT count(*) FROM wanted WHERE address IN "
            "(SELECT address FROM outputs UNION SELECT address FROM inputs_resolved)"
        ).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0
