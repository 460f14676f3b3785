"""The portal through HTTP (Starlette's TestClient), on SQLite and PostgreSQL: login, sessions, CSRF,
a steward confined to its unit (by URL, by form field, by file content), uploads checked by the
collection's rules, accepted files placed in the inbox under the portal's name, rejected ones never."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select

import kupang
from portal import auth
from sinks.templates import write_workbook
from sinks.warehouse import schema as s
from sources.workbook import read_workbook

from portal_harness import OTHER, PASSWORD, START, UNIT, Portal, csrf_of


def monthly_bytes(tmp_path: Path, month: int = 6, edit=None, **identity) -> bytes:
    """Kupang's monthly workbook (as the steward would send it), optionally changed."""
    ident, frames = kupang.monthly_workbook(month)
    path = tmp_path / f"m{month}.xlsx"
    write_workbook("bulanan", {**ident, **identity}, frames, path)
    if edit is not None:
        book = load_workbook(path)
        edit(book)
        book.save(path)
    return path.read_bytes()


def inbox_files(portal: Portal, unit: str) -> set[str]:
    folder = portal.inbox / unit
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def events(portal: Portal, event: str, username: str | None = None) -> list[dict]:
    e = s.portal_event
    stmt = select(e).where(e.c.event == event)
    if username is not None:
        stmt = stmt.where(e.c.username == username)
    with portal.engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt.order_by(e.c.event_id)).mappings()]


def upload(client, unit: str, name: str, content: bytes, page: str | None = None, **fields):
    token = csrf_of(page or client.get(f"/unit/{UNIT}").text)
    data = {"csrf_token": token, **fields}
    return client.post(f"/unit/{unit}/unggah", data=data,
                       files={"berkas": (name, content, "application/octet-stream")})


# ------------------------------------------------------------------------------------------- login

def test_login_shows_the_stewards_own_unit_with_its_months(portal: Portal):
    client = portal.login("maria")
    page = client.get("/")
    assert page.url.path == f"/unit/{UNIT}"
    assert "Balai POM di Kupang" in page.text and "Juni 2023" in page.text and "10 Juli 2023" in page.text
    months = page.text.split('class="months"')[1].split("</table>")[0]
    # January-June were collected (the fixture's files arrived when the test session wrote them: late)
    assert months.count("state terlambat") + months.count("state diterima") + months.count("state peringatan") == 6
    assert months.count("state nanti") == 6  # July-December have not ended on 5 July 2023
    cookie = next(c for c in client.cookies.jar if c.name == "sakip_sesi")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite", "").lower() == "lax"
    assert events(portal, "login_ok", "maria")


def test_only_the_hash_of_a_session_token_is_stored(portal: Portal):
    client = portal.login("maria")
    token = client.cookies.get("sakip_sesi")
    with portal.engine.connect() as conn:
        stored = set(conn.execute(select(s.portal_session.c.token_hash)).scalars())
        hashes = set(conn.execute(select(s.portal_user.c.password_hash)).scalars())
    assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    assert all(h.startswith("scrypt$16384$8$1$") and PASSWORD not in h for h in hashes)


def test_a_wrong_password_is_refused_and_audited(portal: Portal):
    client = portal.client()
    page = client.get("/masuk")
    response = client.post("/masuk", data={"csrf_token": csrf_of(page.text), "nama": "maria", "sandi": "salah-sekali"})
    assert response.status_code == 401 and "kata sandi salah" in response.text
    assert client.get(f"/unit/{UNIT}").url.path == "/masuk"
    assert events(portal, "login_failed", "maria")[-1]["detail"].startswith("kata sandi salah")


