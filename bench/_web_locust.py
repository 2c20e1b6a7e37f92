"""Locust users for bench/web.py: trainees play, trainers watch (run by locust, headless)."""

from __future__ import annotations

import os
import re
from typing import Any

from locust import HttpUser, between, task

PASSWORD = os.environ["BENCH_PASSWORD"]
TRAINEES = int(os.environ["BENCH_TRAINEES"])
TRAINERS = int(os.environ["BENCH_TRAINERS"])
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
_next = {"trainee": 0, "trainer": 0}


def _sign_in(user: Any, username: str) -> None:
    page = user.client.get("/login", name="login page")
    token = CSRF.search(page.text).group(1)
    user.client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        name="sign in",
        allow_redirects=False,
    )


class Trainee(HttpUser):
    weight = TRAINEES
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        _next["trainee"] += 1
        self.username = f"b{_next['trainee']:03d}"
        _sign_in(self, self.username)
        self.tries = 0

    @task(4)
    def course(self) -> None:
        self.client.get("/course", name="/course")

    @task(4)
    def exercise(self) -> None:
        page = self.client.get("/course/opsec-setup", name="/course/{exercise}")
        self.token = CSRF.search(page.text).group(1) if page.ok else ""

    @task(1)
    def answer(self) -> None:
        # a wrong answer now and then changes the course state (scoreboard caches refresh)
        if self.tries >= 2 or not getattr(self, "token", ""):
            return
        self.tries += 1
        self.client.post(
            "/course/opsec-setup/proxy-url/answer",
            data={"answer": "http://example", "csrf_token": self.token},
            name="answer",
            allow_redirects=False,
        )


class Trainer(HttpUser):
    weight = TRAINERS
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        _next["trainer"] += 1
        _sign_in(self, f"r{_next['trainer']}")

    @task
    def scoreboard(self) -> None:
        self.client.get("/trainer/scoreboard", name="/trainer/scoreboard")

    @task
    def progress(self) -> None:
        self.client.get("/trainer/progress", name="/trainer/progress")
