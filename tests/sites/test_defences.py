"""The guard's defences, each switched on alone, against a tiny handler (no world needed)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from darkrange.errors import FormatError
from darkrange.sites.defences import (
    AccountStore,
    AntiCrawl,
    Guard,
    HttpError,
    PlainPages,
    Request,
    Response,
    calendar_page,
    captcha_answer,
    captcha_png,
    downtime,
    html,
    up_windows,
)
from tests.sites.marketfix import Now, challenge_of, run, served

SITE = "market-test"


def handler(req: Request) -> Response:
    if req.path == "/":
        return html(f"<p>home of {req.user}</p>")
    if req.path == "/account":
        return html("status: suspended" if req.state.get("suspended") else "status: active")
    raise HttpError(404, "no such page")


def guard(tmp_path: Path, now: Now, **settings: object) -> Guard:
    base = AntiCrawl(login_wall=True, captcha=True, bind_user_agent=True, session_ttl_s=600)
    return Guard(
        SITE,
        base.but(**settings),
        handler,
        PlainPages("Test Market"),
        AccountStore(tmp_path / "accounts.sqlite"),
        now,
    )


def client(app: Guard, ua: str = "UA-one", port: int = 40000) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", port))
    return httpx.AsyncClient(transport=transport, base_url="http://t", headers={"user-agent": ua})


async def signup(c: httpx.AsyncClient, user: str = "alice", password: str = "secret99") -> None:
    challenge = challenge_of((await c.get("/register")).text)
    answer = captcha_answer(SITE, challenge)
    form = {"username": user, "password": password, "password2": password}
    r = await c.post("/register", data=form | {"challenge": challenge, "captcha": answer})
    assert r.status_code == 303


def test_captcha_answers_are_deterministic_per_site_and_drawn_as_png() -> None:
    assert captcha_answer(SITE, "abc") == captcha_answer(SITE, "abc")
    assert captcha_answer(SITE, "abc") != captcha_answer("other-site", "abc")
    assert re.fullmatch(r"[A-Z2-9]{5}", captcha_answer(SITE, "abc"))
    image = captcha_png(SITE, "abc")
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert image != captcha_png(SITE, "abd")


def test_login_wall_then_register_and_login_with_captcha(tmp_path: Path) -> None:
    app = guard(tmp_path, Now())

    async def go() -> None:
        async with client(app) as c:
            r = await c.get("/")
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
            await signup(c)
            assert "home of alice" in (await c.get("/")).text
        async with client(app) as c:
            page = (await c.get("/login")).text
            challenge = challenge_of(page)
            image = await c.get(f"/captcha?c={challenge}")
            assert image.headers["content-type"] == "image/png"
            form = {"username": "alice", "password": "secret99", "challenge": challenge}
            wrong = await c.post("/login", data=form | {"captcha": "XXXXX"})
            assert "Wrong captcha" in wrong.text and "set-cookie" not in wrong.headers
            # a challenge is good for one answer only: ask for a new one
            challenge = challenge_of(wrong.text)
            form |= {"challenge": challenge, "captcha": captcha_answer(SITE, challenge)}
            assert (await c.post("/login", data=form)).status_code == 303
            assert "home of alice" in (await c.get("/")).text
            again = await c.post("/login", data=form)  # the same answer a second time
            assert "Wrong captcha" in again.text

    run(go())


def test_bad_password_and_taken_handle_are_refused(tmp_path: Path) -> None:
    app = guard(tmp_path, Now(), captcha=False)

    async def go() -> None:
        async with client(app) as c:
            form = {"username": "bob_1", "password": "pw123456", "password2": "pw123456"}
            assert (await c.post("/register", data=form)).status_code == 303
        async with client(app) as c:
            taken = await c.post("/register", data=form)
            assert taken.status_code == 200 and "taken" in taken.text
            bad = await c.post("/login", data={"username": "bob_1", "password": "nope"})
            assert "Invalid username or password" in bad.text
            short = await c.post("/register", data={"username": "x", "password": "a"})
            assert "3 to 32" in short.text

    run(go())


def test_session_is_bound_to_the_user_agent(tmp_path: Path) -> None:
    app = guard(tmp_path, Now())

    async def go() -> None:
        async with client(app, ua="UA-one") as c:
            await signup(c)
            assert (await c.get("/")).status_code == 200
            r = await c.get("/", headers={"user-agent": "UA-two"})
            assert r.status_code == 303 and "/login" in r.headers["location"]

    run(go())


def test_session_expires_after_its_ttl(tmp_path: Path) -> None:
    now = Now()
    app = guard(tmp_path, now, session_ttl_s=600)

    async def go() -> None:
        async with client(app) as c:
            await signup(c)
            now.t += 599
            assert (await c.get("/")).status_code == 200
            now.t += 2
            r = await c.get("/")
            assert r.status_code == 303 and "/login" in r.headers["location"]
            login = await c.get(r.headers["location"])
            assert "expired" in login.text

    run(go())


def test_rate_limit_answers_429_then_bans_then_lets_back_in(tmp_path: Path) -> None:
    now = Now()
    app = guard(tmp_path, now, login_wall=False, rate_limit_per_min=5, ban_s=120)

    async def go() -> None:
        async with client(app) as c:
            codes = [(await c.get("/")).status_code for _ in range(5)]
            assert codes == [200] * 5
            limited = await c.get("/")
            assert limited.status_code == 429 and limited.headers["retry-after"] == "120"
            banned = await c.get("/")
            assert banned.status_code == 403 and "Banned" in banned.text
        async with client(app, port=40001) as other:  # another circuit is not banned
            assert (await other.get("/")).status_code == 200
        now.t += 121
        async with client(app) as c:
            assert (await c.get("/")).status_code == 200

    run(go())


def test_queue_page_then_captcha_then_the_site(tmp_path: Path) -> None:
    now = Now()
    app = guard(tmp_path, now, login_wall=False, queue=True, queue_wait_s=5)

    async def go() -> None:
        async with client(app) as c:
            first = await c.get("/")
            assert first.status_code == 200 and "in the queue" in first.text
            assert 'http-equiv="refresh"' in first.text
            assert "in the queue" in (await c.get("/")).text  # still waiting
            now.t += 6
            gate = await c.get("/")
            challenge = challenge_of(gate.text)
            answer = captcha_answer(SITE, challenge)
            form = {"challenge": challenge, "captcha": answer, "next": "/"}
            passed = await c.post("/queue", data=form)
            assert passed.status_code == 303
            assert "home of None" in (await c.get("/")).text

    run(go())


def test_three_wrong_answers_send_the_visitor_back_to_the_queue(tmp_path: Path) -> None:
    now = Now()
    app = guard(tmp_path, now, login_wall=False, queue=True, queue_wait_s=5)

    async def go() -> None:
        async with client(app) as c:
            await c.get("/")
            now.t += 6
            page = (await c.get("/")).text
            for attempt in range(3):
                form = {"challenge": challenge_of(page), "captcha": "WRONG", "next": "/"}
                page = (await c.post("/queue", data=form)).text
                if attempt < 2:
                    assert "Wrong answer" in page
            assert "in the queue" in page

    run(go())


def test_accounts_fetching_too_fast_are_suspended(tmp_path: Path) -> None:
    app = guard(tmp_path, Now(), suspend_after_pages_per_min=5)

    async def go() -> None:
        async with client(app) as c:
            await signup(c, "scraper")
            codes = [(await c.get("/")).status_code for _ in range(6)]
            assert codes[:5] == [200] * 5 and codes[5] == 403
            assert "status: suspended" in (await c.get("/account")).text
            assert "suspended" in (await c.get("/")).text

    run(go())


def test_downtime_windows_follow_the_uptime_and_answer_502_or_504(tmp_path: Path) -> None:
    windows = up_windows(SITE, 0.7, 0, 2000, 120)
    assert 0.65 < sum(windows) / len(windows) < 0.75
    assert up_windows(SITE, 0.7, 0, 50, 120) == windows[:50]  # deterministic
    down_at = windows.index(False) * 120 + 1.0
    up_at = windows.index(True) * 120 + 1.0
    assert downtime(SITE, 0.7, down_at, 120) in (502, 504)
    now = Now(down_at)
    app = guard(tmp_path, now, login_wall=False, uptime=0.7, downtime_window_s=120)

    async def go() -> None:
        async with client(app) as c:
            assert (await c.get("/")).status_code in (502, 504)
            now.t = up_at
            assert (await c.get("/")).status_code == 200

    run(go())


def test_calendar_trap_never_ends(tmp_path: Path) -> None:
    app = guard(tmp_path, Now(), login_wall=False, traps=True)

    async def go() -> None:
        seen = set()
        url = "/calendar/2026/01"
        async with client(app) as c:
            for _ in range(30):
                page = await c.get(url)
                assert page.status_code == 200
                seen.add(url)
                url = re.findall(r'href="(/calendar/\d+/\d+)">next', page.text)[0]
            assert len(seen) == 30
            assert (await c.get("/calendar/2026/13")).status_code == 404

    run(go())
    assert calendar_page("/calendar/2026/12") is not None
    assert "2027/01" in (calendar_page("/calendar/2026/12") or "")


def test_bad_requests_get_proper_http_errors(tmp_path: Path) -> None:
    app = guard(tmp_path, Now(), login_wall=False)

    async def go() -> None:
        async with client(app) as c:
            assert (await c.get("/no/such/page")).status_code == 404
            not_form = await c.post("/login", content=b"{}", headers={"content-type": "text/json"})
            assert not_form.status_code == 400
            broken = await c.post(
                "/login",
                content=b"\xff\xfe=1",
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert broken.status_code == 400
            huge = await c.post(
                "/login",
                content=b"a=" + b"x" * 200_000,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
            assert huge.status_code == 413
            put = await c.put("/")
            assert put.status_code == 405 and "GET" in put.headers["allow"]
            assert (await c.get("/captcha?c=forged")).status_code == 404

    run(go())


def test_settings_come_from_anti_crawl_and_bad_values_are_refused() -> None:
    s = AntiCrawl.from_json({"login_wall": True, "rate_limit_per_min": 120, "new_key": 1})
    assert s.login_wall and s.rate_limit_per_min == 120 and not s.queue
    assert AntiCrawl.from_json(None) == AntiCrawl()
    with pytest.raises(FormatError, match="login_wall"):
        AntiCrawl.from_json({"login_wall": "yes"})
    with pytest.raises(FormatError, match="uptime"):
        AntiCrawl.from_json({"uptime": 1.5})
    with pytest.raises(FormatError):
        AntiCrawl.from_json([1, 2])


def test_guard_through_a_real_server(tmp_path: Path) -> None:
    app = guard(tmp_path, Now())
    with served(app) as base, httpx.Client(base_url=base, headers={"user-agent": "UA"}) as c:
        challenge = challenge_of(c.get("/register").text)
        form = {"username": "real", "password": "secret99", "password2": "secret99"}
        form |= {"challenge": challenge, "captcha": captcha_answer(SITE, challenge)}
        assert c.post("/register", data=form).status_code == 303
        assert "home of real" in c.get("/").text
        assert c.get("/", headers={"user-agent": "other"}).status_code == 303