def test_repeated_failures_lock_the_account_for_a_while(portal: Portal, clock_reset):
    portal.add_user("rina")
    client = portal.client()
    for _ in range(3):
        response = client.post("/masuk", data={"csrf_token": csrf_of(client.get("/masuk").text), "nama": "rina",
                                               "sandi": "tebakan-salah"})
    assert response.status_code == 429 and "dikunci" in response.text
    right = client.post("/masuk", data={"csrf_token": csrf_of(client.get("/masuk").text), "nama": "rina",
                                        "sandi": PASSWORD})
    assert right.status_code == 429  # even the right password, while locked
    assert events(portal, "login_locked", "rina")
    clock_reset.advance(minutes=16)
    portal.login("rina")  # the lock has ended


def test_a_session_expires_when_idle_and_after_its_lifetime(portal: Portal, clock_reset):
    client = portal.login("maria")
    clock_reset.advance(minutes=59)
    assert client.get(f"/unit/{UNIT}").url.path == f"/unit/{UNIT}"  # used: the idle clock restarts
    clock_reset.advance(minutes=61)
    assert client.get(f"/unit/{UNIT}").url.path == "/masuk"
    client = portal.login("maria")
    for _ in range(9):  # used every 55 minutes, never idle, yet over the 8 hours of a session
        clock_reset.advance(minutes=55)
        last = client.get(f"/unit/{UNIT}")
    assert last.url.path == "/masuk"


def test_logout_ends_the_session_and_needs_its_csrf_token(portal: Portal):
    client = portal.login("maria")
    forged = client.post("/keluar", data={})
    assert forged.status_code == 403
    page = client.get(f"/unit/{UNIT}")
    assert client.post("/keluar", data={"csrf_token": csrf_of(page.text)}).url.path == "/masuk"
    assert client.get(f"/unit/{UNIT}").url.path == "/masuk"


def test_a_disabled_account_loses_its_session_and_cannot_log_in(portal: Portal):
    portal.add_user("tono")
    client = portal.login("tono")
    auth.disable_user(portal.engine, "tono")
    assert client.get(f"/unit/{UNIT}").url.path == "/masuk"
    page = client.get("/masuk")
    assert client.post("/masuk", data={"csrf_token": csrf_of(page.text), "nama": "tono",
                                       "sandi": PASSWORD}).status_code == 401


def test_a_login_form_without_its_token_is_refused(portal: Portal):
    client = portal.client()
    response = client.post("/masuk", data={"nama": "maria", "sandi": PASSWORD})
    assert response.status_code == 403 and client.cookies.get("sakip_sesi") is None


# ------------------------------------------------------------------------------- another unit's data

@pytest.mark.parametrize("path", [f"/unit/{OTHER}", f"/unit/{OTHER}/templat/rencana?tahun=2023",
                                  f"/unit/{OTHER}/templat/bulanan?tahun=2023&bulan=6", "/pusat"])
def test_a_steward_cannot_open_another_units_pages(portal: Portal, path: str):
    client = portal.login("maria")
    response = client.get(path)
    assert response.status_code == 403
    assert OTHER not in response.text.replace(f"{OTHER}", "", 0) or "unit lain" in response.text or "pusat" in response.text
    assert any(path.split("?")[0] in (e["detail"] or "") for e in events(portal, "refused", "maria"))


def test_a_steward_cannot_upload_into_another_units_url(portal: Portal, tmp_path: Path):
    client = portal.login("maria")
    before = inbox_files(portal, OTHER)
    response = upload(client, OTHER, "jambi.xlsx", monthly_bytes(tmp_path, unit_code=OTHER))
    assert response.status_code == 403
    assert inbox_files(portal, OTHER) == before


