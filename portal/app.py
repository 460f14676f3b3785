"""The portal's routes (Starlette): server-rendered pages in Indonesian, no JavaScript.

| route | who | what |
|---|---|---|
| ``GET /`` | anyone | to the login page, a steward's unit page or the centre's grid |
| ``GET, POST /masuk`` | anyone | login (pre-login CSRF cookie, lockout, audit) |
| ``POST /keluar`` | logged in | logout |
| ``GET /unit/{kode}`` | the unit's steward, the centre | months and their state, deadline, latest report, uploads |
| ``POST /unit/{kode}/unggah`` | the unit's steward | upload: the collection's checks, the problem table, inbox |
| ``GET /unit/{kode}/unggahan/{id}`` (``/umpan-balik``) | the unit's steward, the centre | an upload's answer (its annotated copy) |
| ``GET /unit/{kode}/templat/rencana``, ``/templat/bulanan`` | the unit's steward, the centre | pre-filled templates |
| ``GET /unit/{kode}/laporan/{id}.{docx,pdf}`` | the unit's steward, the centre | the unit's interim report |
| ``GET /pusat`` | the centre | completeness grid, latest problems, uploads, national reports |
| ``GET /pusat/laporan/{id}.{docx,pdf}`` | the centre | the national report |

The unit of a page is in its URL and is checked against the session's account on every request; the
unit a workbook is checked and placed for is the session's, never a form field; a form carrying any
field but its own is refused. Every POST carries the session's CSRF token. Refusals are audited.
"""
from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from portal import auth, status, upload
from portal.settings import PortalSettings
from sakip import periods
from sakip.settings import Settings, get_settings
from sinks.feedback import SEVERITY_LABEL, VERDICT_LABEL

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "sakip_sesi"
PRELOGIN_COOKIE = "sakip_pra"
CSRF_FIELD = "csrf_token"
FILE_FIELD = "berkas"
#: Room for the multipart envelope and the CSRF field above the file-size bound.
FORM_OVERHEAD = 64 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class _Refused(Exception):
    """A request refused with a page (status, Indonesian message); audited by the handler."""

    def __init__(self, status_code: int, message: str, audit: str | None = None) -> None:
        super().__init__(message)
        self.status_code, self.message, self.audit = status_code, message, audit


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every answer, and no caching of pages or files."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", [])) + SECURITY_HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def create_app(settings: Settings | None = None, portal_settings: PortalSettings | None = None,
               engine: Engine | None = None, clock: Callable[[], datetime] = _utcnow) -> Starlette:
    """The portal application. ``engine`` defaults to the warehouse of ``settings`` (migrated on start);
    ``clock`` gives the current time (aware), for tests that replay a date."""
    from sinks.warehouse.db import open_warehouse

    settings = settings or get_settings()
    cfg = portal_settings or PortalSettings()
    engine = engine or open_warehouse(settings.warehouse_url)
    tz = ZoneInfo(settings.timezone)
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(STATES=status.STATES, MARKS=status.MARKS, VERDICT_LABEL=VERDICT_LABEL, SEVERITY_LABEL=SEVERITY_LABEL,
                       month_name=periods.month_name, quarter_label=periods.quarter_label)
    env.filters["tanggal"] = _date_text
    env.filters["waktu"] = lambda value: _time_text(value, tz)
    templates = Jinja2Templates(env=env)
    max_bytes = int(settings.max_file_mb * 1024 * 1024)

    # -- helpers ---------------------------------------------------------------------------------

    def now() -> datetime:
        return clock().astimezone(timezone.utc)

    def today():
        return clock().astimezone(tz).date()

    def client_of(request: Request) -> str | None:
        return request.client.host if request.client else None

    async def current(request: Request) -> tuple[auth.User | None, str | None]:
        token = request.cookies.get(SESSION_COOKIE)
        user = await run_in_threadpool(auth.session_user, engine, token, now(), cfg) if token else None
        return user, token if user else None

    def page(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    async def refuse(request: Request, user: auth.User | None, error: _Refused) -> Response:
        if error.audit:
            await run_in_threadpool(auth.log_event, engine, "refused", now(),
                                    username=user.username if user else None, user_id=user.user_id if user else None,
                                    unit_code=user.unit_code if user else None, client=client_of(request),
                                    detail=f"{request.method} {request.url.path}: {error.audit}")
        return page(request, "galat.html", {"user": user, "message": error.message,
                                            "csrf": None}, status_code=error.status_code)

    def require_unit(user: auth.User, kode: str) -> None:
        if not user.may_see(kode):
            raise _Refused(403, "Anda tidak berhak membuka data unit lain.", f"unit lain {kode}")

    def check_csrf(token: str, given: str | None) -> None:
        if not auth.same_token(given, auth.csrf_token(token)):
            raise _Refused(403, "Formulir tidak sah atau sudah kedaluwarsa. Muat ulang halaman lalu coba lagi.",
                           "token CSRF tidak cocok")

    def logged_in(handler):
        """Run a handler with the session's user; no session: to the login page."""
        async def wrapped(request: Request) -> Response:
            user, token = await current(request)
            if user is None:
                return RedirectResponse("/masuk", status_code=303)
            try:
                return await handler(request, user, token)
            except _Refused as error:
                return await refuse(request, user, error)
        return wrapped

    def year_param(request: Request, default: int) -> int:
        text = request.query_params.get("tahun")
        if text is None:
            return default
        if not text.isdigit() or not 2000 <= int(text) <= 2100:
            raise _Refused(400, "Tahun tidak valid.")
        return int(text)

    def set_session_cookie(response: Response, token: str) -> None:
        response.set_cookie(SESSION_COOKIE, token, max_age=int(cfg.session_hours * 3600), httponly=True,
                            samesite="lax", secure=cfg.secure_cookie, path="/")

    # -- login -----------------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        user, _ = await current(request)
        if user is None:
            return RedirectResponse("/masuk", status_code=303)
        return RedirectResponse("/pusat" if user.is_centre else f"/unit/{user.unit_code}", status_code=303)

    def login_page(request: Request, message: str | None = None, status_code: int = 200,
                   username: str = "") -> Response:
        token = auth.new_token()
        response = page(request, "masuk.html", {"user": None, "csrf": token, "message": message,
                                                "username": username}, status_code)
        response.set_cookie(PRELOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                            secure=cfg.secure_cookie, path="/masuk")
        return response

    async def login(request: Request) -> Response:
        if request.method == "GET":
            return login_page(request)
        form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
        if not auth.same_token(form.get(CSRF_FIELD), request.cookies.get(PRELOGIN_COOKIE)):
            await run_in_threadpool(auth.log_event, engine, "refused", now(), username=str(form.get("nama", "")),
                                    client=client_of(request), detail="POST /masuk: token CSRF tidak cocok")
            return login_page(request, "Formulir kedaluwarsa. Silakan coba lagi.", 403)
        username, password = str(form.get("nama", "")), str(form.get("sandi", ""))
        result = await run_in_threadpool(auth.authenticate, engine, username, password, now(), cfg,
                                         client_of(request))
        if result.user is None:
            message = ("Akun dikunci sementara karena terlalu banyak percobaan gagal. Coba lagi nanti atau hubungi "
                       "admin pusat." if result.reason == "locked" else "Nama pengguna atau kata sandi salah.")
            return login_page(request, message, 429 if result.reason == "locked" else 401, username[:64])
        token = await run_in_threadpool(auth.start_session, engine, result.user, now(), cfg)
        response = RedirectResponse("/", status_code=303)
        set_session_cookie(response, token)
        response.delete_cookie(PRELOGIN_COOKIE, path="/masuk")
        return response

    async def logout(request: Request, user: auth.User, token: str) -> Response:
        form = await request.form(max_files=0, max_fields=5, max_part_size=4096)
        check_csrf(token, form.get(CSRF_FIELD))
        await run_in_threadpool(auth.end_session, engine, token, now())
        await run_in_threadpool(auth.log_event, engine, "logout", now(), username=user.username,
                                user_id=user.user_id, unit_code=user.unit_code, client=client_of(request))
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- a unit's page ---------------------------------------------------------------------------

    def unit_context(user: auth.User, token: str, kode: str, year: int) -> dict:
        day = today()
        open_year, open_m = status.open_month(day, settings.deadline_day)
        years = sorted(set(status.years_of(engine, kode)) | {open_year, year}, reverse=True)
        return {
            "user": user, "csrf": auth.csrf_token(token), "unit_code": kode,
            "unit_name": status.unit_names().get(kode, kode), "year": year, "years": years,
            "months": status.unit_year(engine, kode, year, day, settings.deadline_day),
            "open_year": open_year, "open_month": open_m,
            "open_deadline": periods.deadline(open_year, open_m, settings.deadline_day),
            "days_left": (periods.deadline(open_year, open_m, settings.deadline_day) - day).days,
            "report": status.latest_unit_report(engine, kode),
            "uploads": status.uploads(engine, kode, limit=10),
            "can_upload": user.unit_code == kode, "max_mb": settings.max_file_mb,
            "today": day, "result": None,
        }

    async def unit_page(request: Request, user: auth.User, token: str) -> Response:
        kode = request.path_params["kode"]
        require_unit(user, kode)
        year = year_param(request, status.open_month(today(), settings.deadline_day)[0])
        context = await run_in_threadpool(unit_context, user, token, kode, year)
        return page(request, "unit.html", context)

    async def bounded_body(request: Request) -> AsyncIterator[bytes]:
        """The request body, refused once it passes the file bound plus the form's envelope."""
        total = 0
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_bytes + FORM_OVERHEAD:
                raise _Refused(413, f"Berkas terlalu besar: paling besar {settings.max_file_mb:g} MB.",
                               "unggahan melebihi batas ukuran")
            yield chunk

    async def read_upload(request: Request) -> tuple[dict, UploadFile | None]:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_bytes + FORM_OVERHEAD):
            raise _Refused(413, f"Berkas terlalu besar: paling besar {settings.max_file_mb:g} MB.",
                           "unggahan melebihi batas ukuran")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise _Refused(400, "Permintaan tidak sah.", "bukan formulir unggahan")
        parser = MultiPartParser(request.headers, bounded_body(request), max_files=1, max_fields=2,
                                 max_part_size=4096)
        try:
            form = await parser.parse()
        except MultiPartException as error:
            raise _Refused(400, "Formulir unggahan tidak sah.", f"formulir rusak: {error}") from error
        fields = {key: value for key, value in form.multi_items() if not isinstance(value, UploadFile)}
        files = [value for key, value in form.multi_items() if isinstance(value, UploadFile)]
        extra = sorted(set(k for k, _ in form.multi_items()) - {CSRF_FIELD, FILE_FIELD})
        if extra or any(f is not files[0] for f in files[1:]):
            raise _Refused(400, "Formulir unggahan berisi isian yang tidak dikenal; gunakan formulir di halaman unit.",
                           f"isian tak dikenal: {', '.join(extra)[:80]}")
        upload_file = next((f for key, f in form.multi_items() if key == FILE_FIELD and isinstance(f, UploadFile)), None)
        return fields, upload_file

    async def upload_post(request: Request, user: auth.User, token: str) -> Response:
        kode = request.path_params["kode"]
        if user.unit_code != kode:  # the centre sees every unit but submits for none; a steward only its own
            raise _Refused(403, "Anda hanya dapat mengirim berkas untuk unit Anda sendiri.", f"unggah untuk unit {kode}")
        fields, upload_file = await read_upload(request)
        check_csrf(token, fields.get(CSRF_FIELD))
        if upload_file is None or not upload_file.filename:
            raise _Refused(400, "Pilih berkas .xlsx yang akan diunggah.")
        content = await upload_file.read()
        await upload_file.close()
        checked = await run_in_threadpool(upload.receive, engine, settings, user, content, upload_file.filename, now(),
                                          client_of(request))
        context = await run_in_threadpool(unit_context, user, token, kode, checked.year or today().year)
        context["result"] = result_view(checked.upload_id, checked.verdict, checked.file_name, checked.problems,
                                        checked.n_errors, checked.n_warnings, checked.inbox_name, kode,
                                        round(checked.seconds, 1), checked.checked_name)
        return page(request, "unit.html", context)

    def result_view(upload_id: int, verdict: str, file_name: str, problems: list[dict], n_errors: int,
                    n_warnings: int, inbox_name: str | None, kode: str, seconds: float | None,
                    checked_name: str | None) -> dict:
        return {"upload_id": upload_id, "verdict": verdict, "file_name": file_name, "n_errors": n_errors,
                "checked_name": checked_name if checked_name != file_name else None,
                "n_warnings": n_warnings, "inbox_name": inbox_name, "seconds": seconds,
                "problems": problems[: cfg.max_problems_shown], "n_problems": len(problems),
                "feedback_url": f"/unit/{kode}/unggahan/{upload_id}/umpan-balik"}

    def own_upload(user: auth.User, kode: str, upload_id: str) -> dict:
        require_unit(user, kode)
        row = status.upload_row(engine, int(upload_id)) if upload_id.isdigit() else None
        if row is None or row["unit_code"] != kode:
            raise _Refused(404, "Unggahan tidak ditemukan.", f"unggahan {upload_id[:12]} bukan milik unit {kode}")
        return row

    async def upload_get(request: Request, user: auth.User, token: str) -> Response:
        kode, upload_id = request.path_params["kode"], request.path_params["upload_id"]
        row = await run_in_threadpool(own_upload, user, kode, upload_id)
        context = await run_in_threadpool(unit_context, user, token, kode, row["year"] or today().year)
        answer = await run_in_threadpool(upload.stored_answer, row["feedback_path"])
        context["result"] = result_view(row["upload_id"], row["verdict"], row["file_name"], answer["problems"],
                                        row["n_errors"], row["n_warnings"],
                                        Path(row["inbox_path"]).name if row["inbox_path"] else None, kode, None,
                                        answer["file_name"])
        return page(request, "unit.html", context)

    async def feedback_get(request: Request, user: auth.User, token: str) -> Response:
        kode, upload_id = request.path_params["kode"], request.path_params["upload_id"]
        row = await run_in_threadpool(own_upload, user, kode, upload_id)
        path = Path(row["feedback_path"] or "")
        if not _inside(path, settings.out) or not path.is_file():
            raise _Refused(404, "Salinan bertanda tidak ditemukan.")
        stem = Path(row["inbox_path"]).stem if row["inbox_path"] else f"unggahan-{row['upload_id']}"
        return _download(path.read_bytes(), f"{stem}_umpan-balik.xlsx", XLSX)

    async def template_get(request: Request, user: auth.User, token: str) -> Response:
        kode, kind = request.path_params["kode"], request.path_params["jenis"]
        require_unit(user, kode)
        year = year_param(request, today().year)
        month = None
        if kind == "bulanan":
            text = request.query_params.get("bulan", "")
            if not text.isdigit() or not 1 <= int(text) <= 12:
                raise _Refused(400, "Bulan tidak valid (1-12).")
            month = int(text)
        elif kind != "rencana":
            raise _Refused(404, "Templat tidak dikenal.")
        content, name = await run_in_threadpool(_template_bytes, engine, kode, year, month)
        return _download(content, name, XLSX)

    async def unit_report(request: Request, user: auth.User, token: str) -> Response:
        kode = request.path_params["kode"]
        require_unit(user, kode)
        row = await run_in_threadpool(_report, engine, request.path_params["report_id"])
        if row is None or row["scope"] != "unit" or row["unit_code"] != kode:
            raise _Refused(404, "Laporan tidak ditemukan.", f"laporan {request.path_params['report_id'][:12]} "
                                                             f"bukan milik unit {kode}")
        return _report_file(row, request.path_params["ext"])

    def _report_file(row: dict, ext: str) -> Response:
        if ext not in MEDIA:
            raise _Refused(404, "Berkas laporan tidak dikenal.")
        path = Path(row[f"{ext}_path"] or "")
        if not _inside(path, settings.out) or not path.is_file():
            raise _Refused(404, "Berkas laporan tidak ditemukan.")
        return _download(path.read_bytes(), path.name, MEDIA[ext])

    # -- the centre ------------------------------------------------------------------------------

    def centre_context(user: auth.User, token: str, year: int) -> dict:
        day = today()
        grid = status.states(engine, year, day, [u for _, codes in status.unit_groups() for u in codes])
        by_unit = {code: part.set_index("month")["state"].to_dict() for code, part in grid.groupby("unit_code")}
        counts = grid["state"].value_counts().to_dict()
        years = sorted(set(status.years_of(engine)) | {year, day.year}, reverse=True)
        return {"user": user, "csrf": auth.csrf_token(token), "year": year, "years": years,
                "groups": status.unit_groups(), "names": status.unit_names(), "grid": by_unit, "counts": counts,
                "problems": status.latest_problems(engine), "uploads": status.uploads(engine, limit=15),
                "national": status.national_reports(engine), "today": day}

    async def centre_page(request: Request, user: auth.User, token: str) -> Response:
        if not user.is_centre:
            raise _Refused(403, "Halaman ini hanya untuk pengguna pusat.", "halaman pusat")
        year = year_param(request, status.open_month(today(), settings.deadline_day)[0])
        return page(request, "pusat.html", await run_in_threadpool(centre_context, user, token, year))

    async def national_report(request: Request, user: auth.User, token: str) -> Response:
        if not user.is_centre:
            raise _Refused(403, "Laporan nasional hanya untuk pengguna pusat.", "laporan nasional")
        row = await run_in_threadpool(_report, engine, request.path_params["report_id"])
        if row is None or row["scope"] != "national":
            raise _Refused(404, "Laporan tidak ditemukan.")
        return _report_file(row, request.path_params["ext"])

    routes = [
        Route("/", home),
        Route("/masuk", login, methods=["GET", "POST"]),
        Route("/keluar", logged_in(logout), methods=["POST"]),
        Route("/unit/{kode}", logged_in(unit_page)),
        Route("/unit/{kode}/unggah", logged_in(upload_post), methods=["POST"]),
        Route("/unit/{kode}/unggahan/{upload_id}", logged_in(upload_get)),
        Route("/unit/{kode}/unggahan/{upload_id}/umpan-balik", logged_in(feedback_get)),
        Route("/unit/{kode}/templat/{jenis}", logged_in(template_get)),
        Route("/unit/{kode}/laporan/{report_id}.{ext}", logged_in(unit_report)),
        Route("/pusat", logged_in(centre_page)),
        Route("/pusat/laporan/{report_id}.{ext}", logged_in(national_report)),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders),
                                               Middleware(GZipMiddleware, minimum_size=1024)])
    app.state.engine, app.state.settings, app.state.portal_settings = engine, settings, cfg
    return app


