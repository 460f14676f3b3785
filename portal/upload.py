"""A workbook uploaded through the portal: the collection's checks, then (accepted) the unit's inbox.

The checks are the intake's own functions, in the intake's order: the bytes are read once by the
request, ``sources.workbook.read_workbook(content=...)`` reads them within the reader's bounds,
``flows.intake.validation_contexts`` gives the warehouse context (plan on file, earlier months,
deadline judged on arrival), ``schemas.validate.validate_workbooks`` gives the verdict and
``sinks.feedback.write_feedback_workbook`` the annotated copy. The folder the file is checked
against is the steward's unit (from the session, never from the request), so a workbook naming
another unit is rejected by the rule that rejects it in the inbox (``unit_mismatch_folder``).

An accepted file is placed in ``<inbox>/<unit>/`` under a name the portal makes from the workbook's
Identitas (``schemas.naming``: ``BPOM-KPG_2023-06.xlsx``, then ``_rev1``, ``_rev2`` ... when taken),
written whole before it appears (a hidden temporary file hard-linked into place, which also refuses
to overwrite), then the inbox listing is recorded (``sinks.warehouse.seen``) so the collection judges
its arrival by the time it was placed. The portal never writes warehouse facts: the next collection
loads the file like any other. A rejected file is never placed.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select

from flows.intake import IntakeJob, validation_contexts
from portal import auth
from sakip.settings import Settings
from schemas import contract
from schemas.messages import problem, problems_frame
from schemas.naming import expected_file_name
from schemas.validate import ValidationResult, validate_workbooks
from sinks import feedback
from sinks.warehouse import db, seen
from sinks.warehouse import schema as s
from sources.inbox import scan_inbox
from sources.workbook import read_workbook

#: The only file type taken (the reader then checks the content: zip, no macros, bounds).
EXTENSION = ".xlsx"
#: Longest uploaded file name kept (it is shown and audited only, never used to name a file).
MAX_NAME_CHARS = 120
#: Copies tried after the plain name (``_rev1`` .. ``_rev<n>``) before giving up.
MAX_REVISIONS = 999


class PlacementError(RuntimeError):
    """An accepted file could not be placed in the inbox."""


@dataclass(frozen=True)
class Checked:
    """The portal's answer to one upload."""

    upload_id: int
    verdict: str
    problems: list[dict] = field(repr=False)
    file_name: str
    checked_name: str
    kind: str | None
    year: int | None
    month: int | None
    n_errors: int
    n_warnings: int
    inbox_name: str | None
    feedback_path: Path | None
    seconds: float


def shown_name(name: str | None) -> str:
    """The uploaded file name as shown and audited: its last path part, printable, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c if c.isprintable() else "?" for c in base).strip()
    return clean[:MAX_NAME_CHARS] or "tanpa-nama.xlsx"


def _period(data) -> tuple[str | None, int | None, int | None, str | None]:
    """Kind, year, month and unit the workbook's Identitas names (None where unreadable)."""
    ident = data.identity
    year, month, unit = ident.get("year"), ident.get("month"), ident.get("unit_code")
    year = year if isinstance(year, int) else None
    month = month if isinstance(month, int) and data.kind == contract.MONTHLY else None
    return data.kind, year, month, unit if isinstance(unit, str) and unit else None


def portal_name(unit: str, kind: str | None, year: int | None, month: int | None, taken: set[str]) -> str | None:
    """The inbox name of a workbook: the convention's name, or its first free ``_rev<n>`` copy; None
    when the workbook does not say its kind and period."""
    if kind is None or year is None or (kind == contract.MONTHLY and month is None):
        return None
    plain = expected_file_name(unit, kind, year, month)
    stem = plain[: -len(EXTENSION)]
    for candidate in [plain, *(f"{stem}_rev{n}{EXTENSION}" for n in range(1, MAX_REVISIONS + 1))]:
        if candidate.lower() not in taken:
            return candidate
    raise PlacementError(f"terlalu banyak salinan {plain} di kotak masuk")


