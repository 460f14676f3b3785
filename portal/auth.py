"""Accounts, passwords, sessions, CSRF tokens, lockout and the portal's audit.

- Passwords: ``hashlib.scrypt`` (memory-hard; n=2**14, r=8, p=1: 16 MiB and ~50 ms per check), a
  16-byte random salt per password, stored as ``scrypt$n$r$p$salt$hash`` (base64) so the parameters
  can be raised later; compared in constant time. A login for a name that matches no account checks
  a dummy hash, so the answer takes as long whether the name exists or not.
- Sessions: a 32-byte random token in an HttpOnly cookie; the warehouse keeps only its SHA-256
  (``portal_session``), so a read of the table gives no usable session. A session ends at
  ``expires_at`` (absolute lifetime), after ``idle_minutes`` unused, at logout, or when its account is
  disabled.
- CSRF: every form carries a token derived from the session token (HMAC-SHA-256 of a fixed label with
  the token as key): only a page served to the session's browser can know it. The login form, before
  any session, uses a random token in its own cookie (double submit).
- Lockout: ``max_failed_logins`` failed logins in a row lock the account for ``lockout_minutes``.
- Audit: every login (success, failure, refused while locked), logout, upload and refused request is
  a ``portal_event`` row.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, insert, or_, select, update

from portal.settings import PortalSettings
from sinks.warehouse import db
from sinks.warehouse import schema as s

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES, TOKEN_BYTES = 16, 32, 32
#: Roles: a steward sees and submits for its own unit only; the centre sees every unit.
STEWARD, CENTRE = "steward", "centre"
ROLES = (STEWARD, CENTRE)
#: Longest text of a sender kept in the audit (a typed user name, a client address, a detail).
MAX_AUDIT_TEXT = 200
MIN_PASSWORD_CHARS = 10


class AccountError(ValueError):
    """An account command that cannot be carried out (Indonesian message)."""


@dataclass(frozen=True)
class User:
    """A logged-in account: who, which role, which unit (None for the centre)."""

    user_id: int
    username: str
    full_name: str
    role: str
    unit_code: str | None

    @property
    def is_centre(self) -> bool:
        return self.role == CENTRE

    def may_see(self, unit_code: str) -> bool:
        """The centre sees every unit, a steward only its own."""
        return self.is_centre or unit_code == self.unit_code


# ----------------------------------------------------------------------------------------- passwords

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES,
                          maxmem=256 * n * r * p)


def hash_password(password: str) -> str:
    """The stored form of a password: ``scrypt$n$r$p$salt$hash``, a new random salt each time."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` hashes to ``stored`` (constant-time compare; a malformed hash is False)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


#: Checked when a login names no account, so that answer takes as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def check_password_rules(password: str) -> None:
    """A new password is long enough (Indonesian message otherwise)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"kata sandi terlalu pendek: paling sedikit {MIN_PASSWORD_CHARS} karakter")


# ------------------------------------------------------------------------------------------ tokens

def new_token() -> str:
    """A random session (or pre-login) token, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the warehouse keeps of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def csrf_token(session_token: str) -> str:
    """The CSRF token of a session: derived from its token, so it needs no storage."""
    return hmac.new(session_token.encode("utf-8"), b"sakip-portal-csrf", hashlib.sha256).hexdigest()


