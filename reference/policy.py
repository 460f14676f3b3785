"""Scoring policy as data: the cap, weights, criteria bands, NA labels and efficiency rule.

A policy is a frozen pydantic model loaded from ``reference/policies/<id>.yaml``; which policy a unit
uses in a year is decided by ``reference/policies/index.yaml`` (a default per year, per-unit
overrides). Pointing ``policy_dir`` at another folder replaces the whole set. ``docs/policies.md``
describes every field for the planners who write these files.

A policy file may start from another one (``extends: sakip_2023.yaml``) and change a few fields:
mappings are merged key by key, anything else (a number, a text, a list, null) replaces the parent's
value, and a band scheme (``criteria_scheme``, ``efficiency.scheme``) is replaced whole. An extending
file names its own ``policy_id`` (scores cite the policy by it). :func:`read_policy_data` resolves the
chain; :func:`load_policy` validates the result. The JSON Schema editors use
(``policies/policy.schema.json``) is generated from the model: ``python -m reference.policy --schema``.

This module is also the one home of the band lookup the transforms and the report share:
``kriteria`` / ``kriteria_colour``, evaluated on the value
rounded by ``reference.rounding.round_half_up`` (the one rounding rule, re-exported here and by
``transforms.scoring``), so a value is banded as it prints. ``reference`` must not import ``transforms``.
The roll-up itself (sasaran NPS = Σ(w·c)/Σw, perspective = mean of sasaran, NPS TOTAL = mean of
perspectives) is not a policy choice: every source document uses it (``docs/policies.md``).
"""
from __future__ import annotations

import argparse
import copy
import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from reference import master
from reference.rounding import PCT_DECIMALS, round_half_up

POLICY_DIR = Path(__file__).resolve().parent / "policies"
INDEX_FILE = "index.yaml"
#: The JSON Schema of a policy file, next to the policies (``# yaml-language-server: $schema=...``).
SCHEMA_FILE = "policy.schema.json"
#: The key naming the parent file of a policy file.
EXTENDS = "extends"
#: Mappings an extending file replaces whole when it names them: a band scheme only makes sense whole.
REPLACED_WHOLE = (("criteria_scheme",), ("efficiency", "scheme"))
#: Columns of the manual-override frame applied by ``transforms.scoring.indicator_capaian``.
OVERRIDE_COLUMNS = ("unit_code", "year", "month", "indicator_code", "capaian_pct", "reason", "set_by",
                    "set_at", "override_id")
_FROZEN = ConfigDict(frozen=True, extra="forbid")


# ----------------------------------------------------------------------------------------- bands
class Band(BaseModel):
    """One band of a criteria scheme: its label and the values it covers (a missing bound is unbounded)."""

    model_config = _FROZEN
    label: str = Field(min_length=1, description="The kriteria printed for a value in this band.")
    lower: float | None = Field(default=None, description="Lower bound; null = no lower bound.")
    upper: float | None = Field(default=None, description="Upper bound; null = no upper bound.")
    lower_inclusive: bool = Field(default=False, description="true: the lower bound itself is in the band (≥); "
                                                             "false: strictly above it (>).")
    upper_inclusive: bool = Field(default=False, description="true: the upper bound itself is in the band (≤); "
                                                             "false: strictly below it (<).")
    colour: str | None = Field(default=None, description="Colour name as printed (Abu Gelap, Hijau, Kuning, Merah "
                                                         "colour the report); null = no colour.")
    colour_en: str | None = Field(default=None, description="The colour in English (information only).")
    review_target: bool = Field(default=False, description="true: the source document reads a value in this band "
                                                           "as a target to review (set too low, or a measurement "
                                                           "not representative); the report says so.")


def within(band: Band, shown: Any) -> Any:
    """Whether ``shown`` (a number or a Series of already rounded values) falls in ``band``."""
    above = True if band.lower is None else (shown >= band.lower if band.lower_inclusive else shown > band.lower)
    below = True if band.upper is None else (shown <= band.upper if band.upper_inclusive else shown < band.upper)
    return above & below


def _apply_gap_changes(bands: list[dict], gaps: list[dict]) -> list[dict]:
    """Bands with each gap's ``proposed_change`` applied (new dicts; the catalogue is untouched)."""
    changes = {g["proposed_change"]["band"]: g["proposed_change"]["set"] for g in gaps}
    return [{**band, **changes.get(band["label"], {})} for band in bands]