def _taken(folder: Path) -> set[str]:
    return {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()


def _rejected(file_name: str, *found: dict) -> ValidationResult:
    return ValidationResult("rejected", problems_frame(list(found)), file_name)


def check(engine: Engine, settings: Settings, unit_code: str, content: bytes, uploaded_name: str | None,
          now: datetime) -> tuple[ValidationResult, str | None, str]:
    """The verdict on an upload for ``unit_code``; the portal's inbox name for it (None when it has no
    period to be named by); the name used in messages."""
    given = shown_name(uploaded_name)
    if not given.lower().endswith(EXTENSION):  # the type first: nothing else of it is opened
        return _rejected(given, problem("file_not_xlsx", file=given,
                                        detail=" (hanya berkas berakhiran .xlsx yang diterima)")), None, given
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    data = read_workbook(Path(given), max_bytes=max_bytes, content=content)
    kind, year, month, named_unit = _period(data)
    # named after what the workbook says it is (its own unit), so the naming rules have nothing to
    # add: a workbook of another unit is rejected by the folder rule alone
    name = portal_name(named_unit or unit_code, kind, year, month, _taken(settings.inbox / unit_code))
    if name is not None:
        data.path = Path(name)
    job = IntakeJob(path=settings.inbox / unit_code / data.path.name, unit_folder=unit_code, content=content,
                    sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
                    received_at=now.astimezone(ZoneInfo(settings.timezone)))
    today = job.received_at.date()
    with engine.connect() as conn:
        context = validation_contexts(conn, [(job, data)], settings, today)[0]
    result = validate_workbooks([(data, context)])[0]
    return result, name if named_unit == unit_code else None, data.path.name


def place(settings: Settings, unit_code: str, name: str, content: bytes) -> Path:
    """Put an accepted file into the unit's inbox folder under ``name`` (or its next free copy, if a
    file took that name meanwhile), whole or not at all; its path."""
    folder = settings.inbox / unit_code
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".portal-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        for _ in range(MAX_REVISIONS + 1):
            parts = contract_parts(name)
            target = folder / portal_name(unit_code, *parts, _taken(folder))
            try:
                os.link(temporary, target)  # fails when the name exists: never overwrites
                return target
            except FileExistsError:
                continue
        raise PlacementError(f"tidak ada nama bebas untuk {name}")
    finally:
        os.unlink(temporary)


def contract_parts(name: str) -> tuple[str, int, int | None]:
    """Kind, year, month of a name the portal made."""
    from schemas.naming import parse_file_name

    parts = parse_file_name(name)
    return parts.kind, parts.year, parts.month


def feedback_target(settings: Settings, unit_code: str, sha256: str, name: str, now: datetime) -> Path:
    """Where the annotated copy of an upload is written: ``<out>/portal/<unit>/<time>_<sha8>_<name>``."""
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    return settings.out / "portal" / unit_code / f"{stamp}_{sha256[:8]}_{Path(name).stem}_umpan-balik.xlsx"


def receive(engine: Engine, settings: Settings, user: auth.User, content: bytes, uploaded_name: str | None,
            now: datetime, client: str | None = None) -> Checked:
    """Check an upload of a steward, write its annotated copy, place it when accepted, and record it
    (``portal_upload`` + a ``portal_event``) in one transaction."""
    started = time.perf_counter()
    unit = user.unit_code
    if unit is None:
        raise PermissionError("only a unit's steward submits workbooks")
    result, name, message_name = check(engine, settings, unit, content, uploaded_name, now)
    sha = hashlib.sha256(content).hexdigest()
    target = feedback_target(settings, unit, sha, message_name, now)
    feedback_path = feedback.write_feedback_workbook(Path(message_name), result, target, content=content)
    payload = feedback.feedback_json(result, message_name)
    target.with_suffix(".json").write_text(json.dumps(payload, ensure_ascii=False, default=str), encoding="utf-8")
    placed: Path | None = None
    if result.verdict != "rejected":
        if name is None or result.identity.get("unit_code", unit) != unit:  # the rules say so; never trust it blind
            raise PlacementError("an accepted workbook must name the steward's unit and its period")
        placed = already_placed(engine, settings, unit, sha) or place(settings, unit, name, content)
        seen.record_listing(engine, scan_inbox(settings.inbox), now)
    kind, year, month = result.kind, *(result.identity.get(k) for k in ("year", "month"))
    row = dict(user_id=user.user_id, unit_code=unit, uploaded_at=now, file_name=shown_name(uploaded_name),
               file_hash=sha, size_bytes=len(content), kind=kind,
               year=year if isinstance(year, int) else None,
               month=month if isinstance(month, int) and kind == contract.MONTHLY else None,
               verdict=result.verdict, n_errors=result.n_errors, n_warnings=result.n_warnings,
               inbox_path=str(placed.relative_to(settings.inbox)) if placed else None,
               feedback_path=str(feedback_path))
    seconds = time.perf_counter() - started
    with db.write_transaction(engine) as conn:
        upload_id = int(conn.execute(insert(s.portal_upload).values(**row, answer_ms=int(seconds * 1000)))
                        .inserted_primary_key[0])
        auth.record_event(conn, "upload", now, username=user.username, user_id=user.user_id, unit_code=unit,
                          upload_id=upload_id, client=client,
                          detail=f"{result.verdict}; {'ditempatkan ' + placed.name if placed else 'tidak ditempatkan'}")
    return Checked(upload_id, result.verdict, payload["problems"], row["file_name"], message_name, kind, row["year"],
                   row["month"], result.n_errors, result.n_warnings, placed.name if placed else None, feedback_path,
                   seconds)


def already_placed(engine: Engine, settings: Settings, unit_code: str, sha256: str) -> Path | None:
    """The inbox file the portal placed earlier with the same bytes for the unit, if it is still there
    unchanged (the same file is not placed twice)."""
    pu = s.portal_upload
    with engine.connect() as conn:
        paths = conn.execute(select(pu.c.inbox_path).where(pu.c.unit_code == unit_code, pu.c.file_hash == sha256,
                                                           pu.c.inbox_path.is_not(None))).scalars().all()
    for relative in paths:
        path = settings.inbox / relative
        if path.is_file() and not path.is_symlink() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256:
            return path
    return None


def stored_answer(feedback_path: str | None) -> dict:
    """The answer to an earlier upload (``sinks.feedback.feedback_json``: file_name checked, problems),
    from the JSON written beside its annotated copy."""
    path = Path(feedback_path).with_suffix(".json") if feedback_path else None
    if path is None or not path.is_file():
        return {"file_name": None, "problems": []}
    return json.loads(path.read_text(encoding="utf-8"))