def same_token(given: str | None, expected: str | None) -> bool:
    """Constant-time equality of two tokens; a missing one never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def _utc(value: Any) -> datetime | None:
    """A time from the database as an aware UTC datetime (SQLite gives naive UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _clip(text: Any) -> str | None:
    if text is None:
        return None
    return "".join(c if c.isprintable() else "?" for c in str(text))[:MAX_AUDIT_TEXT]


# ------------------------------------------------------------------------------------------- audit

def record_event(conn: Connection, event: str, now: datetime, *, username: str | None = None,
                 user_id: int | None = None, unit_code: str | None = None, upload_id: int | None = None,
                 client: str | None = None, detail: str | None = None) -> None:
    """One ``portal_event`` row in the caller's transaction (texts a sender controls are clipped)."""
    conn.execute(insert(s.portal_event).values(
        at=now, event=event, username=_clip(username), user_id=user_id, unit_code=unit_code, upload_id=upload_id,
        client=_clip(client), detail=_clip(detail)))


def log_event(engine: Engine, event: str, now: datetime, **fields: Any) -> None:
    """One ``portal_event`` row in its own transaction."""
    with db.write_transaction(engine) as conn:
        record_event(conn, event, now, **fields)


# ---------------------------------------------------------------------------------------- accounts

def normalise_username(username: str) -> str:
    """Login names are compared in lower case, without surrounding spaces."""
    return username.strip().lower()


def add_user(engine: Engine, username: str, full_name: str, role: str, unit_code: str | None, password: str,
             now: datetime | None = None) -> int:
    """Create an account; its id. A steward names its unit (a known Kode Satker), the centre none."""
    from reference.master import resolve_unit

    now = now or datetime.now(timezone.utc)
    name = normalise_username(username)
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise AccountError("nama pengguna harus 1-64 karakter: huruf, angka, titik, garis bawah, tanda hubung atau @")
    if role not in ROLES:
        raise AccountError(f"peran {role!r} tidak dikenal; pilih {' atau '.join(ROLES)}")
    if role == STEWARD:
        code = resolve_unit(unit_code or "")
        if code is None:
            raise AccountError(f"unit {unit_code!r} tidak dikenal; gunakan Kode Satker, mis. BPOM-KPG")
    elif unit_code:
        raise AccountError("pengguna pusat tidak terikat pada satu unit: jangan isi --unit")
    else:
        code = None
    check_password_rules(password)
    u = s.portal_user
    with db.write_transaction(engine) as conn:
        if conn.execute(select(u.c.user_id).where(u.c.username == name)).first() is not None:
            raise AccountError(f"nama pengguna {name!r} sudah dipakai")
        return int(conn.execute(insert(u).values(
            username=name, full_name=full_name.strip() or name, role=role, unit_code=code,
            password_hash=hash_password(password), is_active=True, failed_logins=0, locked_until=None,
            created_at=now, password_changed_at=now, disabled_at=None)).inserted_primary_key[0])


def _user_id(conn: Connection, username: str) -> int:
    found = conn.execute(select(s.portal_user.c.user_id).where(
        s.portal_user.c.username == normalise_username(username))).scalar()
    if found is None:
        raise AccountError(f"pengguna {username!r} tidak ditemukan")
    return int(found)


def disable_user(engine: Engine, username: str, now: datetime | None = None) -> None:
    """Disable an account and end its open sessions at once."""
    now = now or datetime.now(timezone.utc)
    with db.write_transaction(engine) as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(s.portal_user).where(s.portal_user.c.user_id == user_id)
                     .values(is_active=False, disabled_at=now))
        conn.execute(update(s.portal_session).where(s.portal_session.c.user_id == user_id,
                                                    s.portal_session.c.ended_at.is_(None)).values(ended_at=now))


def enable_user(engine: Engine, username: str) -> None:
    """Enable a disabled account again (and lift any lockout)."""
    with db.write_transaction(engine) as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(s.portal_user).where(s.portal_user.c.user_id == user_id).values(
            is_active=True, disabled_at=None, failed_logins=0, locked_until=None))


def set_password(engine: Engine, username: str, password: str, now: datetime | None = None) -> None:
    """Set a new password: it lifts any lockout and ends the account's open sessions."""
    now = now or datetime.now(timezone.utc)
    check_password_rules(password)
    with db.write_transaction(engine) as conn:
        user_id = _user_id(conn, username)
        conn.execute(update(s.portal_user).where(s.portal_user.c.user_id == user_id).values(
            password_hash=hash_password(password), password_changed_at=now, failed_logins=0, locked_until=None))
        conn.execute(update(s.portal_session).where(s.portal_session.c.user_id == user_id,
                                                    s.portal_session.c.ended_at.is_(None)).values(ended_at=now))


def list_users(engine: Engine) -> pd.DataFrame:
    """Every account (never its hash): name, person, role, unit, active, locked until, created."""
    u = s.portal_user
    with engine.connect() as conn:
        rows = conn.execute(select(u.c.username, u.c.full_name, u.c.role, u.c.unit_code, u.c.is_active,
                                   u.c.failed_logins, u.c.locked_until, u.c.created_at)
                            .order_by(u.c.role, u.c.unit_code, u.c.username)).mappings().all()
    return pd.DataFrame([dict(r) for r in rows], columns=["username", "full_name", "role", "unit_code", "is_active",
                                                          "failed_logins", "locked_until", "created_at"])


# ------------------------------------------------------------------------------------------- login

@dataclass(frozen=True)
class LoginResult:
    """A login attempt: the user when it succeeded, else why not ('wrong' | 'locked')."""

    user: User | None
    reason: str | None = None


def _user_of(row: Any) -> User:
    return User(int(row["user_id"]), row["username"], row["full_name"], row["role"], row["unit_code"])