def test_a_workbook_of_another_unit_is_rejected_by_its_content(portal: Portal, tmp_path: Path):
    client = portal.login("budi")  # Jambi's steward sends Kupang's workbook
    before = {unit: inbox_files(portal, unit) for unit in (UNIT, OTHER)}
    page = client.get(f"/unit/{OTHER}").text
    response = client.post(f"/unit/{OTHER}/unggah", data={"csrf_token": csrf_of(page)},
                           files={"berkas": ("laporan.xlsx", monthly_bytes(tmp_path), "application/octet-stream")})
    assert response.status_code == 200 and "Hasil pemeriksaan: Ditolak" in response.text
    assert "BPOM-KPG" in response.text.split('id="hasil"')[1].split("</section>")[0]
    assert {unit: inbox_files(portal, unit) for unit in (UNIT, OTHER)} == before
    with portal.engine.connect() as conn:
        row = conn.execute(select(s.portal_upload).order_by(s.portal_upload.c.upload_id.desc())).mappings().first()
    assert row["unit_code"] == OTHER and row["verdict"] == "rejected" and row["inbox_path"] is None


def test_a_form_field_naming_another_unit_is_refused(portal: Portal, tmp_path: Path):
    client = portal.login("maria")
    before = {unit: inbox_files(portal, unit) for unit in (UNIT, OTHER)}
    response = upload(client, UNIT, "jambi.xlsx", monthly_bytes(tmp_path, unit_code=OTHER), unit_code=OTHER)
    assert response.status_code == 400
    assert {unit: inbox_files(portal, unit) for unit in (UNIT, OTHER)} == before
    assert "isian tak dikenal: unit_code" in events(portal, "refused", "maria")[-1]["detail"]


def test_another_units_uploads_feedback_and_reports_are_not_served(portal: Portal, tmp_path: Path):
    jambi = portal.login("budi")
    page = jambi.get(f"/unit/{OTHER}").text
    jambi.post(f"/unit/{OTHER}/unggah", data={"csrf_token": csrf_of(page)},
               files={"berkas": ("x.xlsx", b"not a workbook", "application/octet-stream")})
    with portal.engine.begin() as conn:
        upload_id = conn.execute(select(s.portal_upload.c.upload_id).where(s.portal_upload.c.unit_code == OTHER)
                                 .order_by(s.portal_upload.c.upload_id.desc())).scalar()
        report = portal.out / "laporan" / "2023-Q2" / OTHER / f"{OTHER}_2023_TWII_v1.pdf"
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_bytes(b"%PDF-1.4 Jambi")
        report_id = conn.execute(insert(s.report_version).values(
            scope="unit", unit_code=OTHER, year=2023, quarter=2, version=1, built_at=START, data_fingerprint="0" * 64,
            submission_ids="[]", docx_path=str(report.with_suffix(".docx")), pdf_path=str(report))).inserted_primary_key[0]
    assert jambi.get(f"/unit/{OTHER}/laporan/{report_id}.pdf").content == b"%PDF-1.4 Jambi"
    kupang_client = portal.login("maria")
    for path in (f"/unit/{OTHER}/unggahan/{upload_id}", f"/unit/{OTHER}/unggahan/{upload_id}/umpan-balik",
                 f"/unit/{OTHER}/laporan/{report_id}.pdf"):
        assert kupang_client.get(path).status_code == 403, path
    # the unit in the URL is the steward's own, the object is another unit's
    for path in (f"/unit/{UNIT}/unggahan/{upload_id}", f"/unit/{UNIT}/unggahan/{upload_id}/umpan-balik",
                 f"/unit/{UNIT}/laporan/{report_id}.pdf", f"/pusat/laporan/{report_id}.pdf"):
        response = kupang_client.get(path)
        assert response.status_code in (403, 404) and b"Jambi" not in response.content, path
    assert portal.login("pusat").get(f"/unit/{OTHER}/laporan/{report_id}.pdf").status_code == 200


# -------------------------------------------------------------------------------------------- upload

def test_an_upload_without_its_csrf_token_is_refused(portal: Portal, tmp_path: Path):
    client = portal.login("maria")
    before = inbox_files(portal, UNIT)
    content = monthly_bytes(tmp_path, steward="Tanpa Token")
    for data in ({}, {"csrf_token": "palsu"}, {"csrf_token": auth.csrf_token("sesi-orang-lain")}):
        response = client.post(f"/unit/{UNIT}/unggah", data=data,
                               files={"berkas": ("x.xlsx", content, "application/octet-stream")})
        assert response.status_code == 403 and "Formulir tidak sah" in response.text
    assert inbox_files(portal, UNIT) == before


