"""Scanning the inbox (sources.inbox): one row per submitted file, names parsed, noise ignored, nothing
read until a run selects a file; then its bytes are read once and hashed."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from schemas.naming import expected_file_name, parse_file_name
from sources.inbox import INBOX_COLUMNS, scan_inbox, sha256_file, with_content


def _touch(path: Path, content: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_scan_lists_submissions_and_ignores_hidden_and_lock_files(tmp_path: Path) -> None:
    _touch(tmp_path / "BPOM-KPG" / "BPOM-KPG_2023_rencana.xlsx", b"plan")
    _touch(tmp_path / "BPOM-KPG" / "BPOM-KPG_2023-06.xlsx", b"june")
    _touch(tmp_path / "BPOM-KPG" / "~$BPOM-KPG_2023-06.xlsx")
    _touch(tmp_path / "BPOM-KPG" / ".DS_Store")
    _touch(tmp_path / ".hidden" / "BPOM-KPG_2023-05.xlsx")
    _touch(tmp_path / "LOKA-MBR" / "laporan juni.xlsx")
    files = scan_inbox(tmp_path)
    assert list(files.columns) == list(INBOX_COLUMNS)
    assert files["file_name"].tolist() == ["BPOM-KPG_2023-06.xlsx", "BPOM-KPG_2023_rencana.xlsx", "laporan juni.xlsx"]
    assert files["unit_folder"].tolist() == ["BPOM-KPG", "BPOM-KPG", "LOKA-MBR"]
    june, plan, other = files.to_dict("records")
    assert (june["name_kind"], june["name_year"], june["name_month"]) == ("bulanan", 2023, 6)
    assert (plan["name_kind"], plan["name_year"]) == ("rencana", 2023) and pd.isna(plan["name_month"])
    assert pd.isna(other["name_kind"]) and pd.isna(other["name_year"])
    assert "sha256" not in files.columns, "listing reads no file"
    assert june["size_bytes"] == 4 and june["modified_at"].tzinfo is not None


def test_with_content_reads_each_selected_file_once_and_hashes_those_bytes(tmp_path: Path) -> None:
    path = _touch(tmp_path / "BPOM-KPG" / "BPOM-KPG_2023-06.xlsx", b"june")
    files = with_content(scan_inbox(tmp_path))
    row = files.iloc[0]
    assert row["content"] == b"june" and row["sha256"] == hashlib.sha256(b"june").hexdigest()
    path.write_bytes(b"june, still being written")  # what was read is what is hashed and parsed
    again = with_content(files)
    assert again.iloc[0]["content"] == b"june" and again.iloc[0]["size_bytes"] == 4


def test_an_empty_or_missing_inbox_gives_an_empty_frame(tmp_path: Path) -> None:
    assert scan_inbox(tmp_path).empty
    assert list(scan_inbox(tmp_path / "nowhere").columns) == list(INBOX_COLUMNS)


def test_sha256_is_streamed_and_matches_hashlib(tmp_path: Path) -> None:
    content = b"0123456789" * 300_000  # several chunks
    assert sha256_file(_touch(tmp_path / "big.bin", content)) == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("BPOM-KPG_2023_rencana.xlsx", ("BPOM-KPG", "rencana", 2023, None), id="a plan"),
        pytest.param("BPOM-KPG_2023-06.xlsx", ("BPOM-KPG", "bulanan", 2023, 6), id="a month"),
        pytest.param("bpom-kpg_2023_RENCANA.XLSX", ("bpom-kpg", "rencana", 2023, None), id="case does not matter"),
        pytest.param("BPOM-KPG_2023-13.xlsx", (None, None, None, None), id="month 13 is not a month"),
        pytest.param("laporan juni.xlsx", (None, None, None, None), id="a free name says nothing"),
    ],
)
def test_file_names(name: str, expected: tuple) -> None:
    parts = parse_file_name(name)
    assert (parts.unit_code, parts.kind, parts.year, parts.month) == expected


def test_expected_names_round_trip() -> None:
    for name in (expected_file_name("BPOM-KPG", "rencana", 2023), expected_file_name("BPOM-KPG", "bulanan", 2023, 6)):
        parts = parse_file_name(name)
        assert expected_file_name(parts.unit_code, parts.kind, parts.year, parts.month) == name
