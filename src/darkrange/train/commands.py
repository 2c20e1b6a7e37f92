"""`darkrange course list|show|validate|start|submit|hint|scoreboard|compliance` (and
`analytics`, in commands_analytics)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from darkrange.errors import InputError

course_app = typer.Typer(
    help="Exercises, per-trainee variants, scoring and scoreboards.", no_args_is_help=True
)
_STATE = typer.Option(..., "--state", help="The course folder made by `course start`.")
_TRAINEE = typer.Option(..., "--trainee", help="Trainee id from the trainees file.")
_EXERCISE = typer.Option(..., "--exercise", help="Exercise id (see `course list`).")
_QUESTION = typer.Option(..., "--question", help="Question id (see `course show`).")


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


@course_app.command("list")
def list_cmd(
    exercises: Path | None = typer.Option(None, "--exercises", help="A folder of YAML files."),
) -> None:
    """One exercise a line: id, day, title."""
    from darkrange.train import load_course

    for ex in load_course(exercises):
        typer.echo(f"{ex.id}\tday {ex.day}\t{ex.title}")


@course_app.command("show")
def show_cmd(
    exercise: str = typer.Argument(..., help="Exercise id."),
    exercises: Path | None = typer.Option(None, "--exercises", help="A folder of YAML files."),
    state: Path | None = typer.Option(None, "--state", help="Show a trainee's variant."),
    trainee: str | None = typer.Option(None, "--trainee", help="With --state."),
) -> None:
    """An exercise's levels, briefs, questions and points (never the answers)."""
    from darkrange.train import (
        Course,
        facts_for,
        find_exercise,
        hints_taken,
        load_course,
        question_state,
        render_brief,
    )

    if (state is None) != (trainee is None):
        raise InputError("give --state and --trainee together")
    course = Course(state) if state is not None else None
    ex = find_exercise(course.exercises if course else load_course(exercises), exercise)
    facts: dict[str, object] = {}
    person = course.trainee(trainee) if course and trainee else None
    if course and person:
        with _bar() as bar:
            task = bar.add_task("world", total=1)
            facts = facts_for(
                course,
                person,
                ex,
                lambda p, d, t: bar.update(task, description=p, completed=d, total=max(t, 1)),
            )
    out = Console()
    out.print(f"[bold]{ex.id}[/bold]  day {ex.day}  {ex.title}  ({ex.points():g} points)")
    for obj in ex.objectives:
        out.print(f"  - {obj}")
    if ex.prerequisites:
        out.print(f"  after: {', '.join(ex.prerequisites)}")
    for lv in ex.levels:
        aud = f" [{', '.join(lv.audience)}]" if lv.audience else ""
        out.print(f"\n[bold]{lv.id}[/bold] ({lv.kind}){aud}: {lv.title}")
        if person and lv.audience and person.team not in lv.audience:
            out.print("  (for another agency)")
            continue
        if lv.brief:
            brief = render_brief(lv.brief, facts) if person else lv.brief
            out.print(Markdown(brief))
        for q in lv.questions:
            opts = f" options: {' | '.join(q.options)}" if q.options else ""
            text = render_brief(q.text, facts) if person else q.text
            out.print(f"  [{q.id}] {text} ({q.answer.type}, {q.points:g} points{opts})")
            if course and person:
                owner = f"team:{person.team}" if q.scope == "team" else f"trainee:{person.id}"
                st = question_state(course, owner, ex, q)
                out.print(f"      score {st.score:g}, attempts {st.attempts}, hints {st.hints}")
                for text in hints_taken(course, person, ex, q):
                    out.print(f"      hint: {text}")


@course_app.command("validate")
def validate_cmd(
    files: list[Path] = typer.Argument(..., help="Exercise YAML files or folders."),
) -> None:
    """Check exercise files against the format; every problem on its own line."""
    from darkrange.train import ExerciseError, check_course, load_exercise

    problems: list[str] = []
    loaded = []
    paths = [p for f in files for p in (sorted(f.glob("*.yaml")) if f.is_dir() else [f])]
    for path in paths:
        try:
            loaded.append(load_exercise(path))
        except ExerciseError as exc:
            problems += [f"{exc.source}: {p}" for p in exc.problems]
    if len(paths) > 1:
        problems += check_course(loaded)
    for p in problems:
        typer.echo(p, err=True)
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {len(paths)} file(s)")
    typer.echo(f"{len(paths)} exercise file(s) valid")


