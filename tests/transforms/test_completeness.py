"""Reporting completeness: expected, received, on time (deadline in the reporting time zone), accepted."""
from __future__ import annotations

import pandas as pd
import pytest

from transforms.completeness import STATUS_COLUMNS, reporting_status

TZ = "Asia/Jakarta"
EXPECTED = pd.DataFrame({"unit_code": ["U1", "U1", "U1", "U2"], "year": 2023, "month": [5, 6, 12, 6]})


def _subs(rows) -> pd.DataFrame:
    """rows: (unit_code, month, received_at ISO with offset, verdict, version, is_current)."""
    frame = pd.DataFrame(rows, columns=["unit_code", "month", "received_at", "verdict", "version", "is_current"])
    return frame.assign(year=2023, received_at=pd.to_datetime(frame["received_at"], utc=True))


SUBS = _subs([
    ("U1", 5, "2023-06-10T23:30:00+07:00", "accepted", 1, True),                # last minute of the due day
    ("U1", 6, "2023-07-09T08:00:00+07:00", "rejected", 1, False),               # on time but rejected
    ("U1", 6, "2023-07-12T08:00:00+07:00", "accepted_with_warnings", 2, True),  # acceptable only after the deadline
    ("U1", 12, "2024-01-10T16:59:00+00:00", "accepted", 1, True),               # 23:59 Jakarta: December -> January
    ("U1", 7, "2023-08-01T08:00:00+07:00", "accepted", 1, True),                # not expected
])


@pytest.fixture()
def status():
    return reporting_status(EXPECTED, SUBS, deadline_day=10, tz=TZ).set_index(["unit_code", "month"])


def test_one_row_per_unit_month_with_columns():
    out = reporting_status(EXPECTED, SUBS, deadline_day=10, tz=TZ)
    assert list(out.columns) == STATUS_COLUMNS and len(out) == 5


@pytest.mark.parametrize("unit, month, expected, received, on_time, accepted, n_versions", [
    pytest.param("U1", 5, True, True, True, True, 1, id="received at 23:30 on the due day is on time"),
    pytest.param("U1", 6, True, True, False, True, 2, id="on-time version rejected, the accepted one late"),
    pytest.param("U1", 12, True, True, True, True, 1, id="December is due on 10 January, judged in Jakarta time"),
    pytest.param("U2", 6, True, False, False, False, 0, id="nothing received"),
    pytest.param("U1", 7, False, True, True, True, 1, id="a month not expected is still listed"),
])
def test_status(status, unit, month, expected, received, on_time, accepted, n_versions):
    row = status.loc[(unit, month)]
    assert (row["expected"], row["received"], row["on_time"], row["accepted"], row["n_versions"]) == (
        expected, received, on_time, accepted, n_versions)


def test_after_midnight_in_jakarta_is_late():
    subs = _subs([("U1", 5, "2023-06-10T17:30:00+00:00", "accepted", 1, True)])  # 00:30 on 11 June in Jakarta
    row = reporting_status(EXPECTED, subs, deadline_day=10, tz=TZ).query("month == 5").iloc[0]
    assert not row["on_time"]


def test_current_version_rejected_is_not_accepted():
    subs = _subs([("U1", 5, "2023-06-01T08:00:00+07:00", "accepted", 1, False),
                  ("U1", 5, "2023-06-02T08:00:00+07:00", "rejected", 2, True)])
    row = reporting_status(EXPECTED, subs, deadline_day=10, tz=TZ).query("month == 5").iloc[0]
    assert row["on_time"] and not row["accepted"]
    assert row["first_received_at"] < row["last_received_at"]


def test_no_submissions_at_all():
    empty = _subs([])
    out = reporting_status(EXPECTED, empty, deadline_day=10, tz=TZ)
    assert len(out) == 4 and not out["received"].any() and (out["n_versions"] == 0).all()
