"""Edges of the reference data: a unit's state on a day (and before it existed), the catalogue plan of a central
unit (none), and ``python -m reference.policy --schema`` writing the policy JSON Schema (or refusing)."""
from __future__ import annotations

from datetime import date

import pytest

from reference import master, policy


def test_a_unit_has_a_state_on_a_day_of_its_history_and_none_before_it():
    kupang = master.unit_on("BPOM-KPG", date(2023, 6, 1))
    assert kupang["code"] == "BPOM-KPG" and "Kupang" in kupang["name"]
    with pytest.raises(KeyError, match="unit BPOM-KPG has no state on 1990-01-01"):
        master.unit_on("BPOM-KPG", date(1990, 1, 1))


def test_a_central_unit_has_no_catalogue_plan_and_a_balai_has_one():
    assert master.standard_plan("pusat").empty
    assert list(master.standard_plan("pusat").columns)[:3] == ["sk_order", "sk_code", "sk_name"]
    assert not master.standard_plan("balai").empty


def test_the_policy_schema_is_written_by_the_module_command(tmp_path, capsys):
    policy.main(["--schema", "--dir", str(tmp_path)])
    written = tmp_path / policy.SCHEMA_FILE
    assert capsys.readouterr().out.strip() == str(written)
    assert written.read_text(encoding="utf-8") == policy.policy_schema_text()


@pytest.mark.parametrize(("argv", "message"), [([], "nothing to do: give --schema"),
                                               (["--schema", "--dir", "/tidak/ada"], "does not exist")])
def test_the_policy_module_command_refuses_without_schema_or_folder(argv, message, capsys):
    with pytest.raises(SystemExit) as raised:
        policy.main(argv)
    assert raised.value.code == 2 and message in capsys.readouterr().err


def test_digest_contacts_with_an_injected_header_or_an_unknown_unit_are_refused(monkeypatch):
    import pandas as pd

    read = master._read
    bad = pd.DataFrame({"unit_code": ["BPOM-KPG", "BPOM-XYZ"], "name": ["Kepala\r\nBcc: x@example.org", "Petugas"],
                        "email": ["kepala@pom.example", "petugas@pom.example"]})
    monkeypatch.setattr(master, "_read", lambda name: bad if name == "unit_contacts.csv" else read(name))
    master.unit_contacts.cache_clear()
    try:
        with pytest.raises(ValueError, match="unit_contacts.csv: invalid address, name or unit: BPOM-XYZ, "
                                             "kepala@pom.example"):
            master.unit_contacts()
    finally:
        monkeypatch.undo()
        master.unit_contacts.cache_clear()
    assert not master.unit_contacts().empty, "the shipped contacts are valid"
