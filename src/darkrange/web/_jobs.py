"""Background jobs for the trainer's slow actions (range up, world generation): one at a time
per kind, each with a status the dashboard shows."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from darkrange.errors import DarkrangeError, StateError


@dataclass
class Job:
    kind: str
    label: str
    state: str = "running"  # running, done, failed
    message: str = ""
    started: float = field(default_factory=time.time)
    finished: float | None = None


class Jobs:
    """The jobs of this server process, newest first per kind."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, label: str, work: Callable[[Job], str]) -> Job:
        """Run `work` in a thread; its return value becomes the job's message."""
        with self._lock:
            current = self._jobs.get(kind)
            if current is not None and current.state == "running":
                raise StateError(f"{current.label} is still running; wait for it to finish")
            job = Job(kind, label)
            self._jobs[kind] = job
        threading.Thread(target=self._run, args=(job, work), daemon=True).start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Job], str]) -> None:
        try:
            job.message = work(job)
            job.state = "done"
        except DarkrangeError as exc:
            job.message, job.state = str(exc), "failed"
        except Exception as exc:  # shown to the trainer rather than lost in a thread
            job.message, job.state = f"{type(exc).__name__}: {exc}", "failed"
        finally:
            job.finished = time.time()

    def get(self, kind: str) -> Job | None:
        return self._jobs.get(kind)

    def all(self) -> list[Job]:
        return sorted(self._jobs.values(), key=lambda j: -j.started)