@course_app.command("start")
def start_cmd(
    world_seed: int = typer.Option(..., "--world-seed", help="Course seed; trainee i gets seed+i."),
    trainees: Path = typer.Option(..., "--trainees", help="YAML or CSV: id, name, team."),
    out: Path = typer.Option(..., "--out", help="New course folder."),
    size: str = typer.Option("tiny", "--size", help="World size of every variant."),
    exercises: Path | None = typer.Option(None, "--exercises", help="A folder of YAML files."),
    generate: bool = typer.Option(False, "--generate", help="Generate every world now."),
) -> None:
    """Start a course: record trainees, teams and their variant seeds."""
    from darkrange.train import start_course

    course = start_course(out, world_seed, trainees, size, exercises)
    people = course.trainees()
    if generate:
        seeds = sorted({course.world_seed} | {t.seed for t in people})
        with _bar() as bar:
            task = bar.add_task("worlds", total=len(seeds))
            for seed in seeds:
                course.world(seed)
                bar.advance(task)
    for t in people:
        typer.echo(f"{t.id}\t{t.team}\tseed {t.seed}")
    typer.echo(
        f"course started in {out}: {len(people)} trainees, {len(course.exercises)} exercises"
    )


@course_app.command("submit")
def submit_cmd(
    answer: str = typer.Argument(..., help="The answer; sets and paths: comma-separated."),
    state: Path = _STATE,
    trainee: str = _TRAINEE,
    exercise: str = _EXERCISE,
    question: str = _QUESTION,
) -> None:
    """Submit an answer and print its credit and the question's score."""
    from darkrange.train import Course, submit

    course = Course(state)
    with _bar() as bar:
        task = bar.add_task("world", total=1)
        r = submit(
            course,
            trainee,
            exercise,
            question,
            answer,
            progress=lambda p, d, t: bar.update(task, description=p, completed=d, total=max(t, 1)),
        )
    st = r.state
    typer.echo(
        f"{r.message}: credit {r.credit:.2f}, score {st.score:g}, attempts {st.attempts}"
        + (" (locked)" if st.locked else "")
    )


@course_app.command("hint")
def hint_cmd(
    state: Path = _STATE,
    trainee: str = _TRAINEE,
    exercise: str = _EXERCISE,
    question: str = _QUESTION,
    confirm: bool = typer.Option(False, "--confirm", help="Pay the cost and show the hint."),
) -> None:
    """Show the next hint's cost; with --confirm take it (hints open in order)."""
    from darkrange.train import Course, take_hint

    n, cost, text = take_hint(Course(state), trainee, exercise, question, confirm)
    if text is None:
        typer.echo(f"hint {n} costs {cost:g} points; add --confirm to take it")
    else:
        typer.echo(f"hint {n} (-{cost:g}): {text}")


@course_app.command("scoreboard")
def scoreboard_cmd(
    state: Path = _STATE,
    teams: bool = typer.Option(False, "--teams", help="One row per team (agency)."),
) -> None:
    """Scores per person, or per team with --teams."""
    from darkrange.train import Course, scoreboard

    table = Table(title="teams" if teams else "trainees")
    for col in (
        "#",
        "team" if teams else "trainee",
        "name",
        "own",
        "team q.",
        "total",
        "solved",
        "hints",
        "wrong",
        "compliance",
    ):
        table.add_column(col, justify="right" if col not in ("team", "trainee", "name") else "left")
    for i, r in enumerate(scoreboard(Course(state), teams), 1):
        comp = "-" if r.compliance is None else f"{r.compliance:g}"
        table.add_row(
            str(i),
            r.name,
            r.label,
            f"{r.own:g}",
            f"{r.team_points:g}",
            f"{r.total:g}",
            str(r.solved),
            str(r.hints),
            str(r.wrong),
            comp,
        )
    Console(width=120).print(table)


@course_app.command("compliance")
def compliance_cmd(
    audit: Path | None = typer.Argument(None, help="Audit trail: JSON list or JSON Lines."),
    state: Path | None = typer.Option(None, "--state", help="Record it for a trainee."),
    trainee: str | None = typer.Option(None, "--trainee", help="With --state."),
    db: str | None = typer.Option(
        None, "--db", help="Read the trail from this case database (SQLite path or URL)."
    ),
    user: str | None = typer.Option(
        None, "--user", help="The trainee's user name in the case database (default: --trainee)."
    ),
) -> None:
    """Score an audit trail (legal basis first, justified consultations, no bystander data),
    from a file or from the trainee's own entries in a case database (--db)."""
    from darkrange.train import (
        Course,
        compliance_from_case,
        load_audit,
        record_compliance,
        score_compliance,
    )

    if (state is None) != (trainee is None):
        raise InputError("give --state and --trainee together")
    if (audit is None) == (db is None):
        raise InputError("give either an audit trail file or --db CASE_DB")
    if db is not None:
        name = user or trainee
        if name is None:
            raise InputError("--db needs --user (or --state and --trainee)")
        entries = compliance_from_case(db, name)
    else:
        assert audit is not None
        entries = load_audit(audit)
    result = score_compliance(entries)
    for v in result.violations:
        typer.echo(f"entry {v.entry}: {v.rule}: {v.detail}")
    typer.echo(f"compliance {result.score:g} ({result.passed}/{result.checks} checks passed)")
    if state is not None and trainee is not None:
        record_compliance(Course(state), trainee, result)


def register(app: typer.Typer) -> None:
    import darkrange.train.commands_analytics  # noqa: F401  (adds `course analytics`)

    app.add_typer(course_app, name="course")
