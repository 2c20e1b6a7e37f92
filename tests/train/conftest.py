"""One tiny world per session for the course tests (seed 11), and course folders on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from darkrange.train import Course, start_course
from darkrange.world.generate import generate

WORLD_SEED = 10  # trainee 1 gets seed 11: the session world


@pytest.fixture(scope="session")
def course_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("course-world") / "w11"
    generate(11, "tiny", out)
    return out


def make_course(root: Path, world: Path, trainees: str | None = None) -> Course:
    """A course whose variant worlds all point at the session world (no generation in tests)."""
    spec = root / "class.yaml"
    spec.write_text(
        trainees
        or "trainees:\n"
        "  - {id: t1, name: Ana, team: security_service}\n"
        "  - {id: t2, name: Ben, team: customs}\n"
        "  - {id: t3, name: Cai, team: security_service}\n"
        "  - {id: t4, name: Dee, team: prosecutor}\n"
        "teams: {security_service: Security service, customs: Customs, prosecutor: Prosecutor}\n",
        encoding="utf-8",
    )
    course = start_course(root / "course", WORLD_SEED, spec)
    (course.root / "worlds").mkdir()
    for seed in {WORLD_SEED} | {t.seed for t in course.trainees()}:
        (course.root / "worlds" / str(seed)).symlink_to(world, target_is_directory=True)
    return course


@pytest.fixture
def course(tmp_path: Path, course_world: Path) -> Course:
    return make_course(tmp_path, course_world)
