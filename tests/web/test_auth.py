"""Sign-in, sessions, roles, CSRF, lockout and security headers over a real server."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.web.conftest import PASSWORD, Server, csrf_of, sign_in


def test_unauthenticated_pages_redirect_to_login(server: Server) -> None:
    with server.client() as client:
        for path in ("/", "/course", "/trainer", "/account"):
            answer = client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/login"), path
        assert client.get("/trainer").headers["location"] == "/login?next=/trainer"


def test_sign_in_sets_a_strict_http_only_session_and_goes_home(server: Server) -> None:
    with server.client() as client:
        answer = sign_in(client, "tia")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/trainer"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=" in cookie
        assert client.get("/account").status_code == 200


def test_wrong_password_is_refused_with_one_message(server: Server) -> None:
    with server.client() as client:
        wrong = sign_in(client, "tia", "not the password")
        nobody = sign_in(client, "nobody", "not the password")
        assert wrong.status_code == nobody.status_code == 401
        assert "wrong user name or password" in wrong.text
        assert "wrong user name or password" in nobody.text
        assert client.get("/account").status_code == 303


def test_login_lockout_after_repeated_failures(server: Server) -> None:
    with server.client() as client:
        for _ in range(5):
            assert sign_in(client, "tom", "guess guess guess").status_code == 401
        locked = sign_in(client, "tom", PASSWORD)  # even the right password now
        assert locked.status_code == 401
        assert "too many failed sign-ins for tom" in locked.text
        assert client.get("/course").status_code == 303
        # another user is not locked out by tom's failures
        assert sign_in(client, "tess").status_code == 303


def test_post_without_csrf_token_is_refused(server: Server) -> None:
    with server.client() as client:
        answer = client.post("/login", data={"username": "tia", "password": PASSWORD})
        assert answer.status_code == 403
        token = csrf_of(client)
        forged = client.post(
            "/login", data={"username": "tia", "password": PASSWORD, "csrf_token": token + "x"}
        )
        assert forged.status_code == 403


def test_logout_needs_the_token_and_ends_the_session(
    signed_in: Callable[[str], httpx.Client],
) -> None:
    client = signed_in("ana")
    assert client.post("/logout").status_code == 403
    assert client.get("/account").status_code == 200
    token = csrf_of(client, "/account")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/account").status_code == 303


def test_strict_security_headers_on_every_answer(server: Server) -> None:
    with server.client() as client:
        for answer in (client.get("/login"), client.get("/trainer"), client.get("/nowhere")):
            csp = answer.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe-inline" not in csp
            assert "frame-ancestors 'none'" in csp
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "no-referrer"
            assert "camera=()" in answer.headers["permissions-policy"]


def test_next_never_redirects_off_site(server: Server) -> None:
    with server.client() as client:
        token = csrf_of(client)
        answer = client.post(
            "/login",
            data={
                "username": "ana",
                "password": PASSWORD,
                "csrf_token": token,
                "next": "//evil.example/",
            },
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/cases"
