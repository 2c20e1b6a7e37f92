"""Helpers for the range's integration tests: a generated world with every fate, copies of it
with chosen site settings, the CLI as a subprocess, truth/ read back, and a client that gets
through a site's EndGame queue and login wall the way a trainee's crawler would."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from darkrange.sites.defences import captcha_answer
from darkrange.sites.market import SCHEMES
from darkrange.world.generate import generate
from darkrange.world.sizes import SIZES

REPO = Path(__file__).resolve().parents[2]
SEED = 5
FATES_SIZE = "tiny-fates"  # tiny, but with the fourth market that the seizure plot needs
UA = "Mozilla/5.0 (Windows NT 10.0; rv:128.0) Gecko/20100101 Firefox/128.0"
_WORLDS: dict[str, Path] = {}

Settings = Callable[[dict[str, Any]], dict[str, Any]]


def fates_world(factory: pytest.TempPathFactory) -> Path:
    """A tiny world with four markets (one exit-scams, one is seized), generated once per test
    process. The size is registered only while the generator runs."""
    if FATES_SIZE not in _WORLDS:
        out = factory.mktemp("range-world") / "world"
        SIZES[FATES_SIZE] = replace(SIZES["tiny"], name=FATES_SIZE, markets=4)
        try:
            generate(SEED, FATES_SIZE, out)
        finally:
            del SIZES[FATES_SIZE]
        _WORLDS[FATES_SIZE] = out
    return _WORLDS[FATES_SIZE]


def open_site(settings: dict[str, Any]) -> dict[str, Any]:
    """Every defence off: the site as an open one."""
    return {"uptime": 1.0}


def steady(settings: dict[str, Any]) -> dict[str, Any]:
    """The generated defences, but always up, no rate limit and a short queue."""
    return {**settings, "uptime": 1.0, "rate_limit_per_min": 0, "queue_wait_s": 1}


def copy_world(world: Path, dest: Path, settings: Settings) -> Path:
    """A copy of `world` at `dest` whose sites' `anti_crawl` objects pass through `settings`."""
    shutil.copytree(world, dest, ignore=shutil.ignore_patterns(".range"))
    sites = json.loads((dest / "sites.json").read_text(encoding="utf-8"))
    for site in sites:
        site["anti_crawl"] = settings(dict(site.get("anti_crawl") or {}))
    (dest / "sites.json").write_text(json.dumps(sites, indent=1), encoding="utf-8")
    return dest


def darkrange(
    *args: str, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "darkrange.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=dict(os.environ),
        timeout=timeout,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pids: list[int], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def tors_of(world: Path) -> list[int]:
    """Live tor processes whose torrc lies in this world's range folder."""
    workdir = str((world / ".range" / "tor").resolve())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if line.split(" ", 1)[0].endswith("tor") and workdir in line and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def state_of(world: Path) -> dict[str, Any]:
    return json.loads((world / ".range" / "state.json").read_text())  # type: ignore[no-any-return]


# -- the world's truth -----------------------------------------------------------------------


def truth_rows(world: Path, name: str) -> list[dict[str, str]]:
    with (world / "truth" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def plots(world: Path) -> dict[str, dict[str, Any]]:
    raw = json.loads((world / "truth" / "plots.json").read_text(encoding="utf-8"))
    return {p["plot"]: p for p in raw}


def sites_by_onion(world: Path) -> dict[str, dict[str, Any]]:
    sites = json.loads((world / "sites.json").read_text(encoding="utf-8"))
    return {s["onion"]: s for s in sites}


# -- URLs of the world's sites, as a trainee learns them by browsing -------------------------


def listing_url(site: dict[str, Any], listing_id: str) -> str:
    if site["kind"] == "deaddrop":
        return f"/product/{listing_id}"
    if site["kind"] == "shop":
        return f"/item/{listing_id}"
    return SCHEMES[site["software"]].listing(listing_id)


def vendor_url(site: dict[str, Any], handle: str) -> str:
    if site["kind"] == "deaddrop":
        return f"/shop/{handle}"
    if site["kind"] == "shop":
        return "/pgp"
    if site["kind"] == "forum":
        return f"/u/{handle}"
    return SCHEMES[site["software"]].vendor(handle)


# -- getting in: the EndGame queue, the CAPTCHA, registration ---------------------------------


def _challenge(page: str) -> str:
    found = re.search(r'name="challenge" value="([^"]+)"', page)
    assert found, f"no CAPTCHA on the page: {page[:300]}"
    return found.group(1)


def pass_queue(client: httpx.Client, base: str, site: dict[str, Any], paths: Any) -> None:
    """Wait out the queue page (meta refresh), answer its CAPTCHA, keep the pass cookie."""
    first = client.get(base + "/")
    assert first.status_code == 200 and 'http-equiv="refresh"' in first.text, first.text[:300]
    wait = int(re.search(r'content="(\d+)', first.text).group(1))  # type: ignore[union-attr]
    time.sleep(wait)  # the queue's own rule, not a measurement
    gate = client.get(base + "/")
    challenge = _challenge(gate.text)
    answer = captcha_answer(site["site_id"], challenge)
    admitted = client.post(
        base + paths.queue, data={"challenge": challenge, "captcha": answer, "next": "/"}
    )
    assert admitted.status_code == 303, admitted.text[:300]
    assert paths.pass_cookie in client.cookies


def register(client: httpx.Client, base: str, site: dict[str, Any], paths: Any, user: str) -> None:
    """Register an account (answering the CAPTCHA from the world's knowledge) and log in."""
    form = {"username": user, "password": "correct-horse", "password2": "correct-horse"}
    page = client.get(base + paths.register)
    assert page.status_code == 200, page.text[:300]
    if 'name="challenge"' in page.text:
        challenge = _challenge(page.text)
        form |= {"challenge": challenge, "captcha": captcha_answer(site["site_id"], challenge)}
    done = client.post(base + paths.register, data={**form, "next": "/"})
    assert done.status_code == 303, done.text[:300]
    assert paths.session_cookie in client.cookies


def guard_paths(site: dict[str, Any]) -> Any:
    """Where a site keeps its login, registration and queue (each software its own)."""
    if site["kind"] in ("market", "phishing"):
        return SCHEMES[site["software"]].paths
    if site["kind"] == "deaddrop":
        from darkrange.sites.deaddrop._app import PATHS

        return PATHS
    from darkrange.sites.defences import GuardPaths

    return GuardPaths(session_cookie="shop") if site["kind"] == "shop" else GuardPaths()


def get_in(client: httpx.Client, site: dict[str, Any], user: str = "trainee7") -> str:
    """Through the queue and the login wall, as the site's settings demand; the base URL."""
    base = f"http://{site['onion']}"
    settings = site.get("anti_crawl") or {}
    paths = guard_paths(site)
    if settings.get("queue"):
        pass_queue(client, base, site, paths)
    if settings.get("login_wall"):
        register(client, base, site, paths, user)
    return base
