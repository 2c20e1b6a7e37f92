"""Web tests: a real case store (SQLite in tmp_path), the app over a real uvicorn server on
127.0.0.1, and httpx clients that sign in through /login like a browser.

Fixtures for tests/web/analyst too: `web_store`, `web_config`, `serve` and `signed_in`.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from fastapi import FastAPI

from darkrange.case import ManualClock, Store, add_user, bootstrap_admin, upgrade, use_hasher
from darkrange.web import WebConfig, create_app

PASSWORD = "correct horse battery"
use_hasher(PasswordHasher.from_parameters(CHEAPEST))  # cheap hashes, same verification code

# one account per role, and trainees of three agencies for the course
WEB_USERS = {
    "root": "admin",
    "ana": "analyst",
    "sue": "supervisor",
    "aud": "auditor",
    "tia": "trainer",
    "tom": "trainee",
    "tess": "trainee",
    "theo": "trainee",
}
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("webdb") / "cases.db"
    from datetime import UTC, datetime

    seeded = Store(f"sqlite:///{path}", ManualClock(datetime(2030, 1, 1, 9, tzinfo=UTC)))
    upgrade(seeded)
    with seeded.session() as session:
        bootstrap_admin(session, seeded.clock, "root", PASSWORD)
    with seeded.acting("root") as admin:
        for name, role in WEB_USERS.items():
            if role != "admin":
                add_user(admin, name, role, PASSWORD)
    seeded.close()
    return path


@pytest.fixture
def web_store(web_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A migrated case store with WEB_USERS (password PASSWORD)."""
    shutil.copyfile(web_template, tmp_path / "cases.db")
    opened = Store.open(tmp_path / "cases.db")
    yield opened
    opened.close()


@pytest.fixture
def web_config(web_store: Store, tmp_path: Path) -> WebConfig:
    return WebConfig(db=web_store.url, secret_file=tmp_path / "web.secret")


class Server:
    """A FastAPI app served by uvicorn on a free 127.0.0.1 port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, args=([self.sock],), daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, follow_redirects=False, timeout=30)


@pytest.fixture
def serve() -> Iterator[Callable[[FastAPI], Server]]:
    """serve(app) -> a started Server; all are stopped after the test."""
    started: list[Server] = []

    def start(app: FastAPI) -> Server:
        server = Server(app).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__()


@pytest.fixture
def server(web_config: WebConfig, web_store: Store, serve: Callable[[FastAPI], Server]) -> Server:
    return serve(create_app(web_config, web_store))


def csrf_of(client: httpx.Client, path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_META.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


@pytest.fixture
def signed_in(server: Server) -> Iterator[Callable[[str], httpx.Client]]:
    """signed_in(username) -> an httpx client with that user's session."""
    clients: list[httpx.Client] = []

    def make(username: str) -> httpx.Client:
        client = server.client()
        clients.append(client)
        answer = sign_in(client, username)
        assert answer.status_code == 303, answer.text
        return client

    yield make
    for client in clients:
        client.close()


CLASS = (
    "trainees:\n"
    "  - {id: tom, name: Tom Ash, team: security_service}\n"
    "  - {id: tess, name: Tess Bay, team: customs}\n"
    "  - {id: theo, name: Theo Cole, team: security_service}\n"
    "teams: {security_service: Security service, customs: Customs, prosecutor: Prosecutor}\n"
)


@pytest.fixture(scope="session")
def web_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny world for every trainee's variant (seed 11, as tests/train uses)."""
    from darkrange.world.generate import generate

    out = tmp_path_factory.mktemp("web-world") / "w11"
    generate(11, "tiny", out)
    return out


@pytest.fixture
def web_course(tmp_path: Path, web_world: Path) -> Path:
    """A started course for tom, tess and theo whose variant worlds are all `web_world`."""
    from tests.train.conftest import make_course

    (tmp_path / "class").mkdir()
    return make_course(tmp_path / "class", web_world, CLASS).root


@pytest.fixture
def course_server(
    web_config: WebConfig,
    web_store: Store,
    web_course: Path,
    web_world: Path,
    serve: Callable[[FastAPI], Server],
) -> Server:
    web_config.course = web_course
    web_config.world = web_world
    return serve(create_app(web_config, web_store))


@pytest.fixture
def course_client(course_server: Server) -> Iterator[Callable[[str], httpx.Client]]:
    """course_client(username) -> a signed-in client of the server with a running course."""
    clients: list[httpx.Client] = []

    def make(username: str) -> httpx.Client:
        client = course_server.client()
        clients.append(client)
        assert sign_in(client, username).status_code == 303
        return client

    yield make
    for client in clients:
        client.close()
