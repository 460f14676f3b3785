"""``sakip portal user add|disable|enable|password|list`` and ``sakip portal serve`` through the CLI, on an empty
warehouse of the settings (``sakip_env``): the accounts written (never a password in clear), the Indonesian
refusals (exit 1, nothing written), and the server started with the settings' warehouse.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from sakip.cli import app

runner = CliRunner()
PASSWORD = "kata-sandi-panjang"


def _users(env: Path) -> list[tuple]:
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(
                "SELECT username, full_name, role, unit_code, is_active, password_hash FROM portal_user "
                "ORDER BY user_id"))]
    finally:
        engine.dispose()


def _add(*args: str, password: str = PASSWORD):
    return runner.invoke(app, ["portal", "user", "add", *args, "--password-stdin"], input=f"{password}\n")


def test_user_add_creates_a_steward_and_a_centre_user_with_hashed_passwords(sakip_env: Path):
    steward = _add(" Maria ", "--name", "Maria Ulu", "--role", "steward", "--unit", "Balai POM di Kupang")
    assert steward.exit_code == 0, steward.output
    assert "Akun maria dibuat (steward Balai POM di Kupang)." in steward.output
    centre = _add("pusat", "--name", "Petugas Pusat", "--role", "centre")
    assert centre.exit_code == 0 and "Akun pusat dibuat (centre)." in centre.output
    users = _users(sakip_env)
    assert [u[:5] for u in users] == [("maria", "Maria Ulu", "steward", "BPOM-KPG", 1),
                                      ("pusat", "Petugas Pusat", "centre", None, 1)]
    assert all(u[5].startswith("scrypt$") and PASSWORD not in u[5] for u in users)


def test_user_add_by_prompt_asks_twice(sakip_env: Path):
    result = runner.invoke(app, ["portal", "user", "add", "budi", "--name", "Budi", "--role", "centre"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Kata sandi" in result.output and "Akun budi dibuat (centre)." in result.output
    assert [u[0] for u in _users(sakip_env)] == ["budi"]


@pytest.mark.parametrize(("args", "password", "message"), [
    (["ani", "--name", "Ani", "--role", "steward"], PASSWORD, "Gagal: unit None tidak dikenal; gunakan Kode Satker"),
    (["ani", "--name", "Ani", "--role", "steward", "--unit", "XYZ"], PASSWORD, "Gagal: unit 'XYZ' tidak dikenal"),
    (["ani", "--name", "Ani", "--role", "centre", "--unit", "BPOM-KPG"], PASSWORD,
     "Gagal: pengguna pusat tidak terikat pada satu unit: jangan isi --unit"),
    (["ani", "--name", "Ani", "--role", "admin"], PASSWORD, "Gagal: peran 'admin' tidak dikenal; pilih steward atau centre"),
    (["ani", "--name", "Ani", "--role", "centre"], "pendek", "Gagal: kata sandi terlalu pendek: paling sedikit 10 karakter"),
    (["ani budi", "--name", "Ani", "--role", "centre"], PASSWORD, "Gagal: nama pengguna harus 1-64 karakter"),
])
def test_user_add_refuses_with_the_reason_and_writes_nothing(sakip_env: Path, args, password, message):
    result = _add(*args, password=password)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output
    assert _users(sakip_env) == []


def test_a_user_name_is_taken_once_whatever_its_case(sakip_env: Path):
    assert _add("maria", "--name", "Maria", "--role", "steward", "--unit", "BPOM-KPG").exit_code == 0
    again = _add("MARIA", "--name", "Maria Lain", "--role", "centre")
    assert again.exit_code == 1 and "Gagal: nama pengguna 'maria' sudah dipakai" in again.output
    assert [u[:2] for u in _users(sakip_env)] == [("maria", "Maria")]


def test_disable_enable_password_and_list(sakip_env: Path):
    from portal.auth import verify_password

    empty = runner.invoke(app, ["portal", "user", "list"])
    assert empty.exit_code == 0 and "Belum ada akun." in empty.output
    assert _add("maria", "--name", "Maria Ulu", "--role", "steward", "--unit", "BPOM-KPG").exit_code == 0
    assert _add("pusat", "--name", "Petugas Pusat", "--role", "centre").exit_code == 0

    disabled = runner.invoke(app, ["portal", "user", "disable", "maria"])
    assert disabled.exit_code == 0 and "Akun maria dinonaktifkan." in disabled.output
    listed = runner.invoke(app, ["portal", "user", "list"])
    assert listed.exit_code == 0
    lines = {line.split()[0]: line for line in listed.output.splitlines()}
    assert lines["maria"].split()[:4] == ["maria", "steward", "BPOM-KPG", "nonaktif"]
    assert lines["maria"].endswith("Maria Ulu") and "scrypt" not in listed.output
    assert lines["pusat"].split()[:4] == ["pusat", "centre", "-", "aktif"]

    enabled = runner.invoke(app, ["portal", "user", "enable", "maria"])
    assert enabled.exit_code == 0 and "Akun maria aktif kembali." in enabled.output
    assert _users(sakip_env)[0][4] == 1

    changed = runner.invoke(app, ["portal", "user", "password", "maria", "--password-stdin"],
                            input="sandi-baru-yang-panjang\n")
    assert changed.exit_code == 0 and "Kata sandi maria diganti." in changed.output
    assert verify_password("sandi-baru-yang-panjang", _users(sakip_env)[0][5])
    short = runner.invoke(app, ["portal", "user", "password", "maria", "--password-stdin"], input="pendek\n")
    assert short.exit_code == 1 and "Gagal: kata sandi terlalu pendek" in short.output
    assert verify_password("sandi-baru-yang-panjang", _users(sakip_env)[0][5]), "the short one was not stored"


def test_a_locked_account_is_listed_with_its_lockout(sakip_env: Path):
    from portal.auth import authenticate
    from portal.settings import PortalSettings
    from sakip.settings import get_settings
    from sinks.warehouse.db import open_warehouse

    assert _add("maria", "--name", "Maria Ulu", "--role", "steward", "--unit", "BPOM-KPG").exit_code == 0
    now = datetime(2023, 7, 3, 2, 0, tzinfo=timezone.utc)
    cfg = PortalSettings(max_failed_logins=1, lockout_minutes=15)
    assert authenticate(open_warehouse(get_settings().warehouse_url), "maria", "salah", now, cfg).reason == "locked"
    listed = runner.invoke(app, ["portal", "user", "list"])
    assert listed.exit_code == 0 and "aktif, terkunci sampai 2023-07-03 02:15:00" in listed.output


@pytest.mark.parametrize("command", ["disable", "enable"])
def test_an_unknown_user_is_refused(sakip_env: Path, command):
    result = runner.invoke(app, ["portal", "user", command, "siapa"])
    assert result.exit_code == 1 and "Gagal: pengguna 'siapa' tidak ditemukan" in result.output


def test_password_of_an_unknown_user_is_refused(sakip_env: Path):
    result = runner.invoke(app, ["portal", "user", "password", "siapa", "--password-stdin"], input=f"{PASSWORD}\n")
    assert result.exit_code == 1 and "Gagal: pengguna 'siapa' tidak ditemukan" in result.output


def test_serve_runs_uvicorn_on_the_portal_of_the_settings_warehouse(sakip_env: Path, monkeypatch):
    import uvicorn
    from starlette.applications import Starlette

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    result = runner.invoke(app, ["portal", "serve", "--host", "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    [(served, options)] = calls
    assert isinstance(served, Starlette)
    assert options == {"host": "0.0.0.0", "port": 8123, "proxy_headers": True, "log_level": "info"}
    assert (sakip_env / "warehouse.sqlite").is_file(), "the portal opened (and migrated) the settings' warehouse"
    defaults = runner.invoke(app, ["portal", "serve"])
    assert defaults.exit_code == 0 and calls[-1][1]["host"] == "127.0.0.1" and calls[-1][1]["port"] == 8080