def authenticate(engine: Engine, username: str, password: str, now: datetime, cfg: PortalSettings,
                 client: str | None = None) -> LoginResult:
    """Check a login and record it in the audit. A wrong password counts towards the lockout; a locked
    or disabled account is refused without its password being looked at (still with the same cost)."""
    u = s.portal_user
    name = normalise_username(username)[:64]
    with engine.connect() as conn:
        row = conn.execute(select(u).where(u.c.username == name)).mappings().first()
    if row is None or not row["is_active"]:
        verify_password(password, _DUMMY_HASH)
        log_event(engine, "login_failed", now, username=username, client=client,
                  user_id=row["user_id"] if row is not None else None,
                  detail="akun nonaktif" if row is not None else "nama pengguna tidak dikenal")
        return LoginResult(None, "wrong")
    locked_until = _utc(row["locked_until"])
    if locked_until is not None and locked_until > now:
        verify_password(password, _DUMMY_HASH)
        log_event(engine, "login_locked", now, username=username, user_id=row["user_id"], unit_code=row["unit_code"],
                  client=client, detail=f"terkunci sampai {locked_until.isoformat(timespec='seconds')}")
        return LoginResult(None, "locked")
    ok = verify_password(password, row["password_hash"])
    with db.write_transaction(engine) as conn:
        if ok:
            conn.execute(update(u).where(u.c.user_id == row["user_id"]).values(failed_logins=0, locked_until=None))
            record_event(conn, "login_ok", now, username=username, user_id=row["user_id"], unit_code=row["unit_code"],
                         client=client)
            return LoginResult(_user_of(row))
        failures = conn.execute(update(u).where(u.c.user_id == row["user_id"])
                                .values(failed_logins=u.c.failed_logins + 1).returning(u.c.failed_logins)).scalar()
        lock = failures >= cfg.max_failed_logins
        if lock:
            conn.execute(update(u).where(u.c.user_id == row["user_id"]).values(
                failed_logins=0, locked_until=now + timedelta(minutes=cfg.lockout_minutes)))
        record_event(conn, "login_failed", now, username=username, user_id=row["user_id"], unit_code=row["unit_code"],
                     client=client, detail=f"kata sandi salah ({failures}x)" + ("; akun dikunci" if lock else ""))
    return LoginResult(None, "locked" if lock else "wrong")


# ---------------------------------------------------------------------------------------- sessions

def start_session(engine: Engine, user: User, now: datetime, cfg: PortalSettings) -> str:
    """A new session for a user who just logged in; its token (for the cookie, never stored)."""
    token = new_token()
    with db.write_transaction(engine) as conn:
        conn.execute(insert(s.portal_session).values(
            token_hash=token_hash(token), user_id=user.user_id, created_at=now,
            expires_at=now + timedelta(hours=cfg.session_hours), last_seen_at=now, ended_at=None))
    return token


#: A session's ``last_seen_at`` is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)


def session_user(engine: Engine, token: str | None, now: datetime, cfg: PortalSettings) -> User | None:
    """The user of a live session (not expired, not idle too long, not ended, account active); None
    otherwise. Using a session moves its idle clock."""
    if not token or len(token) > 200:
        return None
    ss, u = s.portal_session, s.portal_user
    key = token_hash(token)
    idle = timedelta(minutes=cfg.idle_minutes)
    with engine.connect() as conn:
        row = conn.execute(
            select(ss.c.last_seen_at, u.c.user_id, u.c.username, u.c.full_name, u.c.role, u.c.unit_code)
            .join(u, u.c.user_id == ss.c.user_id)
            .where(ss.c.token_hash == key, ss.c.ended_at.is_(None), ss.c.expires_at > now,
                   ss.c.last_seen_at > now - idle, u.c.is_active.is_(True))).mappings().first()
    if row is None:
        return None
    if now - _utc(row["last_seen_at"]) >= TOUCH_EVERY:
        with db.write_transaction(engine) as conn:
            conn.execute(update(ss).where(ss.c.token_hash == key).values(last_seen_at=now))
    return _user_of(row)


def end_session(engine: Engine, token: str, now: datetime) -> None:
    """Logout: the session can no longer be used."""
    ss = s.portal_session
    with db.write_transaction(engine) as conn:
        conn.execute(update(ss).where(ss.c.token_hash == token_hash(token), ss.c.ended_at.is_(None))
                     .values(ended_at=now))


def purge_sessions(engine: Engine, now: datetime, keep_days: int = 30) -> int:
    """Delete sessions that ended or expired more than ``keep_days`` ago; how many."""
    ss = s.portal_session
    before = now - timedelta(days=keep_days)
    with db.write_transaction(engine) as conn:
        return conn.execute(ss.delete().where(or_(ss.c.expires_at < before,
                                                  and_(ss.c.ended_at.is_not(None), ss.c.ended_at < before)))).rowcount
