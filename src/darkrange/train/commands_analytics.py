"""`darkrange course analytics`: the trainer's view of progress (tables, JSON, a PNG chart)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from darkrange.errors import InputError
from darkrange.train._analytics import Analytics
from darkrange.train.commands import _STATE, course_app


def _minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _tables(result: Analytics, console: Console) -> None:
    table = Table(title="Exercises")
    for col in ("exercise", "day", "started", "solved", "median min", "wrong", "hints"):
        table.add_column(col, justify="left" if col == "exercise" else "right")
    for ex in result.exercises:
        table.add_row(
            ex.exercise,
            str(ex.day),
            str(ex.started),
            str(ex.solved),
            _minutes(ex.median_solve_s),
            str(ex.wrong),
            str(ex.hints),
        )
    console.print(table)
    detail = Table(title="Questions (wrong answers: trainer only)")
    for col in ("question", "started", "solved", "median min", "wrong", "hints", "wrong answers"):
        detail.add_column(col, justify="left" if col in ("question", "wrong answers") else "right")
    for ex in result.exercises:
        for q in ex.questions:
            if not q.started:
                continue
            common = "; ".join(f"{a[:40]} x{n}" for a, n in q.common_wrong)
            detail.add_row(
                f"{q.exercise}/{q.question}",
                str(q.started),
                str(q.solved),
                _minutes(q.median_solve_s),
                str(q.wrong),
                str(q.hints),
                common,
            )
    console.print(detail)


def write_chart(result: Analytics, out: Path) -> None:
    """Started and solved per exercise (bars) with wrong answers and hints (lines), as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display on a server
    import matplotlib.pyplot as plt

    names = [ex.exercise for ex in result.exercises]
    xs = list(range(len(names)))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.8 * len(names)), 4.5))
    try:
        ax.bar([x - 0.2 for x in xs], [ex.started for ex in result.exercises], 0.4, label="started")
        ax.bar([x + 0.2 for x in xs], [ex.solved for ex in result.exercises], 0.4, label="solved")
        ax.plot(xs, [ex.wrong for ex in result.exercises], "o-", color="crimson", label="wrong")
        ax.plot(xs, [ex.hints for ex in result.exercises], "s--", color="gray", label="hints")
        ax.set_xticks(xs, names, rotation=45, ha="right")
        ax.set_ylabel("trainees / submissions")
        ax.set_title("Course progress")
        ax.legend()
        fig.tight_layout()
        tmp = out.with_name(out.name + ".partial")
        fig.savefig(tmp, format="png", dpi=100, metadata={"Software": None})
        tmp.replace(out)  # never a half-written chart
    finally:
        plt.close(fig)


@course_app.command("analytics")
def analytics_cmd(
    state: Path = _STATE,
    as_json: bool = typer.Option(False, "--json", help="Print the analytics as JSON."),
    chart: Path | None = typer.Option(None, "--chart", help="Also write a PNG chart here."),
) -> None:
    """Per exercise and question: started, solved, median time, wrong answers, hints; per
    trainee a timeline (with --json). Wrong answers' texts are for the trainer only."""
    from darkrange.train import Course, analytics

    if chart is not None and chart.suffix.lower() != ".png":
        raise InputError(f"--chart {chart}: the chart is a .png file")
    result = analytics(Course(state))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=1))
    else:
        _tables(result, Console(width=140))
    if chart is not None:
        write_chart(result, chart)
        if not as_json:
            typer.echo(f"chart written to {chart}")
