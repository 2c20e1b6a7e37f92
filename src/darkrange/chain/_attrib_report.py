"""Reports for attribution: tag lists, exposure tables and charts, paths (text, CSV, JSON, PNG)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path as FilePath
from typing import Any

from darkrange.chain._exposure import Exposure
from darkrange.chain._graph import TxGraph
from darkrange.chain._path import Path, path_json
from darkrange.errors import InputError

TAG_FIELDS = ("address", "via", "label", "category", "abuse", "dwva_entity", "dwva_abuse",
              "confidence", "is_cluster_definer", "source", "pack")  # fmt: skip
EXPOSURE_FIELDS = ("direction", "key", "direct_sat", "indirect_sat", "share", "labels")


def _csv(fields: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    return buf.getvalue()


def tags_text(rows: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(rows, indent=1) + "\n"
    if fmt == "csv":
        return _csv(TAG_FIELDS, rows)
    lines = [
        f"{r['address']}  {r['label']}  [{r['category'] or '-'} / {r['abuse'] or '-'}; "
        f"DW-VA {r['dwva_entity'] or '-'} / {r['dwva_abuse'] or '-'}]  "
        f"confidence {r['confidence'] or '-'}  {r['via']}  ({r['pack']})"
        for r in rows
    ]
    return "\n".join(lines) + ("\n" if lines else "no tags\n")


def exposure_text(e: Exposure, fmt: str) -> str:
    data = e.as_json()
    if fmt == "json":
        return json.dumps(data, indent=1) + "\n"
    if fmt == "csv":
        return _csv(EXPOSURE_FIELDS, data["exposure"])
    lines = [
        f"Exposure of {e.start.kind} {e.start.value} over {e.hops} hop(s), haircut model; "
        f"received {e.total_sat / 1e8:.8f} BTC in all."
    ]
    for r in data["exposure"]:
        lines.append(
            f"  {r['direction']:>3}  {r['key']:<28} direct {r['direct_sat'] / 1e8:.8f} BTC, "
            f"indirect {r['indirect_sat'] / 1e8:.8f} BTC ({100 * r['share']:.2f}%)"
            f"  {', '.join(r['labels'][:3])}"
        )
    if not data["exposure"]:
        lines.append("  no exposure to tagged addresses within reach")
    return "\n".join(lines) + "\n"


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _check_png(path: FilePath) -> None:
    if path.is_dir() or not path.parent.is_dir():
        raise InputError(f"cannot write the picture to {path}")


def exposure_png(e: Exposure, path: FilePath) -> None:
    """Horizontal bars per key: direct and indirect BTC, inbound and outbound."""
    _check_png(path)
    plt = _pyplot()
    rows = e.rows[:30]
    names = [f"{r.direction} {r.key}" for r in rows]
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.35 * max(len(rows), 1)))
    direct = [r.direct_sat / 1e8 for r in rows]
    indirect = [r.indirect_sat / 1e8 for r in rows]
    ax.barh(names, direct, label="direct", color="tab:red")
    ax.barh(names, indirect, left=direct, label="indirect", color="tab:orange")
    ax.invert_yaxis()
    ax.set_xlabel("BTC")
    ax.set_title(f"Exposure of {e.start.value[:24]} ({e.hops} hops, haircut)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def paths_text(g: TxGraph, paths: list[Path], fmt: str) -> str:
    data = [path_json(g, p) for p in paths]
    if fmt == "json":
        return json.dumps({"paths": data}, indent=1) + "\n"
    if fmt == "csv":
        rows = [{"path": p["kind"], "hop": i + 1, **edge} for p in data
                for i, edge in enumerate(p["edges"])]  # fmt: skip
        fields = ("path", "hop", "from", "to", "value_sat", "example_txid", "time")
        return _csv(fields, rows)
    if not data:
        return "no path within the hop limit\n"
    lines = []
    for p in data:
        lines.append(f"{p['kind']} path: {p['hops']} hop(s), strength "
                     f"{p['strength_sat'] / 1e8:.8f} BTC (smallest flow on the way)")  # fmt: skip
        for i, edge in enumerate(p["edges"], 1):
            lines.append(f"  {i}. {edge['from']} -> {edge['to']}: {edge['value_sat'] / 1e8:.8f}"
                         f" BTC, e.g. tx {edge['example_txid']} at {edge['time']}")  # fmt: skip
    return "\n".join(lines) + "\n"


def paths_png(g: TxGraph, paths: list[Path], path: FilePath) -> None:
    """Each path as a row of clusters, arrows labelled with BTC."""
    _check_png(path)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(3 + 2.2 * max((len(p.clusters) for p in paths), default=2),
                                    1.5 + 1.2 * max(len(paths), 1)))  # fmt: skip
    for y, p in enumerate(paths):
        for x, c in enumerate(p.clusters):
            ax.plot([x], [-y], "o", color="tab:blue")
            ax.text(x, -y + 0.12, (g.address(c) or "")[:12], fontsize=6, ha="center")
        for x, v in enumerate(p.values):
            ax.annotate("", (x + 1, -y), (x, -y), arrowprops={"arrowstyle": "->"})
            ax.text(x + 0.5, -y - 0.15, f"{v / 1e8:.4f}", fontsize=6, ha="center")
        ax.text(-0.4, -y, p.kind, fontsize=7, ha="right")
    ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
