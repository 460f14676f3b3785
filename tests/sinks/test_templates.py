"""Templates: pre-filled from master data, decorated for stewards, and still the contract's layout."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from reference import master
from schemas import contract
from sinks.template_style import LISTS_SHEET, master_code_lists
from sinks.templates import (monthly_template, plan_template, unit_budget_skeleton, unit_plan_skeleton,
                             write_workbook)

UPT = "BPOM-KPG"
LOKA = "LOKA-INH"
CENTRAL = "PUSAT-REG-OBAT"
#: Coded columns and the drop-down each must carry: (kind, sheet, column) -> expected choices (None: any list).
DROPDOWNS = {
    ("rencana", "Sasaran", "perspective"): set(master.PERSPECTIVES),
    ("rencana", "Indikator", "sk_code"): None,
    ("rencana", "Indikator", "polarity"): {"naik", "turun"},
    ("rencana", "Indikator", "is_iku"): {"Ya", "Tidak"},
    ("rencana", "Indikator", "pattern"): {"flat", "kumulatif", "tahapan", "akhir_tahun"},
    ("rencana", "RAPK", "indicator_code"): None,
    ("rencana", "Pagu", "expense_type"): {"51", "52", "53"},
    ("rencana", "RPD", "ro_code"): None,
    ("rencana", "RPD", "expense_type"): {"51", "52", "53"},
    ("bulanan", "Kinerja", "indicator_code"): None,
    ("bulanan", "Anggaran", "ro_code"): None,
    ("bulanan", "Anggaran", "expense_type"): {"51", "52", "53"},
    ("bulanan", "Sampling", "commodity"): None,
    ("bulanan", "Sampling", "method"): set(master.SAMPLING_METHODS),
    ("bulanan", "Pemeriksaan", "facility_type"): None,
    ("bulanan", "Penindakan", "stage"): set(master.ENFORCEMENT_STAGES),
}


@pytest.fixture(scope="module")
def plan_book(tmp_path_factory: pytest.TempPathFactory):
    path = plan_template(UPT, 2024, tmp_path_factory.mktemp("tpl") / f"{UPT}_2024_rencana.xlsx")
    return load_workbook(path)


@pytest.fixture(scope="module")
def monthly_book(tmp_path_factory: pytest.TempPathFactory):
    path = monthly_template(UPT, 2024, 3, tmp_path_factory.mktemp("tpl") / f"{UPT}_2024-03.xlsx")
    return load_workbook(path)


def _books(plan_book, monthly_book) -> dict[str, object]:
    return {contract.PLAN: plan_book, contract.MONTHLY: monthly_book}


def _column_values(ws, col: int) -> list:
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=col, max_col=col, values_only=True)]


def _list_choices(book, formula: str) -> set[str]:
    """The values a list validation offers (inline list or a range of the hidden sheet)."""
    if formula.startswith('"'):
        return set(formula.strip('"').split(","))
    sheet, ref = formula.split("!")
    cells = book[sheet][ref.replace("$", "")]
    return {str(row[0].value) for row in cells}


# ------------------------------------------------------------------------------------ pre-filled codes

def test_plan_template_prefills_the_catalogue_plan(plan_book):
    standard = master.standard_plan("balai")
    ind = plan_book["Indikator"]
    assert _column_values(ind, 2) == standard["indicator_code"].tolist()
    assert _column_values(ind, 1) == standard["sk_code"].tolist()
    assert _column_values(plan_book["Sasaran"], 1) == standard["sk_code"].drop_duplicates().tolist()
    assert _column_values(plan_book["RAPK"], 1) == standard["indicator_code"].tolist()
    headers = [c.value for c in ind[1]]
    row = dict(zip(headers, [c.value for c in ind[2]]))
    assert (row["Polaritas"], row["IKU"], row["Bobot"], row["Pola"]) == ("naik", "Ya", 1, "flat")
    assert row["Target Tahunan"] is None and row["Alokasi Anggaran"] is None
    patterns = {r[1]: r[8] for r in ind.iter_rows(min_row=2, values_only=True)}
    word = {v: k for k, v in master.PATTERNS.items()}
    expected = dict(zip(standard["indicator_code"], standard["measurement"].map(word)))
    assert patterns == expected


def test_plan_template_budget_lines_are_catalogue_ro_by_expense_type(plan_book):
    pagu = [(r[0], r[2]) for r in plan_book["Pagu"].iter_rows(min_row=2, values_only=True)]
    rpd = [(r[0], r[1]) for r in plan_book["RPD"].iter_rows(min_row=2, values_only=True)]
    assert pagu == rpd
    assert {code for code, _ in pagu} <= set(master.rincian_output()["ro_code"])
    assert ("EBA.994", "51") in pagu and ("EBA.994", "52") in pagu and ("CAN.001", "53") in pagu
    assert all(r[3] is None and r[4] is None for r in plan_book["Pagu"].iter_rows(min_row=2, values_only=True))
    assert all(v is None for r in plan_book["RPD"].iter_rows(min_row=2, min_col=3, values_only=True) for v in r)


def test_monthly_template_lists_the_plan_on_file(tmp_path: Path):
    plan = {"Indikator": pd.DataFrame({"indicator_code": ["IKU-OBAT-MS", "BPOM-KPG-IKU-09"]}),
            "Pagu": pd.DataFrame({"ro_code": ["QIC.004", "EBA.994"], "expense_type": [52.0, 51.0]})}
    book = load_workbook(monthly_template(UPT, 2024, 7, tmp_path / "m.xlsx", plan=plan))
    assert _column_values(book["Kinerja"], 1) == ["IKU-OBAT-MS", "BPOM-KPG-IKU-09"]
    assert [tuple(r[:2]) for r in book["Anggaran"].iter_rows(min_row=2, values_only=True)] == \
        [("QIC.004", "52"), ("EBA.994", "51")]
    identity = {r[0]: r[1] for r in book["Identitas"].iter_rows(min_row=2, values_only=True)}
    assert (identity["Kode Satker"], identity["Tahun"], identity["Bulan"]) == (UPT, 2024, 7)
    assert identity["Versi Template"] == contract.current_version()
    assert all(v is None for r in book["Kinerja"].iter_rows(min_row=2, min_col=2, values_only=True) for v in r)


def test_monthly_template_without_plan_uses_the_skeleton(monthly_book):
    assert _column_values(monthly_book["Kinerja"], 1) == unit_plan_skeleton(UPT)["indicator_code"].tolist()
    lines = unit_budget_skeleton(UPT)
    assert [tuple(r[:2]) for r in monthly_book["Anggaran"].iter_rows(min_row=2, values_only=True)] == \
        list(zip(lines["ro_code"], lines["expense_type"]))
    for sheet in ("Sampling", "Pemeriksaan", "Penindakan"):
        assert monthly_book[sheet].max_row == 1


@pytest.mark.parametrize("month", [0, 13], ids=["month zero", "month thirteen"])
def test_monthly_template_rejects_an_impossible_month(tmp_path: Path, month: int):
    with pytest.raises(ValueError):
        monthly_template(UPT, 2024, month, tmp_path / "m.xlsx")


# --------------------------------------------------------------------------------------- skeletons

def test_central_unit_gets_governance_plan_and_its_own_indicator():
    plan = unit_plan_skeleton(CENTRAL)
    assert {"IKU-AKIP", "IKU-IDX-RB", "IKU-IP-ASN", "IKU-NKA", "IKU-IKM-LAYANAN-PUBLIK", "IKU-DATA-INFO"} <= set(
        plan["indicator_code"])
    own = plan[~plan["in_catalogue"]]
    assert own[["sk_code", "indicator_code"]].values.tolist() == [[f"{CENTRAL}-SK-01", f"{CENTRAL}-IKU-01"]]
    assert set(plan["perspective"]) == set(master.PERSPECTIVES)
    assert plan["pattern"].isin(list(master.PATTERNS)).all()
    assert "Direktorat Registrasi Obat" in plan.loc[plan["indicator_code"] == "IKU-AKIP", "indicator_name"].item()


@pytest.mark.parametrize("unit", master.units()["code"].tolist())
def test_every_unit_has_a_consistent_skeleton(unit: str):
    plan = unit_plan_skeleton(unit)
    assert not plan.empty and plan["indicator_code"].is_unique
    assert plan["pattern"].notna().all() and plan["unit_of_measure"].notna().all()
    budget = unit_budget_skeleton(unit)
    assert not budget.duplicated(["ro_code", "expense_type"]).any()
    assert budget["expense_type"].isin(list(master.EXPENSE_TYPES)).all()


def test_loka_has_no_community_or_laboratory_ro():
    codes = set(unit_budget_skeleton(LOKA)["ro_code"])
    assert not codes & {"QDB.001", "QDB.002", "QDB.003", "PDD.001", "RAB.001"}
    assert {"QIA.001", "QIA.005", "QIC.004", "EBA.994"} <= codes


# ------------------------------------------------------------------------------------ layout + style

@pytest.mark.parametrize("kind", [contract.PLAN, contract.MONTHLY])
def test_template_headers_are_the_contract_headers(plan_book, monthly_book, kind):
    book = _books(plan_book, monthly_book)[kind]
    assert book.sheetnames[: len(contract.SHEETS[kind])] == list(contract.SHEETS[kind])
    for sheet in contract.data_sheets(kind):
        assert [c.value for c in book[sheet][1]] == [s.header for s in contract.columns(kind, sheet)]
    identity = book[contract.IDENTITY_SHEET]
    assert [c.value for c in identity[1]] == list(contract.IDENTITY_HEADERS)
    assert _column_values(identity, 1) == [s.header for s in contract.identity_fields(kind)]


@pytest.mark.parametrize("key", list(DROPDOWNS), ids=["/".join(k) for k in DROPDOWNS])
def test_coded_columns_have_dropdowns(plan_book, monthly_book, key):
    kind, sheet, column = key
    book = _books(plan_book, monthly_book)[kind]
    names = [s.name for s in contract.columns(kind, sheet)]
    cell = f"{get_column_letter(names.index(column) + 1)}2"
    found = [dv for dv in book[sheet].data_validations.dataValidation if cell in dv.sqref and dv.type == "list"]
    assert len(found) == 1, f"no drop-down on {sheet}!{cell}"
    choices = _list_choices(book, found[0].formula1)
    assert found[0].prompt  # an Indonesian prompt
    if DROPDOWNS[key] is not None:
        assert choices == DROPDOWNS[key]
    elif column == "commodity":
        assert choices == set(master_code_lists()["commodity"])
    elif column == "facility_type":
        assert choices == set(master.facility_types()["code"])
    elif column == "indicator_code":
        assert choices == set(unit_plan_skeleton(UPT)["indicator_code"])
    elif column == "ro_code":
        assert choices == set(unit_budget_skeleton(UPT)["ro_code"])
    elif column == "sk_code":
        assert choices == set(unit_plan_skeleton(UPT)["sk_code"])


@pytest.mark.parametrize("kind", [contract.PLAN, contract.MONTHLY])
def test_headers_locked_data_unlocked_rows_insertable(plan_book, monthly_book, kind):
    book = _books(plan_book, monthly_book)[kind]
    for sheet in contract.SHEETS[kind]:
        ws = book[sheet]
        assert ws.protection.sheet and not ws.protection.password
        assert ws.protection.insertRows is False and ws.protection.formatCells is False  # False = allowed
        assert all(c.protection.locked for c in ws[1])
        width = len(ws[1])
        first = 2 if sheet == contract.IDENTITY_SHEET else 1  # Identitas: the Field labels stay locked
        assert all(not ws.cell(row=r, column=c).protection.locked
                   for r in range(2, ws.max_row + 1) for c in range(first, width + 1))
        for c in range(1, width + 1):  # empty rows below take the column's (unlocked) style
            dim = ws.column_dimensions[get_column_letter(c)]
            if sheet != contract.IDENTITY_SHEET:
                assert dim.protection.locked is False
    assert book[LISTS_SHEET].sheet_state == "hidden"


def test_number_formats(plan_book, monthly_book):
    assert plan_book["Pagu"].column_dimensions["D"].number_format == "#,##0"       # Pagu
    assert plan_book["RPD"].column_dimensions["C"].number_format == "#,##0"        # B01 (rupiah)
    assert plan_book["RAPK"].column_dimensions["B"].number_format == "0.00"        # B01 (target)
    assert monthly_book["Kinerja"].column_dimensions["B"].number_format == "0.00"  # Realisasi
    assert monthly_book["Kinerja"].column_dimensions["E"].number_format == "#,##0"  # Realisasi Anggaran
    assert monthly_book["Sampling"].column_dimensions["C"].number_format == "0"     # Jumlah Sampel
    assert monthly_book["Kinerja"]["A2"].number_format == "@"                       # codes stay text
    assert monthly_book["Kinerja"].freeze_panes == "B2"


def test_petunjuk_explains_in_indonesian(monthly_book):
    ws = monthly_book[contract.INSTRUCTIONS_SHEET]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    for phrase in ("tanggal 10", "10 April 2024", f"{UPT}_2024-03.xlsx", "sakip validate", "KUMULATIF", "BULAN INI",
                   "Sel kosong", "Rupiah", "Catatan Revisi"):
        assert phrase in text, phrase
    for spec in contract.columns(contract.MONTHLY, "Kinerja"):
        assert spec.header in text


def test_the_deadline_stewards_are_told_is_the_one_the_validator_judges_by(tmp_path: Path, monkeypatch):
    """One deadline day (``SAKIP_DEADLINE_DAY``): the template's instructions and the validator's deadline."""
    from datetime import date

    from sakip import periods
    from sakip import settings as settings_module

    monkeypatch.setenv("SAKIP_DEADLINE_DAY", "15")
    settings_module.get_settings.cache_clear()
    try:
        book = load_workbook(monthly_template(UPT, 2024, 3, tmp_path / "m.xlsx"))
        text = " ".join(str(v) for row in book[contract.INSTRUCTIONS_SHEET].iter_rows(values_only=True)
                        for v in row if v)
        due = periods.deadline(2024, 3, settings_module.get_settings().deadline_day)
    finally:
        settings_module.get_settings.cache_clear()
    assert due == date(2024, 4, 15)
    assert "tanggal 15" in text and "15 April 2024" in text and "tanggal 10" not in text


def test_decoration_changes_no_contract_value(tmp_path: Path):
    identity = {"unit_code": UPT, "year": 2024, "month": 2, "steward": "Maria Seran"}
    frames = {"Kinerja": pd.DataFrame({"indicator_code": ["IKU-OBAT-MS"], "realisasi": [98.0], "kendala": [None]}),
              "Sampling": pd.DataFrame({"commodity": ["OBAT"], "method": ["Random"], "sampled": [3], "tested": [3],
                                        "ms": [3], "tms": [0]})}
    write_workbook("bulanan", identity, frames, tmp_path / "a.xlsx")
    write_workbook("bulanan", identity, frames, tmp_path / "b.xlsx", styled=False)
    styled, plain = load_workbook(tmp_path / "a.xlsx"), load_workbook(tmp_path / "b.xlsx")
    for sheet in contract.SHEETS["bulanan"]:
        assert list(styled[sheet].values) == list(plain[sheet].values)
    assert set(styled.sheetnames) - set(plain.sheetnames) == {LISTS_SHEET, contract.INSTRUCTIONS_SHEET}


def test_the_reader_reads_a_decorated_template_cleanly(tmp_path: Path):
    workbook = pytest.importorskip("sources.workbook")
    data = workbook.read_workbook(plan_template(UPT, 2024, tmp_path / f"{UPT}_2024_rencana.xlsx"))
    assert data.kind == contract.PLAN
    assert data.identity["unit_code"] == UPT
    assert data.frames["Indikator"]["indicator_code"].tolist() == unit_plan_skeleton(UPT)["indicator_code"].tolist()
    assert not [p for p in data.problems if p["rule_id"] in ("sheet_missing", "column_missing", "file_corrupt")]


# ------------------------------------------------------------------------------------ formula injection

#: Names and codes a steward may have typed into a plan that a spreadsheet would run as formulas.
HOSTILE_NAME = '=HYPERLINK("http://x","klik")'
HOSTILE_SK_NAME = "=1+2"
HOSTILE_CODES = ("@SUM(1)", "+cmd|' /C calc'!A0", "-2+3", "=IKU-OBAT-MS")


def _formula_cells(book) -> dict[tuple[str, str], object]:
    """(sheet, cell) -> value of every cell held as a formula (the templates write none on purpose)."""
    return {(ws.title, c.coordinate): c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}


def _texts(book) -> dict[str, str]:
    """Every text cell's value -> its data type, over all sheets."""
    return {c.value: c.data_type for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


def test_a_plan_typed_with_formulas_gives_a_monthly_template_without_formulas(tmp_path: Path):
    plan = {
        "Sasaran": pd.DataFrame({"sk_code": ["SAS-OM-MS"], "sk_name": [HOSTILE_SK_NAME],
                                 "perspective": ["Stakeholder"]}),
        "Indikator": pd.DataFrame({"sk_code": ["SAS-OM-MS"] * 3,
                                   "indicator_code": ["IKU-OBAT-MS", HOSTILE_CODES[0], HOSTILE_CODES[3]],
                                   "indicator_name": [HOSTILE_NAME, HOSTILE_SK_NAME, "Indikator unit"]}),
        "Pagu": pd.DataFrame({"ro_code": [HOSTILE_CODES[1], "QIC.004"], "ro_name": [HOSTILE_NAME, "Pengujian"],
                              "expense_type": ["52", HOSTILE_CODES[2]]}),
    }
    book = load_workbook(monthly_template(UPT, 2024, 7, tmp_path / "m.xlsx", plan=plan), data_only=False)
    assert _formula_cells(book) == {}
    assert _column_values(book["Kinerja"], 1) == ["IKU-OBAT-MS", HOSTILE_CODES[0], HOSTILE_CODES[3]]
    assert [tuple(r[:2]) for r in book["Anggaran"].iter_rows(min_row=2, values_only=True)] == \
        [(HOSTILE_CODES[1], "52"), ("QIC.004", HOSTILE_CODES[2])]
    texts = _texts(book)
    assert all(texts[code] == "s" for code in HOSTILE_CODES)
    kinerja_list = _list_choices(book, next(dv.formula1 for dv in book["Kinerja"].data_validations.dataValidation
                                            if "A2" in dv.sqref))
    assert kinerja_list == {"IKU-OBAT-MS", HOSTILE_CODES[0], HOSTILE_CODES[3]}, "the drop-down offers them as typed"


def test_a_plan_workbook_with_formula_like_names_keeps_them_as_text(tmp_path: Path):
    frames = {
        "Sasaran": pd.DataFrame({"sk_code": ["SAS-OM-MS"], "sk_name": [HOSTILE_SK_NAME],
                                 "perspective": ["Stakeholder"]}),
        "Indikator": pd.DataFrame({"sk_code": ["SAS-OM-MS"], "indicator_code": [HOSTILE_CODES[0]],
                                   "indicator_name": [HOSTILE_NAME], "unit_of_measure": ["persen"]}),
        "Pagu": pd.DataFrame({"ro_code": ["QIC.004"], "ro_name": [HOSTILE_CODES[1]], "expense_type": ["52"]}),
    }
    identity = {"unit_code": UPT, "year": 2024, "head_name": HOSTILE_CODES[2], "revision_note": "#N/A"}
    path = tmp_path / f"{UPT}_2024_rencana.xlsx"
    write_workbook(contract.PLAN, identity, frames, path)
    book = load_workbook(path, data_only=False)
    assert _formula_cells(book) == {}
    assert book["Sasaran"]["B2"].value == HOSTILE_SK_NAME
    assert (book["Indikator"]["B2"].value, book["Indikator"]["C2"].value) == (HOSTILE_CODES[0], HOSTILE_NAME)
    texts = _texts(book)
    assert all(texts[t] == "s" for t in (HOSTILE_NAME, HOSTILE_SK_NAME, *HOSTILE_CODES[:3], "#N/A"))
    workbook = pytest.importorskip("sources.workbook")
    data = workbook.read_workbook(path)
    assert data.frames["Sasaran"]["sk_name"].tolist() == [HOSTILE_SK_NAME], "the reader gets the text back as typed"
    assert data.frames["Indikator"]["indicator_name"].tolist() == [HOSTILE_NAME]
    assert data.identity["head_name"] == HOSTILE_CODES[2]
