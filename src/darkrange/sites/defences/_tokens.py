"""Per-site secrets and signed tokens (cookies, challenge ids) that any worker can check.

The range may serve one site from several worker processes; a token carries its own fields and
an HMAC, so a cookie issued by one worker is honoured by every other without shared state.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

_SALT = b"darkrange/range/site-secret/v1\x00"


def site_secret(site_id: str) -> bytes:
    """The site's secret: derived from its site_id, which only the world folder names.

    The trainer-side solver knows the world, so it can recompute CAPTCHA answers; a crawler on
    the range sees only onion addresses and images.
    """
    return hashlib.sha256(_SALT + site_id.encode("utf-8")).digest()


class Signer:
    """Signs and opens tokens made of text fields, for one site and one purpose."""

    def __init__(self, secret: bytes, purpose: str) -> None:
        self._key = hmac.new(secret, purpose.encode(), hashlib.sha256).digest()

    def sign(self, *fields: str) -> str:
        payload = "\x1f".join(fields).encode("utf-8")
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        return _b64(payload) + "." + _b64(mac)

    def open(self, token: str) -> list[str] | None:
        """The fields of a token this signer made, or None for anything else."""
        payload_b64, sep, mac_b64 = token.partition(".")
        if not sep or len(token) > 2048:
            return None
        try:
            payload = _unb64(payload_b64)
            mac = _unb64(mac_b64)
        except (binascii.Error, ValueError):
            return None
        good = hmac.new(self._key, payload, hashlib.sha256).digest()[:12]
        if not hmac.compare_digest(good, mac):
            return None
        return payload.decode("utf-8").split("\x1f")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ua_tag(user_agent: str) -> str:
    """A short digest of a User-Agent, stored in session cookies bound to it."""
    return hashlib.sha256(user_agent.encode("utf-8", "replace")).hexdigest()[:16]
