"""Collection digests: the e-mail each unit (and the centre) gets after a collection, written and sent.

``unit_digest`` / ``national_digest`` turn what ``flows.digest`` read into a :class:`Digest` (Indonesian
text and HTML); ``message`` makes it an ``EmailMessage`` (with the rejected files' feedback workbooks
attached); ``write`` keeps a copy under the output folder (``.eml`` + ``.txt``), always; ``send_all``
hands the messages to the SMTP server of the settings, when one is configured.

Headers are built with the ``email`` package's ``Address`` and ``SMTP`` policy, which refuse a line break
in any header; every text put in a header (unit names, file names of attachments) is made one printable
line first, so nothing from master data or a sender's file name can add a header.
"""
from __future__ import annotations

import html
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sakip.settings import Settings

LOG = logging.getLogger(__name__)
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
#: Feedback workbooks attached to one digest at most (the others are listed, and in the output folder).
MAX_ATTACHMENTS = 10
SENT, FAILED, NOT_SENT = "terkirim", "gagal", "tidak_dikirim"


def one_line(text: object, limit: int = 200) -> str:
    """Text as one printable line (control characters, line breaks included, become spaces), cut at ``limit``."""
    flat = "".join(c if c.isprintable() else " " for c in str(text))
    return " ".join(flat.split())[:limit]


@dataclass(frozen=True)
class Section:
    """A titled part of a digest: lines of text (each one paragraph or list item)."""

    title: str
    lines: tuple[str, ...]
    as_list: bool = True


@dataclass(frozen=True)
class Digest:
    """One digest: for a unit (``unit_code``) or the centre (``scope`` 'national')."""

    scope: str
    unit_code: str | None
    subject: str
    greeting: str
    sections: tuple[Section, ...]
    recipients: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def stem(self) -> str:
        return self.unit_code if self.scope == "unit" and self.unit_code else "NASIONAL"

    def text(self) -> str:
        parts = [self.greeting, ""]
        for section in self.sections:
            parts += [section.title, "-" * len(section.title)]
            parts += [f"- {line}" if section.as_list else line for line in section.lines] + [""]
        parts.append("Pesan ini dikirim otomatis oleh pipeline SAKIP BPOM setelah pengumpulan laporan.")
        return "\n".join(parts) + "\n"

    def html(self) -> str:
        body = [f"<p>{html.escape(self.greeting)}</p>"]
        for section in self.sections:
            body.append(f"<h3>{html.escape(section.title)}</h3>")
            items = "".join(f"<li>{html.escape(line)}</li>" for line in section.lines)
            body.append(f"<ul>{items}</ul>" if section.as_list else
                        "".join(f"<p>{html.escape(line)}</p>" for line in section.lines))
        body.append("<p><small>Pesan ini dikirim otomatis oleh pipeline SAKIP BPOM setelah pengumpulan "
                    "laporan.</small></p>")
        return f"<!DOCTYPE html><html lang=\"id\"><body>{''.join(body)}</body></html>\n"


def message(digest: Digest, sender: str | None, when) -> EmailMessage:
    """The digest as an e-mail (text + HTML, feedback workbooks attached). ``sender`` None: a copy to keep
    (the From header names no mailbox of ours)."""
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = one_line(digest.subject, 250)
    msg["From"] = Address(display_name="SAKIP BPOM", addr_spec=sender) if sender else "SAKIP BPOM <noreply@invalid>"
    if digest.recipients:
        msg["To"] = [Address(display_name=one_line(name, 120), addr_spec=email) for name, email in digest.recipients]
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.split("@")[1] if sender else "sakip.invalid")
    msg.set_content(digest.text())
    msg.add_alternative(digest.html(), subtype="html")
    for path in digest.attachments[:MAX_ATTACHMENTS]:
        name = one_line(Path(path).name, 150).replace("/", "_").replace("\\", "_") or "umpan-balik.xlsx"
        msg.add_attachment(Path(path).read_bytes(), maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return msg


def write(msg: EmailMessage, digest: Digest, folder: Path) -> Path:
    """Keep the digest under ``folder``: ``<KODE>.eml`` (the whole message) and ``<KODE>.txt`` (its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    eml = folder / f"{digest.stem}.eml"
    eml.write_bytes(msg.as_bytes())
    (folder / f"{digest.stem}.txt").write_text(f"Subjek: {msg['Subject']}\n\n{digest.text()}", encoding="utf-8")
    return eml


def configured(settings: Settings) -> bool:
    """Whether digests are e-mailed: a mail server and a sender address are set."""
    return bool(settings.smtp_host and settings.smtp_sender)


def _connect(settings: Settings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if settings.smtp_tls == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                                timeout=settings.smtp_timeout, context=context)
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        if settings.smtp_tls == "starttls":
            server.starttls(context=context)
    if settings.smtp_user:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        server.login(settings.smtp_user, password)
    return server


def send_all(settings: Settings, messages: Sequence[EmailMessage]) -> list[tuple[str, str | None]]:
    """Send each message (one connection); ``(status, detail)`` per message: ``terkirim``, ``gagal`` (the
    server's error) or ``tidak_dikirim`` (no SMTP configured, or no recipient). Never raises for the
    mail server: a failure is logged and reported, the collection goes on."""
    if not configured(settings):
        return [(NOT_SENT, "SMTP belum dikonfigurasi (SAKIP_SMTP_HOST, SAKIP_SMTP_SENDER)")] * len(messages)
    out: list[tuple[str, str | None]] = []
    server = None
    try:
        server = _connect(settings)
    except (OSError, smtplib.SMTPException) as error:
        LOG.warning("mail server %s:%s unusable: %s", settings.smtp_host, settings.smtp_port, error)
        return [(FAILED, f"server surat tidak dapat dipakai: {one_line(error)}")] * len(messages)
    try:
        for msg in messages:
            if not msg.get_all("To"):
                out.append((NOT_SENT, "tidak ada penerima di data induk (reference/data/unit_contacts.csv)"))
                continue
            try:
                server.send_message(msg)
                out.append((SENT, None))
            except (OSError, smtplib.SMTPException) as error:
                LOG.warning("sending %s failed: %s", msg["Subject"], error)
                out.append((FAILED, one_line(error)))
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return out
