"""HTTP with retries and backoff, shared by the Bitcoin Core RPC and Esplora clients."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from darkrange.errors import InputError, NetworkError

# Statuses worth another try: rate limits and a server that is busy or restarting.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class Http:
    """An httpx client that retries transport errors and RETRY_STATUS with exponential backoff."""

    def __init__(
        self,
        base_url: str,
        *,
        proxy: str | None = None,
        retries: int = 4,
        backoff: float = 0.5,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise InputError(f"not an http(s) URL: {base_url}")
        if proxy is not None and not proxy.startswith(("socks5://", "socks5h://", "http://")):
            raise InputError(f"unsupported proxy {proxy!r} (use socks5h://host:port)")
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        try:
            self.client = httpx.Client(proxy=proxy, timeout=timeout, follow_redirects=True)
        except (ImportError, ValueError) as exc:
            raise InputError(f"cannot use proxy {proxy!r}: {exc}") from None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self, method: str, path: str, retry: frozenset[int] = RETRY_STATUS, **kwargs: Any
    ) -> httpx.Response:
        """Send, retrying what may pass; any other failure is a NetworkError naming the URL."""
        url = f"{self.base_url}{path}"
        shown = url.split("@")[-1]  # never print credentials given in the URL
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                continue
            if response.status_code in retry:
                last = f"HTTP {response.status_code}"
                continue
            return response
        raise NetworkError(f"{method} {shown} failed after {self.retries + 1} tries ({last})")
