"""Collection digests through the real pipeline (SQLite and PostgreSQL), sent through a real SMTP server
started on 127.0.0.1 (aiosmtpd, with login) and read back: every unit with handled files and the centre get a
digest in Indonesian (accepted, rejected with the top problems and the feedback workbook attached, what is
still owed and the deadline), always written under the output folder; nothing is sent without SMTP settings;
a mail server that fails never fails the collection. Headers cannot be injected from unit data.
"""
from __future__ import annotations

import email
import socket
from email.policy import default as default_policy
from pathlib import Path

import pandas as pd
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import text

import kupang
from flows.select import select_files
from flows.runners import InProcess
from flows import run
from sakip.settings import Settings
from sinks import digest as mail
from sinks.templates import write_workbook

UNIT = kupang.UNIT
USER, PASSWORD = "sakip", "rahasia"


class Inbox:
    """An SMTP handler keeping every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos),
                              email.message_from_bytes(envelope.content, policy=default_policy)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(),
                                                                                             PASSWORD.encode())
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port(), authenticator=_authenticate,
                            auth_require_tls=False)
    controller.start()
    yield controller, inbox
    controller.stop()


def _settings(copy, **smtp) -> Settings:
    return Settings(warehouse_url=copy.url, inbox=copy.inbox, out=copy.out, lock_days=None, **smtp)


def _files(settings: Settings) -> tuple[str, str]:
    """A correction of May (accepted) and a June file naming another unit (rejected)."""
    identity, frames = kupang.monthly_workbook(5)
    kinerja = frames["Kinerja"]
    frames["Kinerja"] = kinerja.assign(kendala=kinerja["kendala"].where(kinerja.index != kinerja.index[0], "Koreksi"))
    good = settings.inbox / UNIT / f"{UNIT}_2023-05_rev1.xlsx"
    write_workbook("bulanan", {**identity, "revision_note": "Koreksi kendala"}, frames, good)
    identity, frames = kupang.monthly_workbook(6)
    bad = settings.inbox / UNIT / f"{UNIT}_2023-06_rev1.xlsx"
    write_workbook("bulanan", {**identity, "unit_code": "BPOM-JMB"}, frames, bad)
    return good.name, bad.name


def _collect(engine, settings: Settings) -> run.IntakeRun:
    files = pd.concat([select_files(settings, "bulanan", 2023, m) for m in (5, 6)], ignore_index=True)
    return run.collect(engine, settings, files, InProcess())


def _digests(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT scope, unit_code, status, recipients FROM control_digest ORDER BY digest_id"))]


def test_each_unit_and_the_centre_get_their_digest_by_mail_and_as_files(kupang_copy, smtp_server):
    engine, copy = kupang_copy
    controller, inbox = smtp_server
    settings = _settings(copy, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_sender="sakip@pom.example",
                         smtp_tls="none", smtp_user=USER, smtp_password=PASSWORD)
    good, bad = _files(settings)
    result = _collect(engine, settings)
    statuses = {o.file_name: o.status for o in result.outcomes}
    assert (statuses[good], statuses[bad]) == ("loaded", "rejected")
    assert result.notes == [] and result.digests.sent == 2

    by_to = {tuple(rcpt): msg for rcpt, msg in inbox.messages}
    unit_msg = by_to[("sakip.bpom-kpg@pom.example",)]
    centre = by_to[("biro.perencanaan@pom.example", "data.sakip@pom.example")]
    assert unit_msg["Subject"].startswith(f"[SAKIP] {UNIT} Balai POM di Kupang: hasil pengumpulan")
    body = unit_msg.get_body(("plain",)).get_content()
    assert f"{good} (Mei 2023): diterima" in body
    assert f"{bad} (Juni 2023): ditolak" in body and "Kode Satker" in body  # the top problem, quoted
    assert "Masih kurang" in body and "Laporan bulanan dikirim paling lambat tanggal 10" in body
    attached = [part.get_filename() for part in unit_msg.iter_attachments()]
    assert attached == [f"{Path(bad).stem}_umpan-balik.xlsx"]
    assert "<h3>Ditolak dan alasannya" in unit_msg.get_body(("html",)).get_content()
    national = centre.get_body(("plain",)).get_content()
    assert f"{UNIT} {bad} (Juni 2023)" in national and "2 berkas ditangani: 1 diterima, 1 ditolak" in national

    written = sorted(p.name for p in result.digests.folder.iterdir())
    assert written == [f"{UNIT}.eml", f"{UNIT}.txt", "NASIONAL.eml", "NASIONAL.txt"]
    kept = email.message_from_bytes((result.digests.folder / f"{UNIT}.eml").read_bytes(), policy=default_policy)
    assert kept["Subject"] == unit_msg["Subject"]
    assert _digests(engine)[-2:] == [("unit", UNIT, "terkirim", "sakip.bpom-kpg@pom.example"),
                                ("national", None, "terkirim", "biro.perencanaan@pom.example, data.sakip@pom.example")]


@pytest.mark.parametrize("kupang_built", ["sqlite"], indirect=True)
def test_without_smtp_nothing_is_sent_and_a_dead_server_never_fails_the_collection(kupang_copy):
    engine, copy = kupang_copy
    settings = _settings(copy)
    _files(settings)
    quiet = _collect(engine, settings)
    assert quiet.digests.sent == 0 and (quiet.digests.folder / f"{UNIT}.eml").is_file()
    assert quiet.notes and "SMTP belum dikonfigurasi" in quiet.notes[0]
    assert {s for _, _, s, _ in _digests(engine)} == {"tidak_dikirim"}

    dead = _settings(copy, smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_sender="sakip@pom.example",
                     smtp_tls="none", smtp_timeout=2)
    identity, frames = kupang.monthly_workbook(4)
    path = dead.inbox / UNIT / f"{UNIT}_2023-04_rev1.xlsx"
    write_workbook("bulanan", {**identity, "revision_note": "Koreksi"}, frames, path)
    failed = run.collect(engine, dead, select_files(dead, "bulanan", 2023, 4), InProcess())
    assert [o.status for o in failed.outcomes if o.file_name == path.name] == ["loaded"]
    assert failed.notes and "gagal dikirim" in failed.notes[0]
    assert _digests(engine)[-1][2] == "gagal"


def test_no_header_can_be_injected_from_unit_data_or_file_names(tmp_path):
    evil = mail.Digest("unit", UNIT, "Subjek\r\nBcc: mata-mata@example.org", "Yth.", (),
                       (("Nama\r\nBcc: mata-mata@example.org", "sakip.bpom-kpg@pom.example"),))
    attachment = tmp_path / "a\nb.xlsx"
    attachment.write_bytes(b"PK")
    msg = mail.message(mail.Digest(**{**evil.__dict__, "attachments": (attachment,)}), "sakip@pom.example",
                       __import__("datetime").datetime(2023, 5, 11, 6))
    raw = msg.as_bytes()
    parsed = email.message_from_bytes(raw, policy=default_policy)
    assert parsed["Bcc"] is None and parsed.get_all("To") == ['"Nama Bcc: mata-mata@example.org" '
                                                              '<sakip.bpom-kpg@pom.example>']
    assert b"\nBcc:" not in raw
    with pytest.raises(ValueError):
        from email.headerregistry import Address
        Address(addr_spec="x@example.org\r\nBcc: y@example.org")
