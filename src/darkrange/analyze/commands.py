"""CLI: `darkrange classify` (category, confidence and risk flags for a CSV of listings) and
`darkrange classify train` (a model from an agency's labelled CSVs)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from darkrange.errors import InputError, StateError

if TYPE_CHECKING:
    from darkrange.analyze.classify import Model

_err = Console(stderr=True, highlight=False)

classify_app = typer.Typer(
    help="Categorise listings (drugs, weapons, explosives, ...) and flag risks.",
    no_args_is_help=True,
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    """Attach this component's commands to the root app."""
    app.add_typer(classify_app, name="classify")
    __import__("darkrange.analyze.link", fromlist=["_"]).register_link(app)
    __import__("darkrange.analyze.watch", fromlist=["_"]).register_watch(app)
    __import__("darkrange.analyze.search", fromlist=["_"]).register_search(app)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


_TEXT_HELP = "Comma-separated columns holding the listing's text, e.g. title,description."


@classify_app.callback()
def classify(
    ctx: typer.Context,
    source: Annotated[
        Path | None, typer.Option("--input", "-i", help="CSV file of listings (UTF-8).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="CSV file to write (not the input).")
    ] = None,
    text_columns: Annotated[
        str, typer.Option("--text-columns", "-t", help=_TEXT_HELP)
    ] = "title,description",
    model_dir: Annotated[
        Path | None,
        typer.Option(
            "--model", "-m", help="A model folder from `classify train` (default: shipped)."
        ),
    ] = None,
    prefix: Annotated[
        str, typer.Option("--prefix", help="Prefix for the added column names.")
    ] = "",
) -> None:
    """Add category, confidence, risk_flags and explanation columns to every row of a CSV."""
    if ctx.invoked_subcommand is not None:
        return
    from darkrange.analyze.classify import classify_csv, parse_columns

    if source is None or out is None:
        raise InputError("classify needs --input FILE.csv and --out FILE.csv")
    columns = parse_columns(text_columns)
    model = _model(model_dir)
    with _progress() as progress:
        task = progress.add_task("classifying", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        rows = classify_csv(source, out, columns, model, prefix=prefix, advance=advance)
    _err.print(f"{rows} listings classified into {out}")


def _model(model_dir: Path | None) -> Model:
    from darkrange.analyze.classify import default_model, load_model

    return default_model() if model_dir is None else load_model(model_dir)


@classify_app.command("train")
def train(
    sources: Annotated[
        list[Path] | None,
        typer.Option("--input", "-i", help="Labelled CSV file; more may follow."),
    ] = None,
    more: Annotated[list[Path] | None, typer.Argument(help="More labelled CSV files.")] = None,
    text_columns: Annotated[
        str, typer.Option("--text-columns", "-t", help=_TEXT_HELP)
    ] = "title,description",
    label_column: Annotated[
        str, typer.Option("--label-column", "-l", help="Column holding the category.")
    ] = "category",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Folder to write the model into.")
    ] = None,
    any_labels: Annotated[
        bool,
        typer.Option("--any-labels", help="Accept labels other than darkrange's categories."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a model already in --out.")
    ] = False,
) -> None:
    """Train a classifier on labelled CSV files (an agency's own data)."""
    from darkrange.analyze.classify import (
        MODEL_FILE,
        parse_columns,
        read_labelled,
        save_model,
        train_model,
    )

    paths = [*(sources or []), *(more or [])]
    if not paths:
        raise InputError("classify train needs --input FILE.csv (one or more)")
    if out is None:
        raise InputError("classify train needs --out MODEL_DIR")
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file; give a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        what = "a model" if (out / MODEL_FILE).exists() else "files"
        raise StateError(f"{out} already holds {what}; pass --force to replace the model")
    texts, labels, unlabelled = read_labelled(
        paths, parse_columns(text_columns), label_column, any_labels
    )
    meta = {"trained_on": {"files": [p.name for p in paths]}}
    with _progress() as progress:
        task = progress.add_task("training", total=None)
        model = train_model(
            texts, labels, progress=lambda step: progress.update(task, description=step), meta=meta
        )
    path = save_model(model, out)
    counts = Counter(labels)
    summary = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
    skipped = f"; {unlabelled} rows without a label left out" if unlabelled else ""
    _err.print(f"model written to {path}: {len(labels)} examples ({summary}){skipped}")