def test_an_accepted_upload_is_placed_in_the_inbox_under_the_portals_name(portal: Portal, tmp_path: Path):
    client = portal.login("maria")
    before = inbox_files(portal, UNIT)
    content = monthly_bytes(tmp_path, steward="Maria Seran, S.Farm (portal)", revision_note="Koreksi lewat portal")
    response = upload(client, UNIT, "../../Laporan Juni FINAL (2).xlsx", content)
    assert response.status_code == 200
    result = response.text.split('id="hasil"')[1].split("</section>")[0]
    assert "Hasil pemeriksaan: Diterima" in result
    added = inbox_files(portal, UNIT) - before
    assert added == {"BPOM-KPG_2023-06_rev1.xlsx"}  # BPOM-KPG_2023-06.xlsx is the collected June file
    assert (portal.inbox / UNIT / "BPOM-KPG_2023-06_rev1.xlsx").read_bytes() == content
    assert not list(portal.inbox.rglob("*FINAL*")) and not list(portal.inbox.parent.glob("Laporan*"))
    assert "BPOM-KPG_2023-06_rev1.xlsx" in result
    # the month now shows the file waiting for the next collection
    assert "menunggu pengumpulan: BPOM-KPG_2023-06_rev1.xlsx" in client.get(f"/unit/{UNIT}?tahun=2023").text
    # the annotated copy downloads, and the upload is in the audit
    with portal.engine.connect() as conn:
        row = conn.execute(select(s.portal_upload).order_by(s.portal_upload.c.upload_id.desc())).mappings().first()
    copy = client.get(f"/unit/{UNIT}/unggahan/{row['upload_id']}/umpan-balik")
    assert copy.status_code == 200 and copy.content.startswith(b"PK")
    assert "Daftar Masalah" in load_workbook(io.BytesIO(copy.content)).sheetnames
    assert row["inbox_path"] == f"{UNIT}/BPOM-KPG_2023-06_rev1.xlsx" and row["file_name"] == "Laporan Juni FINAL (2).xlsx"
    assert events(portal, "upload", "maria")[-1]["upload_id"] == row["upload_id"]
    # the same bytes again are not placed a second time
    upload(client, UNIT, "lagi.xlsx", content)
    assert inbox_files(portal, UNIT) - before == {"BPOM-KPG_2023-06_rev1.xlsx"}


def test_a_rejected_upload_shows_every_problem_and_is_never_placed(portal: Portal, tmp_path: Path):
    client = portal.login("maria")
    before = inbox_files(portal, UNIT)

    def plant(book):
        book["Kinerja"]["B5"] = "sembilan puluh"
        book["Anggaran"]["C5"] = "-100"

    response = upload(client, UNIT, "<img src=x onerror=alert(1)>.xlsx", monthly_bytes(tmp_path, edit=plant))
    result = response.text.split('id="hasil"')[1].split("</section>")[0]
    assert "Hasil pemeriksaan: Ditolak" in result and "tidak</b> diteruskan" in result
    assert "<img" not in result and "&lt;img src=x onerror=alert(1)&gt;.xlsx" in result  # escaped
    rows = result.split("<tbody>")[1].split("<tr")[1:]
    assert any("Kinerja" in r and "B5" in r and "sembilan puluh" in r for r in rows)
    assert any("Anggaran" in r and "C5" in r for r in rows)
    assert all("Perbaiki:" in r for r in rows)
    assert inbox_files(portal, UNIT) == before


