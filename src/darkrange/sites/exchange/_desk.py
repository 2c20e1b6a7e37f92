"""The exchange's legal-request desk: who asked what, what was answered, and the log of it.

A request is answered only when it names a case reference, a legal basis and at least one
account (account id, deposit address or email); otherwise it is refused, saying what is missing.
Every request, answered or refused, gets a reference number and one line in
WORLD/.range/exchange-requests.jsonl, appended under a file lock so the range's workers never
interleave or number two requests alike. The answer document can be downloaded again later
from that log (its URL carries a token, so references cannot be walked).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from darkrange.sites.forum import read_rows

LOG_NAME = "exchange-requests.jsonl"
REQUEST_FIELDS = (
    "case_reference",
    "legal_basis",
    "authority",
    "officer",
    "account_id",
    "deposit_address",
    "email",
)
IDENTIFIERS = ("account_id", "deposit_address", "email")


@dataclass(frozen=True)
class CustomerAccount:
    account_id: str
    name: str
    email: str
    country: str
    opened: int
    deposit_addresses: tuple[str, ...]

    def public(self) -> dict[str, Any]:
        """The account as disclosed in an answer."""
        opened = dt.datetime.fromtimestamp(self.opened, dt.UTC).strftime("%Y-%m-%d")
        return {
            "account_id": self.account_id,
            "name": self.name,
            "email": self.email,
            "country": self.country,
            "opened": opened,
            "deposit_addresses": list(self.deposit_addresses),
        }


def _address_key(address: str) -> str:
    # Bech32 addresses are case-insensitive (written lower case); Base58 ones are not.
    return address.lower() if address.lower().startswith(("bc1", "tb1")) else address


class CustomerBook:
    """The exchange's KYC records, indexed by every identifier a request may name."""

    def __init__(self, world: Path, site_id: str) -> None:
        self.accounts: dict[str, CustomerAccount] = {}
        self.by_email: dict[str, str] = {}
        self.by_address: dict[str, str] = {}
        for row in read_rows(world / "content" / "exchange_accounts.parquet"):
            if row["site_id"] != site_id:
                continue
            try:
                addresses = tuple(str(a) for a in json.loads(row["deposit_addresses"] or "[]"))
            except json.JSONDecodeError:
                addresses = ()
            account = CustomerAccount(
                row["account_id"],
                row["name"],
                row["email"],
                row["country"],
                int(row["opened"]),
                addresses,
            )
            self.accounts[account.account_id.upper()] = account
            self.by_email[account.email.casefold()] = account.account_id.upper()
            for address in addresses:
                self.by_address[_address_key(address)] = account.account_id.upper()

    def find(self, fields: dict[str, str]) -> tuple[list[CustomerAccount], list[str]]:
        """Accounts the request's identifiers name, and the identifiers that match none."""
        found: dict[str, CustomerAccount] = {}
        unmatched: list[str] = []
        lookups = (
            ("account_id", lambda v: v.upper() if v.upper() in self.accounts else None),
            ("email", lambda v: self.by_email.get(v.casefold())),
            ("deposit_address", lambda v: self.by_address.get(_address_key(v))),
        )
        for name, lookup in lookups:
            value = fields.get(name, "")
            if not value:
                continue
            key = lookup(value)
            if key is None:
                unmatched.append(f"{name.replace('_', ' ')} {value}")
            else:
                found[key] = self.accounts[key]
        return sorted(found.values(), key=lambda a: a.account_id), unmatched


def request_fields(form: dict[str, str]) -> dict[str, str]:
    """The request's known fields, trimmed; other form fields are ignored."""
    return {name: form.get(name, "").strip() for name in REQUEST_FIELDS}


def missing_parts(fields: dict[str, str]) -> list[str]:
    """What a request lacks to be answered, in words an officer reads."""
    missing = []
    if not fields["case_reference"]:
        missing.append("a case reference")
    if not fields["legal_basis"]:
        missing.append("the legal basis (statute, court order or warrant)")
    if not any(fields[name] for name in IDENTIFIERS):
        missing.append("an account: account id, deposit address or email")
    return missing


class RequestLog:
    """The append-only log of every legal request, shared by all of the range's workers."""

    def __init__(self, folder: Path, site_id: str, secret: bytes) -> None:
        self.path = folder / LOG_NAME
        self.site_id = site_id
        self._key = hmac.new(secret, b"legal-request-download", hashlib.sha256).digest()

    def token(self, reference: str) -> str:
        return hmac.new(self._key, reference.encode(), hashlib.sha256).hexdigest()[:20]

    @contextlib.contextmanager
    def _locked(self) -> Iterator[int]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield fd
        finally:
            os.close(fd)  # closing releases the lock

    def append(self, entry: dict[str, Any], year: int) -> dict[str, Any]:
        """Number the entry (LR-YEAR-NNNNNN), append it as one line, and return it."""
        with self._locked() as fd:
            data = _read_all(fd)
            count = sum(1 for line in data.split(b"\n") if line.strip())
            reference = f"LR-{year}-{count + 1:06d}"
            line = json.dumps({"reference": reference, **entry}, ensure_ascii=False) + "\n"
            # A line cut short by a crash stays as it is; the next entry starts on its own line.
            prefix = b"\n" if data and not data.endswith(b"\n") else b""
            os.write(fd, prefix + line.encode("utf-8"))
        return {"reference": reference, **entry}

    def find(self, reference: str) -> dict[str, Any] | None:
        """The logged entry of a reference, or None."""
        if not self.path.is_file():
            return None
        with self.path.open("rb") as handle:
            for raw in handle:
                try:
                    entry = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    continue  # a line cut short by a crash
                if isinstance(entry, dict) and entry.get("reference") == reference:
                    return entry
        return None


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)
