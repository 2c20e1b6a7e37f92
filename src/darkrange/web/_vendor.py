"""Front-end libraries from npm, served read-only at /static/vendor/<package>/<file>.

Only the packages package.json depends on are served, and only files inside them.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from darkrange.web._auth import get_config

router = APIRouter()


def allowed_packages(node_modules: Path) -> frozenset[str]:
    manifest = node_modules.parent / "package.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    deps = data.get("dependencies", {})
    return frozenset(deps) if isinstance(deps, dict) else frozenset()


@router.get("/static/vendor/{package}/{file:path}")
def vendor_file(request: Request, package: str, file: str) -> FileResponse:
    node_modules = get_config(request).node_modules
    if package not in allowed_packages(node_modules):
        raise HTTPException(404, f"{package} is not a front-end library of darkrange")
    root = (node_modules / package).resolve()
    target = (root / file).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        if not root.is_dir():
            raise HTTPException(404, f"{package} is not installed: run `npm ci` in the repository")
        raise HTTPException(404, "no such file")
    return FileResponse(target, headers={"cache-control": "public, max-age=86400"})
