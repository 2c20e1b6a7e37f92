"""Image CAPTCHAs without JavaScript: text drawn into a slightly distorted PNG.

The answer to a challenge is derived from the site's secret and the challenge id, so
`captcha_answer(site_id, challenge_id)` lets a test or a trainer-side solver that knows the world
answer it, while a crawler sees only the image.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import os
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from darkrange.sites.defences._tokens import Signer, site_secret

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a person must be able to read it
LENGTH = 5
CHALLENGE_TTL_S = 600
WIDTH, HEIGHT = 190, 64
_counter = itertools.count(1)


def captcha_answer(site_id: str, challenge_id: str) -> str:
    """The text shown in the image of `challenge_id` on site `site_id` (upper case)."""
    digest = hmac.new(
        site_secret(site_id), b"captcha\x00" + challenge_id.encode("utf-8"), hashlib.sha256
    ).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


class Captchas:
    """Issues and checks one site's challenges; a challenge is answered at most once."""

    def __init__(self, site_id: str) -> None:
        self.site_id = site_id
        self._signer = Signer(site_secret(site_id), "captcha-challenge")
        self._used: dict[str, float] = {}

    def issue(self, now: float) -> str:
        # pid and a counter keep ids unique across the range's worker processes.
        nonce = f"{os.getpid():x}{next(_counter):x}"
        return self._signer.sign(f"{int(now):x}", nonce)

    def valid(self, challenge_id: str, now: float) -> bool:
        fields = self._signer.open(challenge_id)
        if fields is None or len(fields) != 2:
            return False
        try:
            issued = int(fields[0], 16)
        except ValueError:
            return False
        return issued <= now + 60 and now - issued <= CHALLENGE_TTL_S

    def check(self, challenge_id: str, answer: str, now: float) -> bool:
        """True once for a right answer to a live challenge; False when wrong, stale or reused."""
        if not self.valid(challenge_id, now) or challenge_id in self._used:
            return False
        if answer.strip().upper() != captcha_answer(self.site_id, challenge_id):
            return False
        self._forget(now)
        self._used[challenge_id] = now
        return True

    def image(self, challenge_id: str) -> bytes:
        return captcha_png(self.site_id, challenge_id)

    def _forget(self, now: float) -> None:
        if len(self._used) > 10_000:
            self._used = {k: t for k, t in self._used.items() if now - t <= CHALLENGE_TTL_S}


@lru_cache(maxsize=1)
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=34)


@lru_cache(maxsize=2048)
def captcha_png(site_id: str, challenge_id: str) -> bytes:
    """The challenge's image: each letter turned and shifted, crossed by lines and speckled."""
    text = captcha_answer(site_id, challenge_id)
    rng = random.Random(hashlib.sha256(f"{site_id}\x00{challenge_id}".encode()).digest())
    img = Image.new("L", (WIDTH, HEIGHT), 235)
    font = _font()
    x = 10
    for char in text:
        glyph = Image.new("L", (46, 54), 0)
        ImageDraw.Draw(glyph).text((6, 4), char, font=font, fill=255)
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.Resampling.BILINEAR)
        ink = Image.new("L", glyph.size, rng.randint(10, 70))
        img.paste(ink, (x, rng.randint(0, 10)), glyph)
        x += rng.randint(30, 36)
    draw = ImageDraw.Draw(img)
    for _ in range(4):
        points = [(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _ in range(2)]
        draw.line(points, fill=rng.randint(60, 150), width=2)
    for _ in range(300):
        draw.point((rng.randrange(WIDTH), rng.randrange(HEIGHT)), fill=rng.randint(0, 255))
    img = img.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()
