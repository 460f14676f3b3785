"""What a collection does when its side outputs fail: a mail server that refuses the digests, a digest or
feedback folder that cannot be written. The collection's data is stored all the same (or, for a file whose
feedback cannot be written, that file fails alone) and the operator is told why, in Indonesian.

The mail server is a real SMTP server on 127.0.0.1 (aiosmtpd) that refuses some recipients or ends the
session, and one that speaks neither TLS nor STARTTLS.
"""
from __future__ import annotations

import shutil
import socket
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

import kupang
from sakip.cli import app
from sakip.settings import Settings
from sinks import digest as mail
from sinks.templates import write_workbook

UNIT = kupang.UNIT
runner = CliRunner()


class Refusing:
    """Refuses every recipient at ``refuse``'s domain; ends the session (421) on a message whose subject
    says ``putus``; accepts the rest."""

    def __init__(self, refuse: str = "ditolak.example") -> None:
        self.refuse = refuse
        self.accepted: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@" + self.refuse):
            return "550 5.1.1 Penerima tidak dikenal"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if b"putus" in envelope.content:
            return "421 4.3.0 Layanan ditutup"
        self.accepted.extend(envelope.rcpt_tos)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _message(to: str | None, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = "sakip@pom.example", subject
    if to:
        msg["To"] = to
    msg.set_content("Ringkasan pengumpulan")
    return msg


def _settings(port: int, tls: str = "none") -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_sender="sakip@pom.example", smtp_tls=tls,
                    smtp_timeout=5)


def test_each_message_gets_its_own_status_whatever_the_server_does_to_the_others(smtp):
    controller, handler = smtp
    statuses = mail.send_all(_settings(controller.port), [
        _message(None, "tanpa penerima"),
        _message("a@ditolak.example", "ditolak"),
        _message("b@pom.example", "terkirim"),
        _message("c@pom.example", "putus"),  # the server ends the session: quitting then fails too
    ])
    assert statuses[0] == ("tidak_dikirim", "tidak ada penerima di data induk (reference/data/unit_contacts.csv)")
    assert statuses[1][0] == "gagal" and "Penerima tidak dikenal" in statuses[1][1]
    assert statuses[2] == ("terkirim", None)
    assert statuses[3][0] == "gagal" and "421" in statuses[3][1] and "Layanan ditutup" in statuses[3][1]
    assert handler.accepted == ["b@pom.example"]


@pytest.mark.parametrize("tls", ["ssl", "starttls"])
def test_a_server_without_the_tls_asked_for_is_unusable_for_every_message(smtp, tls):
    controller, handler = smtp
    statuses = mail.send_all(_settings(controller.port, tls), [_message("b@pom.example", "x"),
                                                               _message("c@pom.example", "y")])
    assert [status for status, _ in statuses] == ["gagal", "gagal"]
    assert all(detail.startswith("server surat tidak dapat dipakai: ") for _, detail in statuses)
    assert handler.accepted == []


# ------------------------------------------------------------------------- through a collection (CLI)

def _correct_may(env: Path) -> str:
    identity, frames = kupang.monthly_workbook(5)
    kinerja = frames["Kinerja"]
    frames["Kinerja"] = kinerja.assign(kendala=kinerja["kendala"].where(kinerja.index != kinerja.index[0], "Koreksi"))
    path = env / "inbox" / UNIT / f"{UNIT}_2023-05_rev1.xlsx"
    write_workbook("bulanan", {**identity, "revision_note": "Koreksi kendala"}, frames, path)
    return path.name


def _rows(env: Path, sql: str) -> list[tuple]:
    engine = create_engine(f"sqlite:///{env / 'warehouse.sqlite'}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _current_may(env: Path) -> list[tuple]:
    return _rows(env, f"SELECT file_name FROM audit_submission WHERE unit_code = '{UNIT}' AND year = 2023 "
                      "AND month = 5 AND is_current")


def test_a_mail_server_refusing_the_digests_never_fails_the_collection(kupang_env: Path, smtp, monkeypatch):
    controller, handler = smtp
    for name, value in {"SAKIP_SMTP_HOST": "127.0.0.1", "SAKIP_SMTP_PORT": str(controller.port),
                        "SAKIP_SMTP_SENDER": "sakip@pom.example", "SAKIP_SMTP_TLS": "none"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handler, "refuse", "pom.example")  # every recipient of the master data
    name = _correct_may(kupang_env)
    result = runner.invoke(app, ["collect", "--period", "2023-05"])
    assert result.exit_code == 0, result.output
    assert f"loaded     {name}" in result.output
    assert "Catatan: Ringkasan e-mail gagal dikirim ke 2 penerima" in result.output
    assert _current_may(kupang_env) == [(name,)]
    statuses = _rows(kupang_env, "SELECT scope, status, detail FROM control_digest ORDER BY digest_id")[-2:]
    assert [(scope, status) for scope, status, _ in statuses] == [("unit", "gagal"), ("national", "gagal")]
    assert all("Penerima tidak dikenal" in detail for _, _, detail in statuses)
    assert handler.accepted == []


def test_a_digest_that_cannot_be_written_never_fails_the_collection(kupang_env: Path):
    shutil.rmtree(kupang_env / "out" / "digest", ignore_errors=True)
    (kupang_env / "out" / "digest").write_text("bukan folder", encoding="utf-8")
    name = _correct_may(kupang_env)
    result = runner.invoke(app, ["collect", "--period", "2023-05"])
    assert result.exit_code == 0, result.output
    assert f"loaded     {name}" in result.output
    assert "Catatan: Ringkasan pengumpulan tidak dapat dibuat: " in result.output
    assert _current_may(kupang_env) == [(name,)]


def test_a_file_whose_feedback_cannot_be_written_fails_alone_and_is_not_stored(kupang_env: Path):
    feedback = kupang_env / "out" / "umpan-balik" / UNIT
    shutil.rmtree(feedback)
    feedback.write_text("bukan folder", encoding="utf-8")
    name = _correct_may(kupang_env)
    result = runner.invoke(app, ["collect", "--period", "2023-05", "--no-late"])
    assert result.exit_code == 0, "May's original was handled (a duplicate): not every file failed"
    lines = [line for line in result.output.splitlines() if name in line]
    assert lines and lines[0].startswith("gagal"), result.output
    assert "Ringkasan: duplicate 1, gagal 1" in result.output
    assert _current_may(kupang_env) == [(f"{UNIT}_2023-05.xlsx",)], "May's original stays current"
