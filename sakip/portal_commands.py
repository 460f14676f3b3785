"""``sakip portal``: the steward portal's accounts and server.

``sakip portal user add|disable|enable|password|list`` manages accounts (a password is asked for at
the prompt, never given on the command line where the shell history would keep it);
``sakip portal serve --host --port`` starts the portal with uvicorn against the warehouse and inbox of
the settings (``SAKIP_*``), beside the Prefect deployments.
"""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from sakip.settings import get_settings

portal_app = typer.Typer(help="Portal web pengelola data unit: akun dan server.", no_args_is_help=True)
user_app = typer.Typer(help="Akun portal (satu akun per orang).", no_args_is_help=True)
portal_app.add_typer(user_app, name="user")


def _engine():
    from sinks.warehouse.db import open_warehouse

    return open_warehouse(get_settings().warehouse_url)


def _account(action) -> None:
    from portal.auth import AccountError

    try:
        action()
    except AccountError as error:
        typer.echo(f"Gagal: {error}", err=True)
        raise typer.Exit(code=1) from error


def _password(given: str | None) -> str:
    return given if given is not None else typer.prompt("Kata sandi", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(username: Annotated[str, typer.Argument(help="Nama pengguna (untuk masuk)")],
             name: Annotated[str, typer.Option("--name", help="Nama lengkap orangnya")],
             role: Annotated[str, typer.Option("--role", help="steward (pengelola data unit) atau centre (pusat)")],
             unit: Annotated[Optional[str], typer.Option("--unit", help="Kode Satker unit (untuk steward)")] = None,
             password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                          help="Baca kata sandi dari stdin (untuk skrip)")] = False
             ) -> None:
    """Membuat akun: steward satu unit (--unit) atau pengguna pusat."""
    from portal.auth import add_user

    password = _password(typer.get_text_stream("stdin").readline().rstrip("\n") if password_stdin else None)
    _account(lambda: add_user(_engine(), username, name, role, unit, password))
    typer.echo(f"Akun {username.strip().lower()} dibuat ({role}{' ' + unit if unit else ''}).")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Menonaktifkan akun; sesi yang terbuka langsung berakhir."""
    from portal.auth import disable_user

    _account(lambda: disable_user(_engine(), username))
    typer.echo(f"Akun {username} dinonaktifkan.")


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Mengaktifkan kembali akun (dan membuka kuncinya)."""
    from portal.auth import enable_user

    _account(lambda: enable_user(_engine(), username))
    typer.echo(f"Akun {username} aktif kembali.")


@user_app.command("password")
def user_password(username: str,
                  password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False) -> None:
    """Mengganti kata sandi akun (membuka kunci, mengakhiri sesi yang terbuka)."""
    from portal.auth import set_password

    password = _password(typer.get_text_stream("stdin").readline().rstrip("\n") if password_stdin else None)
    _account(lambda: set_password(_engine(), username, password))
    typer.echo(f"Kata sandi {username} diganti.")


@user_app.command("list")
def user_list() -> None:
    """Daftar akun (tanpa kata sandi)."""
    from portal.auth import list_users

    users = list_users(_engine())
    if users.empty:
        typer.echo("Belum ada akun.")
        return
    for u in users.to_dict("records"):
        state = "aktif" if u["is_active"] else "nonaktif"
        locked = f", terkunci sampai {u['locked_until']}" if u["locked_until"] is not None and u["locked_until"] == u["locked_until"] else ""
        unit = u["unit_code"] if isinstance(u["unit_code"], str) and u["unit_code"] else "-"  # pandas: None may be NaN
        typer.echo(f"{u['username']:24s} {u['role']:8s} {unit:14s} {state}{locked}  {u['full_name']}")


@portal_app.command("serve")
def serve(host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
          port: Annotated[int, typer.Option("--port")] = 8080) -> None:
    """Menjalankan portal (uvicorn) terhadap gudang data dan kotak masuk pengaturan SAKIP_*."""
    import uvicorn

    from portal.app import create_app

    uvicorn.run(create_app(), host=host, port=port, proxy_headers=True, log_level="info")