# ------------------------------------------------------------------------------------------ helpers

def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` lies inside ``folder`` (links resolved): the portal serves nothing else."""
    try:
        return path.resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


def _download(content: bytes, name: str, media_type: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return Response(content, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{safe}"'})


def _report(engine: Engine, report_id: str) -> dict | None:
    return status.report_row(engine, int(report_id)) if report_id.isdigit() else None


def _template_bytes(engine: Engine, unit_code: str, year: int, month: int | None) -> tuple[bytes, str]:
    """A pre-filled template of the unit (as ``sakip template plan|monthly`` writes it) and its name."""
    from flows.intake import plan_frames
    from sinks.templates import monthly_template, plan_template, template_name
    from sinks.warehouse import read

    name = template_name(unit_code, year, month)
    with tempfile.TemporaryDirectory(prefix="sakip-templat-") as folder:
        path = Path(folder) / name
        if month is None:
            plan_template(unit_code, year, path)
        else:
            with engine.connect() as conn:
                inputs = read.unit_year_inputs(conn, unit_code, year)
            plan = plan_frames(inputs) if not inputs.plan_indicator.empty else None
            monthly_template(unit_code, year, month, path, plan=plan)
        return path.read_bytes(), name


def _date_text(value) -> str:
    """A date as Indonesian text: ``10 Juli 2023``."""
    return f"{value.day} {periods.month_name(value.month)} {value.year}" if value else ""


def _time_text(value, tz: ZoneInfo) -> str:
    """A stored (UTC) time in the reporting time zone: ``05 Jul 2023 09:30``."""
    if value is None:
        return ""
    aware = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    local = aware.astimezone(tz)
    return f"{local.day} {periods.month_name(local.month)[:3]} {local.year} {local:%H:%M}"