class BandScheme(BaseModel):
    """A criteria scheme: a scheme of the catalogue (``reference/data/criteria_schemes.yaml``) by its
    ``scheme_id``, or bands written inline.

    Give ``scheme_id`` alone and the bands are read from the catalogue; with ``apply_gap_proposals``
    each of the scheme's ``gaps[].proposed_change`` is applied to the effective ``bands`` while the
    catalogue's document bands stay as printed; ``applied_gaps`` lists the gap values so resolved.
    """

    model_config = _FROZEN
    scheme_id: str = Field(description="A scheme of reference/data/criteria_schemes.yaml (its bands are read "
                                       "from there), or any name when `bands` are written inline.")
    apply_gap_proposals: bool = Field(default=True, description=(
        "true: values the document's bands leave uncovered (exactly 120 in the 2023 and 2019 schemes) go to "
        "the band the catalogue proposes; false: the bands exactly as printed (such a value gets no kriteria)."))
    bands: tuple[Band, ...] = Field(description="Inline bands, in the order they are tried; leave out to use "
                                                "the catalogue's bands of `scheme_id`.")
    applied_gaps: tuple[float, ...] = Field(default=(), description="Computed: the gap values resolved by "
                                                                    "the catalogue's proposals. Do not write.")

    @model_validator(mode="before")
    @classmethod
    def _from_catalogue(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "bands" in data:
            return data
        if data.get("scheme_id") is None:
            raise PydanticCustomError("scheme_missing", "scheme_id is required (a catalogue scheme, or bands inline)")
        schemes = master.criteria_schemes()
        if data["scheme_id"] not in schemes:
            raise PydanticCustomError("unknown_scheme", "unknown criteria scheme {scheme_id}; known: {known}",
                                      {"scheme_id": repr(data["scheme_id"]), "known": ", ".join(sorted(schemes))})
        scheme = schemes[data["scheme_id"]]
        gaps = (scheme.get("gaps") or []) if data.get("apply_gap_proposals", True) else []
        bands = _apply_gap_changes(scheme["bands"], gaps)
        keep = set(Band.model_fields)
        return {**data, "bands": [{k: v for k, v in b.items() if k in keep} for b in bands],
                "applied_gaps": [g["value"] for g in gaps]}


def _band_masks(values: pd.Series, scheme: BandScheme, decimals: int) -> list[pd.Series]:
    """One boolean mask per band, evaluated on the values rounded half up to ``decimals``."""
    shown = round_half_up(values.astype(float), decimals)
    return [shown.notna() & within(band, shown) for band in scheme.bands]  # a handful of bands, not rows


def kriteria(values: pd.Series, scheme: BandScheme, na_label: str = "NA", decimals: int = 2) -> pd.Series:
    """The band label of each value (evaluated on round_half_up(value, decimals)); NaN → ``na_label``.

    A value no band covers (a gap left unresolved) gets a missing label; a value two bands cover gets
    the first one's. Same index as ``values``.
    """
    values = pd.Series(values, dtype=float)
    labels = np.select(_band_masks(values, scheme, decimals), [b.label for b in scheme.bands], default=None)
    out = pd.Series(labels, index=values.index, dtype=object).where(values.notna(), na_label)
    return out.astype("string").rename("kriteria")


def kriteria_colour(values: pd.Series, scheme: BandScheme, decimals: int = 2, english: bool = False) -> pd.Series:
    """The band colour of each value (Indonesian as printed, or English); missing for NaN or no colour."""
    values = pd.Series(values, dtype=float)
    colours = [b.colour_en if english else b.colour for b in scheme.bands]
    out = np.select(_band_masks(values, scheme, decimals), colours, default=None)
    return pd.Series(out, index=values.index, dtype=object).astype("string").rename("kriteria_colour")


# ---------------------------------------------------------------------------------------- policy
class WeightPolicy(BaseModel):
    """Indicator weights in the sasaran NPS = Σ(weight × capaian) / Σ weight over measured indicators.

    ``plan``: the plan's Bobot (blank → 1); ``equal``: 1 for every indicator. Either is multiplied by
    ``iku_weight`` for IKU indicators: ``equal`` with ``iku_weight: 2`` is "an IKU counts twice"
    (BPOM Sekretariat Utama 2019); ``plan`` with ``iku_weight: 2`` doubles the plan's Bobot of an IKU.
    """

    model_config = _FROZEN
    source: Literal["plan", "equal"] = Field(default="plan", description=(
        "plan: each indicator's Bobot from the plan workbook (blank = 1); equal: 1 for every indicator. "
        "Either is then multiplied by iku_weight for IKU indicators."))
    iku_weight: float = Field(default=1.0, gt=0, description=(
        "Multiplier of an IKU indicator's weight (1 = no difference). With source: plan it multiplies the "
        "plan's Bobot; for 'an IKU counts 2, the others 1' write source: equal."))


class NaLabels(BaseModel):
    """Kriteria shown where a level has no measured value."""

    model_config = _FROZEN
    indicator: str = Field(default="NA", min_length=1, description="An indicator without target or realisation.")
    sasaran: str = Field(default="Diukur Akhir Tahun", min_length=1,
                         description="A sasaran none of whose indicators is measured in the period.")
    perspective: str = Field(default="NA", min_length=1, description="A perspective with no measured sasaran.")
    total: str = Field(default="NA", min_length=1, description="NPS TOTAL when no perspective is measured.")


class EfficiencyPolicy(BaseModel):
    """IE = output % / input %, SE, TE = IE − SE; kategori from ``scheme`` on IE rounded to ``decimals``."""

    model_config = _FROZEN
    scheme: BandScheme = Field(description="The kategori bands of the efficiency index IE (a scheme whose "
                                           "measure is efficiency_index, e.g. seed003_efficiency_2023).")
    se: float = Field(default=1.0, gt=0, description="Standar efisiensi; TE = IE − SE. The kategori comes from "
                                                     "the scheme's bands, not from SE.")
    decimals: int = Field(default=2, ge=0, le=6, description="IE is rounded half up to this many decimals "
                                                             "before the kategori is looked up.")
    na_label: str = Field(default="NA", min_length=1, description="Kategori when IE cannot be computed (output "
                                                                  "not measured, or nothing spent).")


class OutlierSource(BaseModel):
    """How the values of one source (indicator realisations, monthly spending, sample or inspection counts)
    are judged against the unit's own history (``transforms.outliers``)."""

    model_config = _FROZEN
    flag_low: bool = Field(description=(
        "true: a value far below its history is flagged too (the band's lower edge, history minimum / "
        "band_factor); false: only values far above (a quiet month is normal for this source). A month's "
        "increment of a cumulative indicator is never flagged below."))
    min_change: float = Field(default=0.0, ge=0, description=(
        "A value is flagged only when it lies at least this far (in the source's own unit: percent points, "
        "rupiah, samples, facilities) beyond the history's nearest edge: small counts are never worth a "
        "warning."))


class OutlierPolicy(BaseModel):
    """Thresholds of the outlier warning: a new value against the same unit's own history (previous months
    of the year, the same month of earlier years). Docs: docs/policies.md, docs/decisions.md."""

    model_config = _FROZEN
    z_cutoff: float = Field(default=3.5, gt=0, description=(
        "With at least min_history values, the modified z-score 0.6745 (x − median) / MAD must exceed this "
        "(in absolute value), besides lying outside the band (Iglewicz and Hoaglin recommend 3.5)."))
    min_history: int = Field(default=4, ge=2, description=(
        "History values needed for the z-score; with fewer (but at least min_band_history) the band "
        "[min / band_factor, max × band_factor] of the history decides alone."))
    min_band_history: int = Field(default=2, ge=1, description=(
        "History values needed to judge a value at all; with fewer no warning is given."))
    band_factor: float = Field(default=5.0, gt=1, description=(
        "A value is flagged only outside [history minimum / band_factor, history maximum × band_factor]: "
        "a warning is about a factor (×10), not a seasonal swing."))
    years_back: int = Field(default=3, ge=0, le=10, description=(
        "How many earlier years' same month join the history (0: the current year's earlier months only)."))
    increment_min_change: float = Field(default=25.0, ge=0, description=(
        "A cumulative indicator's increase in a month is flagged only when it exceeds the history's largest "
        "increase by at least this (in the indicator's unit): one enforcement case moving a stage adds tens "
        "of points in a month; a value to date typed ten times too large adds far more."))
    indicator: OutlierSource = Field(default=OutlierSource(flag_low=True), description=(
        "Kinerja realisations (a cumulative indicator by its month's increment)."))
    budget: OutlierSource = Field(default=OutlierSource(flag_low=False), description=(
        "Anggaran: spending of the month per RO and jenis belanja."))
    sampling: OutlierSource = Field(default=OutlierSource(flag_low=False, min_change=20), description=(
        "Sampling: Jumlah Sampel and Diuji of the month per commodity and method."))
    inspection: OutlierSource = Field(default=OutlierSource(flag_low=False, min_change=20), description=(
        "Pemeriksaan: facilities inspected in the month per facility type."))

    @model_validator(mode="after")
    def _band_before_z(self) -> OutlierPolicy:
        if self.min_band_history > self.min_history:
            raise PydanticCustomError("history_order", "min_band_history ({band}) must not exceed min_history "
                                      "({z})", {"band": self.min_band_history, "z": self.min_history})
        return self


class ScoringPolicy(BaseModel):
    """A year's (or a unit's) SAKIP scoring policy; frozen so a computed score can cite it by id."""

    model_config = _FROZEN
    policy_id: str = Field(min_length=1, description=(
        "The policy's name, stored with every score it computes (v_score.policy_id). One file per id; "
        "by convention the file name without .yaml."))
    version: int = Field(default=1, description="The file's revision number, for readers: raise it when you "
                                                "change the file. Nothing computes with it.")
    description: str = Field(default="", description="What the policy does and where it comes from, in a few "
                                                     "sentences (the report prints it).")
    cap_pct: float | None = Field(default=None, gt=0, description=(
        "Each indicator's capaian is limited to this value before averaging (Banyumas 2023: 120); the raw "
        "value is kept beside it. null = no cap."))
    weights: WeightPolicy = Field(default=WeightPolicy(), description="Indicator weights in the sasaran NPS.")
    criteria_scheme: BandScheme = Field(description=(
        "The kriteria bands of indicators, sasaran, perspectives and NPS TOTAL."))
    na_labels: NaLabels = Field(default=NaLabels(), description="Kriteria shown where nothing is measured.")
    efficiency: EfficiencyPolicy = Field(description="The efficiency rule (IE = output % / input %).")
    display_decimals: int = Field(default=PCT_DECIMALS, ge=PCT_DECIMALS, le=PCT_DECIMALS, description=(
        "Values are rounded half up to this many decimals before their kriteria band is looked up "
        "(computed values stay unrounded). It must equal the precision reports and steward messages print "
        "(2, reference.rounding.PCT_DECIMALS): a value is banded as it is printed, so a policy cannot set "
        "another."))
    outliers: OutlierPolicy = Field(default=OutlierPolicy(), description=(
        "Thresholds of the outlier warning on monthly reports (a value against the unit's own history)."))


class ManualOverride(BaseModel):
    """One audited manual capaian override (a row of the overrides frame)."""

    model_config = _FROZEN
    override_id: int | str
    unit_code: str
    year: int
    month: int = Field(ge=1, le=12)
    indicator_code: str
    capaian_pct: float
    reason: str = Field(min_length=1)
    set_by: str = Field(min_length=1)
    set_at: datetime


def overrides_frame(overrides: list[ManualOverride] | tuple[ManualOverride, ...] = ()) -> pd.DataFrame:
    """The overrides frame (columns ``OVERRIDE_COLUMNS``) from validated override records."""
    rows = [o.model_dump() for o in overrides]
    return pd.DataFrame(rows, columns=list(OVERRIDE_COLUMNS))


# --------------------------------------------------------------------------------------- loaders
class PolicyFileError(ValueError):
    """A policy file that cannot be read as one: missing, not YAML, not a mapping, a broken ``extends``
    chain, or an extending file without its own ``policy_id``. The message is for the planner (Indonesian)."""


def _read_mapping(path: Path) -> dict:
    """One YAML file's own mapping (an empty file is an empty mapping): a fresh copy of the parse cached
    per file version (path, modification time, size), so an edited file is read again and the many
    policy look-ups of a run (every chunk, every unit-year) parse each file once."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size) if stat else None
    return copy.deepcopy(_parsed(path, key)) if key else _parse(path)


@lru_cache(maxsize=64)
def _parsed(path: Path, key: tuple) -> dict:
    return _parse(path)


def _parse(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark is not None else ""
        raise PolicyFileError(f"{path.name}: bukan YAML yang sah{where} ({getattr(error, 'problem', error)})") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyFileError(f"{path.name}: isi berkas harus berupa daftar bidang 'nama: nilai' "
                              f"(policy_id: ..., cap_pct: ...), bukan {type(data).__name__}")
    return data


def merge_policy_data(parent: dict, child: dict, _at: tuple[str, ...] = ()) -> dict:
    """``child`` over ``parent`` (new dicts): mappings merged key by key, anything else (numbers, texts,
    lists, null) replaces the parent's value; a band scheme (``REPLACED_WHOLE``) is replaced whole."""
    out = dict(parent)
    for key, value in child.items():
        here = (*_at, str(key))
        if isinstance(value, dict) and isinstance(out.get(key), dict) and here not in REPLACED_WHOLE:
            out[key] = merge_policy_data(out[key], value, here)
        else:
            out[key] = value
    return out


def _policy_files(path: Path) -> list[tuple[Path, dict]]:
    """The file and its ancestors (the file first), each with its own mapping; checks the chain."""
    if not path.is_file():
        raise PolicyFileError(f"berkas kebijakan {path} tidak ditemukan")
    chain: list[tuple[Path, dict]] = []
    seen: set[Path] = set()
    current = path
    while True:
        seen.add(current.resolve())
        data = _read_mapping(current)
        chain.append((current, data))
        parent = data.get(EXTENDS)
        if parent is None:
            return chain
        if not isinstance(parent, str) or not parent.strip():
            raise PolicyFileError(f"{current.name}: extends harus berupa nama berkas kebijakan, "
                                  f"mis. 'extends: sakip_2023.yaml' (tertulis: {parent!r})")
        target = current.parent / parent.strip()
        if target.resolve() in seen:
            names = " → ".join([p.name for p, _ in chain] + [target.name])
            raise PolicyFileError(f"rantai extends berputar: {names}; hapus salah satu extends")
        if not target.is_file():
            raise PolicyFileError(f"{current.name}: berkas induk 'extends: {parent}' tidak ditemukan "
                                  f"(dicari di {target}); nama berkas dibaca dari folder {current.parent}")
        current = target


def read_policy_data(path: Path | str) -> tuple[dict, tuple[Path, ...]]:
    """The mapping a policy file stands for (its ``extends`` chain merged, ``extends`` removed) and the
    chain of files, the file first. Raises :class:`PolicyFileError` for a file or chain that cannot be read.

    An extending file must name its own ``policy_id``, different from its parent's: scores cite the
    policy by id, so two files with one id could not be told apart.
    """
    chain = _policy_files(Path(path))
    for (child, data), (parent, parent_data) in zip(chain, chain[1:]):
        if "policy_id" not in data:
            raise PolicyFileError(f"{child.name}: berkas dengan extends harus menulis policy_id sendiri "
                                  f"(skor mencatat kebijakan lewat policy_id; induknya {parent.name} "
                                  f"bernama {parent_data.get('policy_id')!r})")
        if data["policy_id"] == parent_data.get("policy_id"):
            raise PolicyFileError(f"{child.name}: policy_id {data['policy_id']!r} sama dengan induknya "
                                  f"{parent.name}; beri nama sendiri (mis. nama berkas tanpa .yaml)")
    merged: dict = {}
    for _, data in reversed(chain):
        merged = merge_policy_data(merged, {k: v for k, v in data.items() if k != EXTENDS})
    return merged, tuple(p for p, _ in chain)


def load_policy(path: Path | str) -> ScoringPolicy:
    """Read one policy YAML file (its ``extends`` chain resolved) and validate it."""
    data, _ = read_policy_data(path)
    return ScoringPolicy.model_validate(data)


def _read_index(folder: Path) -> dict:
    """``<folder>/index.yaml`` as a mapping."""
    path = folder / INDEX_FILE
    if not path.is_file():
        raise PolicyFileError(f"indeks kebijakan {path} tidak ditemukan")
    return _read_mapping(path)


@dataclass(frozen=True)
class PolicySource:
    """Where the policy of a unit-year comes from: the index rule that picks it, the file and its chain."""

    unit_code: str
    year: int
    index: Path
    rule: Literal["years", "unit_overrides"]
    file: Path
    chain: tuple[Path, ...]


def _policy_file(index: dict, unit_code: str, year: int,
                 index_path: Path | None = None) -> tuple[str, Literal["years", "unit_overrides"]]:
    """The policy file name the index assigns to a unit and year (unit override first), and the rule."""
    for rule in index.get("unit_overrides") or []:
        if rule["unit_code"] == unit_code and int(rule["year"]) == year:
            return rule["policy"], "unit_overrides"
    by_year = {int(k): v for k, v in (index.get("years") or {}).items()}
    if year not in by_year:
        where = index_path or INDEX_FILE
        raise KeyError(f"tidak ada kebijakan penilaian untuk tahun {year}: {where} mencakup tahun "
                       f"{', '.join(map(str, sorted(by_year))) or '(tidak ada)'}; tambahkan '{year}: <berkas>.yaml' "
                       f"di bagian years (docs/policies.md)")
    return by_year[year], "years"


def policy_years(policy_dir: Path | None = None) -> list[int]:
    """The years ``<policy_dir>/index.yaml`` assigns a policy to (unit overrides aside)."""
    folder = Path(policy_dir) if policy_dir is not None else POLICY_DIR
    index = _read_index(folder)
    return sorted(int(k) for k in (index.get("years") or {}))


def policy_source(unit_code: str, year: int, policy_dir: Path | None = None) -> PolicySource:
    """Which file ``<policy_dir>/index.yaml`` assigns to a unit and year, by which rule, and its chain."""
    folder = Path(policy_dir) if policy_dir is not None else POLICY_DIR
    index = _read_index(folder)
    name, rule = _policy_file(index, unit_code, int(year), folder / INDEX_FILE)
    _, chain = read_policy_data(folder / name)
    return PolicySource(unit_code, int(year), folder / INDEX_FILE, rule, folder / name, chain)


def policy_for(unit_code: str, year: int, policy_dir: Path | None = None) -> ScoringPolicy:
    """The policy a unit applies in a year, as decided by ``<policy_dir>/index.yaml``."""
    folder = Path(policy_dir) if policy_dir is not None else POLICY_DIR
    name, _ = _policy_file(_read_index(folder), unit_code, int(year), folder / INDEX_FILE)
    return load_policy(folder / name)


# ----------------------------------------------------------------------------------- JSON Schema
def policy_json_schema() -> dict:
    """The JSON Schema of a policy *file*: ``ScoringPolicy.model_json_schema()`` plus what a file may
    do that the model does not: ``extends`` (then every field but ``policy_id`` may be inherited), and
    catalogue schemes named by ``scheme_id`` alone (their bands come from the catalogue)."""
    schema = ScoringPolicy.model_json_schema()
    defs = schema["$defs"]
    defs["BandScheme"]["required"] = ["scheme_id"]
    defs["BandScheme"]["properties"]["scheme_id"]["examples"] = sorted(master.criteria_schemes())
    defs["BandScheme"]["properties"]["applied_gaps"]["readOnly"] = True
    defs["EfficiencyPolicy"]["required"] = []
    extends = {"type": "string", "description": (
        "A policy file (in this folder) this one starts from: every field not written here is taken from "
        "it. Mappings are merged key by key; numbers, texts, lists and null replace the parent's value; "
        "criteria_scheme and efficiency.scheme are replaced whole. policy_id must be written here.")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "SAKIP scoring policy (reference/policies/*.yaml)",
        "description": "A year's (or a unit's) SAKIP scoring policy. Fields and examples: docs/policies.md.",
        **{k: v for k, v in schema.items() if k not in ("title", "description", "properties", "required")},
        "properties": {EXTENDS: extends, **schema["properties"]},
        "required": ["policy_id"],
        "if": {"not": {"required": [EXTENDS]}},
        "then": {"required": [f for f in schema["required"] if f != "policy_id"],
                 "properties": {"efficiency": {"required": ["scheme"]}}},
    }


def policy_schema_text() -> str:
    """:func:`policy_json_schema` as the committed file's text (stable, UTF-8, final newline)."""
    return json.dumps(policy_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_policy_schema(folder: Path | None = None) -> Path:
    """Write ``<folder>/policy.schema.json`` (default: the shipped policies) and return its path."""
    target = (Path(folder) if folder is not None else POLICY_DIR) / SCHEMA_FILE
    target.write_text(policy_schema_text(), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> None:
    """``python -m reference.policy --schema [--dir FOLDER]``: write the policy file JSON Schema."""
    parser = argparse.ArgumentParser(prog="python -m reference.policy", description=main.__doc__)
    parser.add_argument("--schema", action="store_true", help=f"write {SCHEMA_FILE} from the model")
    parser.add_argument("--dir", type=Path, default=POLICY_DIR, help="folder to write it to")
    args = parser.parse_args(argv)
    if not args.schema:
        parser.error("nothing to do: give --schema")
    if not args.dir.is_dir():
        parser.error(f"folder {args.dir} does not exist")
    print(write_policy_schema(args.dir))


if __name__ == "__main__":
    main()
