"""Loaders for master data, with name resolution through aliases and units' history over time.

Every CSV is read as strings (codes like ``001`` keep their form). Grain of each frame is stated
in its function's docstring. Frames are cached; callers must not mutate them (use ``.copy()``).
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

DATA = Path(__file__).resolve().parent / "data"

#: unit_type -> the group used in national rankings (Pusat / Balai Besar-Balai / Loka).
UNIT_GROUPS = {"pusat": "Pusat", "balai_besar": "Balai Besar/Balai", "balai": "Balai Besar/Balai", "loka": "Loka"}
#: Jenis belanja codes of the DIPA.
EXPENSE_TYPES = {"51": "Belanja Pegawai", "52": "Belanja Barang", "53": "Belanja Modal"}
#: Balanced-scorecard perspectives in their reporting order.
PERSPECTIVES = ("Stakeholder", "Internal Process", "Learning and Growth")
#: Polarity and pattern words of the plan workbook -> catalogue vocabulary.
POLARITY = {"naik": "higher_is_better", "turun": "lower_is_better"}
#: The one measurement-pattern vocabulary: plan word (Pola) -> catalogue ``measurement``. Everything else
#: (the inverse below, the report's pattern of an indicator, the templates' drop-down) derives from it.
PATTERNS = {"flat": "monthly_flat", "kumulatif": "cumulative", "tahapan": "stage_progress", "akhir_tahun": "year_end"}
#: Catalogue measurement -> plan word (the inverse of ``PATTERNS``).
PATTERN_OF_MEASUREMENT = {measurement: word for word, measurement in PATTERNS.items()}
#: Sampling methods and enforcement stages allowed in the monthly workbook.
SAMPLING_METHODS = ("Targeted", "Random")
ENFORCEMENT_STAGES = ("SPDP", "Tahap I", "P-21", "Tahap II", "Putusan")
#: The seed whose sasaran set a unit type uses for its standard plan (003 Balai, 001 Loka).
STANDARD_PLAN_SEED = {"balai_besar": "003", "balai": "003", "loka": "001"}


def measurement_of(patterns: pd.Series) -> pd.Series:
    """The catalogue measurement of each pattern, written as a plan word (``kumulatif``) or already as a
    measurement (``cumulative``), in any case; missing for anything else."""
    folded = patterns.astype("string").str.strip().str.casefold()
    return folded.map(lambda w: PATTERNS.get(w, w if w in PATTERN_OF_MEASUREMENT else None)
                      if isinstance(w, str) else None).astype(object)


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def normalise_name(text: str) -> str:
    """Case-, whitespace- and punctuation-insensitive form of a name, for alias matching."""
    text = re.sub(r"[.,]", " ", str(text)).casefold()
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=1)
def units() -> pd.DataFrame:
    """One row per unit (2024 state): code, name, unit_type, unit_group, province, parent_code, ..."""
    df = _read("units.csv")
    return df.assign(unit_group=df["unit_type"].map(UNIT_GROUPS))


@lru_cache(maxsize=1)
def unit_aliases() -> pd.DataFrame:
    """One row per (normalised name, unit): code, name, aliases and former names all resolve."""
    df = units()
    names = pd.concat(
        [
            df[["code", "code"]].set_axis(["code", "alias"], axis=1),
            df[["code", "name"]].rename(columns={"name": "alias"}),
            df[["code", "aliases"]].rename(columns={"aliases": "alias"}),
            df[["code", "former_names"]].rename(columns={"former_names": "alias"}),
        ]
    )
    names = names.assign(alias=names["alias"].str.split("|")).explode("alias")
    names = names[names["alias"].str.strip() != ""]
    names = names.assign(alias_norm=names["alias"].map(normalise_name))
    return names.drop_duplicates(["alias_norm", "code"]).reset_index(drop=True)


def resolve_unit(text: str) -> str | None:
    """The unit code a code, name, alias or former name refers to; None when unknown or ambiguous."""
    hits = unit_aliases().loc[lambda d: d["alias_norm"] == normalise_name(text), "code"].unique()
    return str(hits[0]) if len(hits) == 1 else None


@lru_cache(maxsize=1)
def unit_history() -> pd.DataFrame:
    """Type-2 history of units: one row per unit and validity interval.

    Columns: code, name, unit_type, unit_group, parent_code, province, valid_from, valid_to (None =
    open). The current row of each unit is ``units.csv``; ``unit_changes.csv`` holds earlier states
    a seed documents, and the current row starts the day after the last earlier state ends.
    """
    current = units()[["code", "name", "unit_type", "parent_code", "province"]]
    changes = _read("unit_changes.csv").drop(columns=["basis"])
    changes = changes.merge(current[["code", "province"]], on="code", how="left")
    starts = changes.groupby("code")["valid_to"].max().map(
        lambda d: (date.fromisoformat(d) + pd.Timedelta(days=1)).isoformat()
    )
    current = current.assign(valid_from=current["code"].map(starts).fillna("2000-01-01"), valid_to=None)
    hist = pd.concat([changes, current], ignore_index=True)
    return hist.assign(unit_group=hist["unit_type"].map(UNIT_GROUPS)).sort_values(["code", "valid_from"])


def unit_on(code: str, day: date) -> pd.Series:
    """The state of a unit on a given day (its name, type and parent then)."""
    hist = unit_history().query("code == @code")
    iso = day.isoformat()
    row = hist[(hist["valid_from"] <= iso) & (hist["valid_to"].isna() | (hist["valid_to"] >= iso))]
    if row.empty:
        raise KeyError(f"unit {code} has no state on {iso}")
    return row.iloc[-1]


@lru_cache(maxsize=1)
def indicators() -> pd.DataFrame:
    """One row per catalogue indicator (2023 UPT set): code, name, unit_of_measure, measurement, ..."""
    return _read("indicators_upt_2023.csv")


@lru_cache(maxsize=1)
def sasaran() -> pd.DataFrame:
    """One row per sasaran per seed: seed, sasaran_no, sasaran_code, name_signed_pk, perspective, ..."""
    return _read("sasaran_upt_2023.csv")


@lru_cache(maxsize=1)
def sasaran_indicator_map() -> pd.DataFrame:
    """One row per (seed, sasaran, indicator): the order of indicators inside each sasaran."""
    return _read("sasaran_indicator_map_upt_2023.csv")


@lru_cache(maxsize=1)
def rincian_output() -> pd.DataFrame:
    """One row per rincian output (KRO.RO) of the 2023 catalogue."""
    return _read("rincian_output_2023.csv")


@lru_cache(maxsize=1)
def commodities() -> pd.DataFrame:
    """One row per commodity (level 1) or sub-commodity (level 2)."""
    return _read("commodities.csv")


@lru_cache(maxsize=1)
def facility_types() -> pd.DataFrame:
    """One row per facility type (level 1 group or level 2 subtype) with its reporting group."""
    return _read("facility_types.csv")


@lru_cache(maxsize=1)
def indicator_derivations() -> pd.DataFrame:
    """One row per indicator that is defined from sampling or inspection counts (for reconciliation)."""
    return _read("indicator_derivations.csv")


@lru_cache(maxsize=1)
def criteria_schemes() -> dict:
    """The band schemes of ``criteria_schemes.yaml``, keyed by scheme id."""
    raw = yaml.safe_load((DATA / "criteria_schemes.yaml").read_text(encoding="utf-8"))
    return {s["id"]: s for s in raw["schemes"]}


def standard_plan(unit_type: str) -> pd.DataFrame:
    """The catalogue's sasaran and indicators for a UPT type, one row per indicator, in plan order.

    Columns: sk_order, sk_code, sk_name, perspective, indicator_order, indicator_code, indicator_name,
    unit_of_measure, measurement. Balai Besar and Balai use seed 003's set, Loka seed 001's; central
    units have no catalogue plan (empty frame).
    """
    seed = STANDARD_PLAN_SEED.get(unit_type)
    cols = ["sk_order", "sk_code", "sk_name", "perspective", "indicator_order", "indicator_code",
            "indicator_name", "unit_of_measure", "measurement"]
    if seed is None:
        return pd.DataFrame(columns=cols)
    sas = sasaran().query("seed == @seed").assign(sk_order=lambda d: range(1, len(d) + 1))
    links = sasaran_indicator_map().query("seed == @seed")
    ind = indicators().rename(columns={"code": "indicator_code", "name": "indicator_name"})
    plan = (
        links.merge(sas[["sasaran_no", "sasaran_code", "name_signed_pk", "perspective", "sk_order"]],
                    on=["sasaran_no", "sasaran_code"])
        .merge(ind[["indicator_code", "indicator_name", "unit_of_measure", "measurement"]], on="indicator_code")
        .rename(columns={"sasaran_code": "sk_code", "name_signed_pk": "sk_name"})
        .assign(indicator_order=lambda d: d["order_in_sasaran"].astype(int))
        .sort_values(["sk_order", "indicator_order"])
    )
    return plan[cols].reset_index(drop=True)


#: Unit code of the centre's recipients in ``unit_contacts.csv`` (the national digest).
NATIONAL_CONTACT = "NASIONAL"
#: An e-mail address as master data may hold it: one addr-spec, no space, quote, bracket or control character.
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")


@lru_cache(maxsize=1)
def unit_contacts() -> pd.DataFrame:
    """One row per (unit, recipient) of the collection digests: unit_code (``NASIONAL`` for the centre),
    name, email. Raises ValueError for an address that is not one plain address or a name with a control
    character (both go into e-mail headers: no header injection from master data), or an unknown unit."""
    df = _read("unit_contacts.csv")
    bad = df[~df["email"].map(lambda e: bool(_EMAIL.fullmatch(e)))]
    bad = pd.concat([bad, df[~df["name"].map(str.isprintable)]])
    unknown = df[~df["unit_code"].isin([*units()["code"], NATIONAL_CONTACT])]
    if not bad.empty or not unknown.empty:
        rows = ", ".join(sorted({*bad["email"], *unknown["unit_code"]}))
        raise ValueError(f"unit_contacts.csv: invalid address, name or unit: {rows}")
    return df
