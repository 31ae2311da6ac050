"""Editor accounts: add, list, remove and check passwords (argon2id via argon2-cffi).

This is the whole access model of the web app: anyone may read; a person signed in with an
account from this table may review changes, and is recorded as the author of each review. The
CLI (``floorcross user add``) and the sign-in page both go through these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from floorcross.store import Store
from floorcross.store.db import read_session, write_session
from floorcross.store.errors import NotFound, StoreError
from floorcross.store.sync import next_id
from floorcross.store.web_models import User

MIN_PASSWORD_LENGTH = 8
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(StoreError, ValueError):
    """An account that cannot be added as asked (bad name, short password, name taken)."""


@dataclass(frozen=True)
class UserView:
    """An editor account, without its password hash."""

    id: int
    name: str
    created_at: str
    # A session counts only while it carries this number; sign-out raises it.
    session_generation: int = 0


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with the library's defaults (RFC 9106 low-memory profile)."""
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checking an unknown name still costs one hash, so timing does not tell names apart.
    return hasher().hash("not a password of anyone")


def check_name(name: str) -> str:
    """The name, stripped, or :class:`UserError` saying which names are allowed."""
    name = name.strip()
    if not NAME_RE.fullmatch(name):
        raise UserError(
            f"bad user name {name!r}: use 1-64 letters, digits, '.', '_', '-' or '@', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    """The password, or :class:`UserError` when it is too short to be worth hashing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _view(row: User) -> UserView:
    return UserView(row.id, row.name, row.created_at, row.session_generation or 0)


def add_user(store: Store, name: str, password: str, *, replace: bool = False) -> UserView:
    """Add an editor (or, with ``replace``, set a new password for an existing one)."""
    name, password = check_name(name), check_password(password)
    hashed = hasher().hash(password)
    with write_session(store.engine) as session:
        row = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if row is not None and not replace:
            raise UserError(f"user {name} exists already (use --reset to set a new password)")
        if row is None:
            row = User(id=next_id(session, User), name=name, password_hash=hashed,
                       created_at=datetime.now(UTC).isoformat(timespec="seconds"))
            session.add(row)
        else:
            row.password_hash = hashed
        session.flush()
        return _view(row)


def remove_user(store: Store, name: str) -> None:
    """Delete an editor account; their past reviews keep their name as author."""
    with write_session(store.engine) as session:
        row = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if row is None:
            raise NotFound(f"no user named {name}")
        session.delete(row)


def end_sessions(store: Store, name: str) -> int:
    """Sign ``name`` out everywhere: every session cookie made before now stops counting, even a
    copy of one. Returns the new generation (0 when there is no such account)."""
    with write_session(store.engine) as session:
        row = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        if row is None:
            return 0
        row.session_generation = (row.session_generation or 0) + 1
        return row.session_generation


def list_users(store: Store) -> list[UserView]:
    """Every editor account, by name."""
    with read_session(store.engine) as session:
        return [_view(u) for u in session.execute(select(User).order_by(User.name)).scalars()]


def get_user(store: Store, name: str) -> UserView | None:
    """The account called ``name``, or None (e.g. removed since the session began)."""
    with read_session(store.engine) as session:
        row = session.execute(select(User).where(User.name == name)).scalar_one_or_none()
        return _view(row) if row is not None else None


def authenticate(store: Store, name: str, password: str) -> UserView | None:
    """The account when ``password`` is right for ``name``, else None (same cost either way)."""
    with read_session(store.engine) as session:
        row = session.execute(
            select(User).where(User.name == name.strip())).scalar_one_or_none()
        stored = row.password_hash if row is not None else _dummy_hash()
        found = _view(row) if row is not None else None
    try:
        hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if found is None:
        return None
    if hasher().check_needs_rehash(stored):  # parameters raised since the hash was made
        with write_session(store.engine) as session:
            row = session.get(User, found.id)
            if row is not None:
                row.password_hash = hasher().hash(password)
    return found