def test_a_file_that_is_not_xlsx_is_rejected_unread(portal: Portal):
    client = portal.login("maria")
    before = inbox_files(portal, UNIT)
    for name, content in (("laporan.pdf", b"%PDF-1.4"), ("laporan.xlsx", b"MZ\x90\x00 not a zip"),
                          ("laporan.xlsm", b"PK\x03\x04")):
        response = upload(client, UNIT, name, content)
        assert "Hasil pemeriksaan: Ditolak" in response.text and "bukan buku kerja Excel .xlsx" in response.text, name
    assert inbox_files(portal, UNIT) == before


def test_an_oversize_upload_is_refused_before_it_is_read(portal: Portal, tmp_path: Path):
    from portal.app import create_app
    from portal.settings import PortalSettings

    small = portal.settings.model_copy(update={"max_file_mb": 0.005})  # 5 KB: smaller than a workbook
    app = create_app(small, PortalSettings(), engine=portal.engine, clock=portal.clock)
    client = portal.login("maria", client=type(portal.client())(app, follow_redirects=True))
    before = inbox_files(portal, UNIT)
    response = upload(client, UNIT, "juni.xlsx", monthly_bytes(tmp_path))  # over the bound: the reader says so
    assert "Ditolak" in response.text and "melebihi batas" in response.text
    response = upload(client, UNIT, "besar.xlsx", b"PK\x03\x04" + b"0" * 200_000)  # over the request bound
    assert response.status_code == 413 and "terlalu besar" in response.text
    assert inbox_files(portal, UNIT) == before


def test_a_centre_user_cannot_upload(portal: Portal, tmp_path: Path):
    client = portal.login("pusat")
    page = client.get(f"/unit/{UNIT}")
    assert page.status_code == 200 and 'action="/unit/BPOM-KPG/unggah"' not in page.text
    response = client.post(f"/unit/{UNIT}/unggah", data={"csrf_token": csrf_of(page.text)},
                           files={"berkas": ("x.xlsx", monthly_bytes(tmp_path), "application/octet-stream")})
    assert response.status_code == 403


# ------------------------------------------------------------------------------ templates and centre

def test_templates_are_the_units_own(portal: Portal):
    client = portal.login("maria")
    plan = client.get(f"/unit/{UNIT}/templat/rencana?tahun=2024")
    month = client.get(f"/unit/{UNIT}/templat/bulanan?tahun=2023&bulan=7")
    assert plan.headers["content-disposition"].endswith('"BPOM-KPG_2024_rencana.xlsx"')
    read = read_workbook(Path("t.xlsx"), content=month.content)
    assert (read.kind, read.identity["unit_code"], read.identity["month"]) == ("bulanan", UNIT, 7)
    # pre-filled from Kupang's plan on file: every indicator of the plan is a Kinerja row
    with portal.engine.connect() as conn:
        planned = set(conn.execute(select(s.plan_indicator.c.indicator_code).where(
            s.plan_indicator.c.unit_code == UNIT, s.plan_indicator.c.year == 2023)).scalars())
    assert set(read.frames["Kinerja"]["indicator_code"]) == planned
    assert client.get(f"/unit/{UNIT}/templat/bulanan?tahun=2023&bulan=13").status_code == 400


def test_the_centre_sees_every_unit_in_the_grid(portal: Portal):
    client = portal.login("pusat")
    page = client.get("/")
    assert page.url.path == "/pusat"
    grid = page.text.split('class="grid"')[1].split("</table>")[0]
    kupang_row = grid.split(f">{UNIT}</a></th>")[1].split("</tr>")[0]
    assert kupang_row.count('class="cell') == 12
    assert kupang_row.count("cell nanti") == 6 and kupang_row.count("cell belum") == 0
    jambi_row = grid.split(f">{OTHER}</a></th>")[1].split("</tr>")[0]
    assert jambi_row.count("cell belum") == 6  # expected January-June, nothing sent
    assert grid.count("<tr>") >= 100  # every unit of the master data
    assert client.get(f"/unit/{OTHER}").status_code == 200
