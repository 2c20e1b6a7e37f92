"""User accounts: argon2id password hashes, roles, and the first admin."""

from __future__ import annotations

import functools
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from darkrange.case._access import ROLES, AccessDenied, Actor, require
from darkrange.case._clock import Clock
from darkrange.case._schema_case import User
from darkrange.errors import InputError, StateError

_HASHER = [PasswordHasher()]  # argon2id at the library's recommended cost (RFC 9106)
USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 10


def use_hasher(hasher: PasswordHasher) -> None:
    """Change the cost of new hashes (the test suite uses a cheap one; hashes name their cost)."""
    _HASHER[0] = hasher
    _dummy.cache_clear()


@functools.cache
def _dummy() -> str:
    # verified against when the user does not exist, so both failures take as long
    return _HASHER[0].hash("not a password of anyone")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters")


def _new_user(session: Session, clock: Clock, username: str, role: str, password: str) -> User:
    if not USERNAME.match(username):
        raise InputError(f"user name {username!r}: lowercase letters, digits, . _ - (2-32)")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    _check_password(password)
    if session.execute(select(User).where(User.username == username)).first():
        raise StateError(f"user {username!r} exists")
    user = User(
        username=username,
        role=role,
        password_hash=_HASHER[0].hash(password),
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def bootstrap_admin(session: Session, clock: Clock, username: str, password: str) -> User:
    """The first account of an empty database: an admin, since nobody can vouch for it."""
    if session.execute(select(func.count()).select_from(User)).scalar_one():
        raise AccessDenied("access denied: users exist; an admin adds new ones (--user)")
    return _new_user(session, clock, username, "admin", password)


def add_user(actor: Actor, username: str, role: str, password: str) -> User:
    require(actor, "user.manage")
    return _new_user(actor.session, actor.clock, username, role, password)


def set_password(actor: Actor, username: str, password: str) -> None:
    """Your own password, or anyone's if you are an admin."""
    if username != actor.name:
        require(actor, "user.manage")
    _check_password(password)
    user = actor.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise InputError(f"no user {username!r}")
    user.password_hash = _HASHER[0].hash(password)


def list_users(actor: Actor) -> list[User]:
    require(actor, "user.manage")
    return list(actor.session.execute(select(User).order_by(User.username)).scalars())


def authenticate(session: Session, username: str, password: str) -> User:
    """The user, if the password is right; one message for every failure (no user probing)."""
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    stored = user.password_hash if user is not None else _dummy()
    try:
        _HASHER[0].verify(stored, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.active:
        raise AccessDenied("wrong user name or password")
    return user
