"""Scoring policy as data: the cap, weights, aggregation, criteria bands, NA labels and efficiency rule.

A policy is a frozen pydantic model loaded from ``reference/policies/<id>.yaml``; which policy a unit
uses in a year is decided by ``reference/policies/index.yaml`` (a default per year, per-unit
overrides). Pointing ``policy_dir`` at another folder replaces the whole set.

This module is also the one home of two rules the transforms share:

- ``round_half_up``: Excel-like rounding (display only; criteria are evaluated on the rounded value);
- ``kriteria`` / ``kriteria_colour``: the band lookup of a criteria scheme.

``transforms.scoring`` re-exports ``round_half_up``; ``reference`` must not import ``transforms``.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from reference import master

POLICY_DIR = Path(__file__).resolve().parent / "policies"
INDEX_FILE = "index.yaml"
#: Columns of the manual-override frame applied by ``transforms.scoring.indicator_capaian``.
OVERRIDE_COLUMNS = ("unit_code", "year", "month", "indicator_code", "capaian_pct", "reason", "set_by",
                    "set_at", "override_id")
#: Significant digits kept before rounding half up (Excel evaluates 15): removes binary noise such as
#: 2.675 being stored as 2.67499999…
_SIGNIFICANT_DIGITS = 15

_FROZEN = ConfigDict(frozen=True, extra="forbid")


# --------------------------------------------------------------------------------------- rounding
def _to_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Non-negative values rounded to ``digits`` significant digits (0 and NaN pass through)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        magnitude = np.floor(np.log10(np.where(values > 0, values, 1.0)))
    factor = 10.0 ** (digits - 1 - magnitude)
    return np.round(values * factor) / factor


def round_half_up(values: pd.Series | float, decimals: int = 2) -> pd.Series | float:
    """Round half away from zero, as Excel's ROUND: 2.675 → 2.68, 118.825 → 118.83, -0.125 → -0.13.

    Decimal-safe: the value is first reduced to 15 significant digits, so a float stored just below
    a tie (2.675 is 2.67499999999999982…) rounds as the decimal number it prints as. NaN stays NaN.
    Series in → Series out (same index and name); scalar in → float out.
    """
    arr = values.to_numpy(dtype=float, na_value=np.nan) if isinstance(values, pd.Series) else np.asarray(
        np.nan if values is None else values, dtype=float)
    scale = 10.0**decimals
    magnitude = _to_significant(np.abs(arr) * scale, _SIGNIFICANT_DIGITS)
    rounded = np.sign(arr) * np.floor(magnitude + 0.5) / scale
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    return float(rounded)


# ----------------------------------------------------------------------------------------- bands
class Band(BaseModel):
    """One band of a criteria scheme; ``None`` bound = unbounded; inclusive flags as printed."""

    model_config = _FROZEN
    label: str
    lower: float | None = None
    upper: float | None = None
    lower_inclusive: bool = False
    upper_inclusive: bool = False
    colour: str | None = None
    colour_en: str | None = None


def _apply_gap_changes(bands: list[dict], gaps: list[dict]) -> list[dict]:
    """Bands with each gap's ``proposed_change`` applied (new dicts; the catalogue is untouched)."""
    changes = {g["proposed_change"]["band"]: g["proposed_change"]["set"] for g in gaps}
    return [{**band, **changes.get(band["label"], {})} for band in bands]


