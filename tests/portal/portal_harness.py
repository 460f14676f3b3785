"""Helpers of the portal tests: accounts, the clock, a client that logs in (fixtures in conftest.py).

``portal`` gives a module its own warehouse copy (SQLite file copy, or a PostgreSQL database made from
the built Kupang one as template), inbox and output folder, three accounts (Kupang's steward, Jambi's
steward, a centre user), a clock the tests move, and a function making a Starlette ``TestClient``.
Tests share it: each uses its own client (cookie jar), and the accounts it locks or disables are its own.
"""
from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from starlette.testclient import TestClient


UNIT, OTHER = "BPOM-KPG", "BPOM-JMB"
PASSWORD = "kata-sandi-uji-1"
#: 5 July 2023, 10:00 in Jakarta: June is the open month (due 10 July).
START = datetime(2023, 7, 5, 3, 0, tzinfo=timezone.utc)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Clock:
    """The portal's clock, moved by tests (sessions expire, lockouts end)."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Portal:
    engine: Engine
    url: str
    inbox: Path
    out: Path
    settings: object
    clock: Clock
    app: object
    backend: str
    users: dict = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://testserver", follow_redirects=True)

    def login(self, username: str, password: str = PASSWORD, client: TestClient | None = None) -> TestClient:
        client = client or self.client()
        page = client.get("/masuk")
        response = client.post("/masuk", data={"csrf_token": csrf_of(page.text), "nama": username, "sandi": password})
        assert response.status_code == 200, response.text
        return client

    def add_user(self, username: str, role: str = "steward", unit: str | None = UNIT) -> str:
        from portal import auth

        auth.add_user(self.engine, username, username.title(), role, unit, PASSWORD)
        return username


def csrf_of(html: str) -> str:
    return CSRF.search(html)[1]
