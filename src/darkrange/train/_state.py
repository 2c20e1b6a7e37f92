"""Course runtime state in DIR: course.json, the exercises, state.sqlite, the variant worlds.

DIR/course.json        format, world_seed, size, created
DIR/exercises/*.yaml   the course as it was started (later edits elsewhere do not change it)
DIR/state.sqlite       trainees, teams, submissions, hints taken, compliance
DIR/worlds/<seed>/     each variant world, generated the first time it is needed
"""

from __future__ import annotations

import csv
import fcntl
import json
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from darkrange.errors import FormatError, InputError, StateError
from darkrange.train._course import builtin_dir, load_course
from darkrange.train._schema import Exercise
from darkrange.train._world import WorldView

__all__ = ["FORMAT", "Course", "Trainee", "load_trainees", "start_course"]

FORMAT = "darkrange-course/1"
Progress = Callable[[str, int, int], None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS teams (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trainees (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT NOT NULL REFERENCES teams(id),
  idx INTEGER NOT NULL UNIQUE, seed INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
  n INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, trainee TEXT NOT NULL,
  exercise TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL,
  credit REAL NOT NULL, time REAL NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_owner ON submissions(owner, exercise, question);
CREATE TABLE IF NOT EXISTS hints (
  owner TEXT NOT NULL, trainee TEXT NOT NULL, exercise TEXT NOT NULL, question TEXT NOT NULL,
  n INTEGER NOT NULL, cost REAL NOT NULL, time REAL NOT NULL,
  PRIMARY KEY (owner, exercise, question, n));
CREATE TABLE IF NOT EXISTS compliance (
  trainee TEXT PRIMARY KEY, score REAL NOT NULL, checks INTEGER NOT NULL,
  violations TEXT NOT NULL, time REAL NOT NULL);
"""


def _quiet(phase: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class Trainee:
    id: str
    name: str
    team: str
    idx: int  # 1-based position in the trainees file
    seed: int  # the trainee's variant world: course seed + idx


def _rows_from(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read trainees file {path}: {exc.strerror}") from None
    if path.suffix.lower() == ".csv":
        return [dict(r) for r in csv.DictReader(text.splitlines())]
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise FormatError(f"{path}: not valid YAML") from None
    rows = data.get("trainees") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise FormatError(f"{path}: expected a list of trainees (id, name, team)")
    return rows


def load_trainees(path: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Trainees (id, name, team) and team names from a YAML or CSV file."""
    rows = _rows_from(path)
    out: list[dict[str, str]] = []
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict) or not all(
            str(row.get(k) or "").strip() for k in ("id", "team")
        ):
            raise FormatError(f"{path}: trainee {i} needs an id and a team")
        tid = str(row["id"]).strip()
        if any(t["id"] == tid for t in out):
            raise FormatError(f"{path}: trainee id {tid} appears twice")
        out.append({"id": tid, "name": str(row.get("name") or tid), "team": str(row["team"])})
    if not out:
        raise FormatError(f"{path}: no trainees")
    names: dict[str, str] = {}
    if path.suffix.lower() != ".csv":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("teams"), dict):
            names = {str(k): str(v) for k, v in data["teams"].items()}
    return out, names


def start_course(
    out: Path,
    world_seed: int,
    trainees_file: Path,
    size: str = "tiny",
    exercises_dir: Path | None = None,
) -> Course:
    """Create a course state folder; worlds are generated later, when first needed."""
    from darkrange.world.sizes import get_size

    get_size(size)  # an unknown size is refused now, not at the first submission
    trainees, team_names = load_trainees(trainees_file)
    exercises = load_course(exercises_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise StateError(f"{out} exists and is not an empty folder")
    tmp = out.with_name(out.name + ".starting")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "exercises").mkdir(parents=True)
    # copy the validated files as they are, so the course keeps running on what was started
    for path in sorted((exercises_dir or builtin_dir()).glob("*.yaml")):
        shutil.copyfile(path, tmp / "exercises" / path.name)
    assert len(list((tmp / "exercises").glob("*.yaml"))) == len(exercises)
    manifest = {"format": FORMAT, "world_seed": world_seed, "size": size, "created": time.time()}
    (tmp / "course.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    con = sqlite3.connect(tmp / "state.sqlite")
    try:
        con.executescript(_SCHEMA)
        teams = sorted({t["team"] for t in trainees})
        con.executemany(
            "INSERT INTO teams VALUES (?, ?)", [(t, team_names.get(t, t)) for t in teams]
        )
        con.executemany(
            "INSERT INTO trainees VALUES (?, ?, ?, ?, ?)",
            [(t["id"], t["name"], t["team"], i, world_seed + i) for i, t in enumerate(trainees, 1)],
        )
        con.commit()
    finally:
        con.close()
    if out.exists():
        out.rmdir()
    tmp.rename(out)
    return Course(out)


class Course:
    """An open course state folder."""

    def __init__(self, root: Path) -> None:
        manifest = root / "course.json"
        if not manifest.is_file():
            raise StateError(f"{root} is not a course (no course.json; see `course start`)")
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise StateError(f"{root}: unknown course format {data.get('format')!r}")
        self.root = root
        self.world_seed = int(data["world_seed"])
        self.size = str(data["size"])
        self.exercises: list[Exercise] = load_course(root / "exercises")

    @contextmanager
    def db(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection; with write=True one immediate transaction, committed on success."""
        con = sqlite3.connect(self.root / "state.sqlite", isolation_level=None, timeout=30)
        con.row_factory = sqlite3.Row
        try:
            if write:
                con.execute("BEGIN IMMEDIATE")
            yield con
            if write:
                con.execute("COMMIT")
        except BaseException:
            if write:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def trainees(self) -> list[Trainee]:
        with self.db() as con:
            rows = con.execute("SELECT id, name, team, idx, seed FROM trainees ORDER BY idx")
            return [Trainee(*r) for r in rows]

    def trainee(self, tid: str) -> Trainee:
        for t in self.trainees():
            if t.id == tid:
                return t
        raise InputError(f"no trainee {tid!r} in this course")

    def teams(self) -> dict[str, str]:
        with self.db() as con:
            return {r[0]: r[1] for r in con.execute("SELECT id, name FROM teams ORDER BY id")}

    def seed_for(self, trainee: Trainee, ex: Exercise) -> int:
        """The variant world of a trainee in an exercise."""
        return self.world_seed if ex.variant == "course" else trainee.seed

    def world(self, seed: int, progress: Progress | None = None) -> WorldView:
        """The variant world of `seed`, generated on first use (one process at a time)."""
        folder = self.root / "worlds" / str(seed)
        if not (folder / "world.json").is_file():
            from darkrange.world.generate import generate

            folder.parent.mkdir(exist_ok=True)
            with (folder.parent / ".lock").open("w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not (folder / "world.json").is_file():
                    shutil.rmtree(folder, ignore_errors=True)
                    generate(seed, self.size, folder, progress=progress or _quiet)
        return WorldView(folder)