class BandScheme(BaseModel):
    """A criteria scheme from ``reference/data/criteria_schemes.yaml`` as the policy applies it.

    Give ``scheme_id`` alone and the bands are read from the catalogue; with ``apply_gap_proposals``
    each of the scheme's ``gaps[].proposed_change`` is applied to the effective ``bands`` while the
    catalogue's document bands stay as printed; ``applied_gaps`` lists the gap values so resolved.
    Bands may also be given inline (a scheme outside the catalogue).
    """

    model_config = _FROZEN
    scheme_id: str
    apply_gap_proposals: bool = True
    bands: tuple[Band, ...]
    applied_gaps: tuple[float, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_catalogue(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "bands" in data:
            return data
        schemes = master.criteria_schemes()
        if data.get("scheme_id") not in schemes:
            raise ValueError(f"unknown criteria scheme {data.get('scheme_id')!r}; known: {sorted(schemes)}")
        scheme = schemes[data["scheme_id"]]
        gaps = (scheme.get("gaps") or []) if data.get("apply_gap_proposals", True) else []
        bands = _apply_gap_changes(scheme["bands"], gaps)
        keep = set(Band.model_fields)
        return {**data, "bands": [{k: v for k, v in b.items() if k in keep} for b in bands],
                "applied_gaps": [g["value"] for g in gaps]}


def _band_masks(values: pd.Series, scheme: BandScheme, decimals: int) -> list[pd.Series]:
    """One boolean mask per band, evaluated on the values rounded half up to ``decimals``."""
    shown = round_half_up(values.astype(float), decimals)
    masks = []
    for band in scheme.bands:  # a handful of bands, not rows
        above = True if band.lower is None else (shown >= band.lower if band.lower_inclusive else shown > band.lower)
        below = True if band.upper is None else (shown <= band.upper if band.upper_inclusive else shown < band.upper)
        masks.append(shown.notna() & above & below)
    return masks


def kriteria(values: pd.Series, scheme: BandScheme, na_label: str = "NA", decimals: int = 2) -> pd.Series:
    """The band label of each value (evaluated on round_half_up(value, decimals)); NaN → ``na_label``.

    A value no band covers (a gap left unresolved) gets a missing label. Same index as ``values``.
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
    """Indicator weights in the sasaran NPS.

    ``plan``: the plan's Bobot (blank → 1); ``equal``: 1 for every indicator. Either is multiplied by
    ``iku_weight`` for IKU indicators (BPOM Sekretariat Utama 2019 used 2). NPS divides by Σ weights.
    """

    model_config = _FROZEN
    source: Literal["plan", "equal"] = "plan"
    iku_weight: float = Field(default=1.0, gt=0)


class AggregationPolicy(BaseModel):
    """How scores roll up; documented choices, each with one allowed value today.

    sasaran = Σ(w·c)/Σw over measured indicators; perspective = mean of measured SK NPS;
    total (NPS TOTAL / NKO) = mean of measured perspectives. All from unrounded values.
    """

    model_config = _FROZEN
    sasaran: Literal["weighted_mean"] = "weighted_mean"
    perspective: Literal["mean"] = "mean"
    total: Literal["mean"] = "mean"


class NaLabels(BaseModel):
    """Kriteria shown where a level has no measured value."""

    model_config = _FROZEN
    indicator: str = "NA"
    sasaran: str = "Diukur Akhir Tahun"
    perspective: str = "NA"
    total: str = "NA"


class EfficiencyPolicy(BaseModel):
    """IE = output % / input %, SE, TE = IE − SE; kategori from ``scheme`` on IE rounded to ``decimals``."""

    model_config = _FROZEN
    scheme: BandScheme
    se: float = 1.0
    decimals: int = 2
    na_label: str = "NA"


class ScoringPolicy(BaseModel):
    """A year's (or a unit's) SAKIP scoring policy; frozen so a computed score can cite it by id."""

    model_config = _FROZEN
    policy_id: str
    version: int = 1
    description: str = ""
    cap_pct: float | None = Field(default=None, gt=0, description="per-indicator cap before averaging")
    weights: WeightPolicy = WeightPolicy()
    aggregation: AggregationPolicy = AggregationPolicy()
    criteria_scheme: BandScheme
    na_labels: NaLabels = NaLabels()
    efficiency: EfficiencyPolicy
    display_decimals: int = Field(default=2, ge=0, le=6)


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
def load_policy(path: Path | str) -> ScoringPolicy:
    """Read and validate one policy YAML file."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return ScoringPolicy.model_validate(data)


def _policy_file(index: dict, unit_code: str, year: int) -> str:
    """The policy file name the index assigns to a unit and year (unit override first)."""
    for rule in index.get("unit_overrides") or []:
        if rule["unit_code"] == unit_code and int(rule["year"]) == year:
            return rule["policy"]
    by_year = {int(k): v for k, v in (index.get("years") or {}).items()}
    if year not in by_year:
        raise KeyError(f"no scoring policy for year {year}; the index covers {sorted(by_year)}")
    return by_year[year]


def policy_years(policy_dir: Path | None = None) -> list[int]:
    """The years ``<policy_dir>/index.yaml`` assigns a policy to (unit overrides aside)."""
    folder = Path(policy_dir) if policy_dir is not None else POLICY_DIR
    index = yaml.safe_load((folder / INDEX_FILE).read_text(encoding="utf-8")) or {}
    return sorted(int(k) for k in (index.get("years") or {}))


def policy_for(unit_code: str, year: int, policy_dir: Path | None = None) -> ScoringPolicy:
    """The policy a unit applies in a year, as decided by ``<policy_dir>/index.yaml``."""
    folder = Path(policy_dir) if policy_dir is not None else POLICY_DIR
    index = yaml.safe_load((folder / INDEX_FILE).read_text(encoding="utf-8")) or {}
    return load_policy(folder / _policy_file(index, unit_code, int(year)))
