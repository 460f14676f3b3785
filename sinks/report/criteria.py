"""What the report needs to know about the scoring policy a score was computed with.

The only place the report depends on ``reference.policy``: :func:`policy_info` loads the policy
named by ``v_score.policy_id`` (falling back to the unit-year's policy from the index) and keeps its
criteria scheme as the policy defines it (``reference.policy.BandScheme``: labels, edges, colour
names, review flags), for the *Metode Pengukuran* section, the table fills and the chart colours.
Nothing about a band is re-modelled here: :class:`BandInfo` reads the policy's band, and
:meth:`PolicyInfo.kriteria_of` asks ``reference.policy.kriteria`` (the rule the warehouse's kriteria
come from). The kriteria labels printed come from the warehouse with the scores. What is the report's
own is presentation: the fill and chart colour of each colour name (:data:`COLOURS`) and the range as
printed (:meth:`BandInfo.range_text`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from reference import master
from reference import policy as ref_policy

#: Printed colour name of a band -> (fill for table cells, stronger colour for chart bars): presentation.
COLOURS: dict[str, tuple[str, str]] = {
    "Abu Gelap": ("BFBFBF", "7F7F7F"),
    "Hijau": ("A9D18E", "4E9A3A"),
    "Kuning": ("FFE699", "F2B705"),
    "Merah": ("F4B183", "D9452B"),
}
#: Chart colour of a value that has no band colour (not measured, or a scheme without colours).
NEUTRAL = ("FFFFFF", "9DB4CE")


@dataclass(frozen=True)
class BandInfo:
    """One criteria band of the policy (``band``, as the policy defines it) and the effectiveness word
    the catalogue prints beside it."""

    band: ref_policy.Band
    effectiveness: str | None = None

    @property
    def label(self) -> str:
        return self.band.label

    @property
    def colour(self) -> str | None:
        return self.band.colour

    def range_text(self) -> str:
        """``"100% ≤ x ≤ 120%"``, ``"x > 120%"``, ``"x < 80%"``: the policy band's edges as printed."""
        b = self.band

        def num(v: float) -> str:
            return f"{v:g}".replace(".", ",") + "%"
        if b.lower is not None and b.upper is None:
            return f"x {'≥' if b.lower_inclusive else '>'} {num(b.lower)}"
        low = f"{num(b.lower)} {'≤' if b.lower_inclusive else '<'} " if b.lower is not None else ""
        high = f" {'≤' if b.upper_inclusive else '<'} {num(b.upper)}" if b.upper is not None else ""
        return f"{low}x{high}"

    @property
    def asks_review(self) -> bool:
        """The policy's band says a value in it asks for the target to be reviewed (``Band.review_target``:
        seed 003's "Tidak Dapat Disimpulkan"), not a band the report guesses from its bounds."""
        return self.band.review_target


@dataclass(frozen=True)
class PolicyInfo:
    """The scoring policy of a report: its criteria scheme as the policy defines it, and the few other
    fields the report prints."""

    policy_id: str
    description: str
    cap_pct: float | None
    weight_source: str
    iku_weight: float
    scheme: ref_policy.BandScheme
    bands: tuple[BandInfo, ...]
    display_decimals: int = 2
    na_sasaran: str = "Diukur Akhir Tahun"
    na_indicator: str = "NA"
    efficiency_se: float = 1.0
    efficiency_decimals: int = 2

    @property
    def scheme_id(self) -> str:
        return self.scheme.scheme_id

    def band(self, label: object) -> BandInfo | None:
        """The band carrying a kriteria label (case-insensitive), None for NA labels."""
        key = str(label).strip().casefold()
        return next((b for b in self.bands if b.label.casefold() == key), None)

    def kriteria_of(self, values: pd.Series) -> pd.Series:
        """The kriteria of each value by the policy's own rule (``reference.policy.kriteria``, on the
        value as printed): what the warehouse stored with the score."""
        return ref_policy.kriteria(values, self.scheme, self.na_indicator, self.display_decimals)

    def fill(self, label: object) -> str | None:
        """Table-cell fill of a kriteria label, None when the band has no colour."""
        band = self.band(label)
        return COLOURS[band.colour][0] if band and band.colour in COLOURS else None

    def chart_colour(self, label: object) -> str:
        """Bar colour of a kriteria label (neutral when uncoloured)."""
        band = self.band(label)
        return COLOURS[band.colour][1] if band and band.colour in COLOURS else NEUTRAL[1]


def _effectiveness(scheme_id: str) -> dict[str, str | None]:
    """Band label -> effectiveness word of a catalogue scheme (empty for schemes outside it)."""
    scheme = master.criteria_schemes().get(scheme_id, {})
    return {b["label"]: b.get("effectiveness") for b in scheme.get("bands", [])}


def _policy_object(unit_code: str, year: int, policy_id: str | None, policy_dir: Path | None):
    """The ``reference.policy.ScoringPolicy`` with ``policy_id`` (else the unit-year's policy)."""
    folder = Path(policy_dir) if policy_dir is not None else ref_policy.POLICY_DIR
    if policy_id:
        for path in sorted(folder.glob("*.yaml")):
            if path.name == ref_policy.INDEX_FILE:
                continue
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if raw.get("policy_id") == policy_id:
                return ref_policy.load_policy(path)
    found = ref_policy.policy_for(unit_code, year, folder)
    if policy_id and found.policy_id != policy_id:
        raise LookupError(f"scores cite policy {policy_id!r}, not found in {folder}")
    return found


def policy_info(unit_code: str, year: int, policy_id: str | None = None,
                policy_dir: Path | None = None) -> PolicyInfo:
    """The policy the scores were computed with (``v_score.policy_id``), for the report."""
    pol = _policy_object(unit_code, year, policy_id, policy_dir)
    words = _effectiveness(pol.criteria_scheme.scheme_id)
    return PolicyInfo(
        policy_id=pol.policy_id, description=" ".join(pol.description.split()), cap_pct=pol.cap_pct,
        weight_source=pol.weights.source, iku_weight=pol.weights.iku_weight, scheme=pol.criteria_scheme,
        bands=tuple(BandInfo(b, words.get(b.label)) for b in pol.criteria_scheme.bands),
        display_decimals=pol.display_decimals, na_sasaran=pol.na_labels.sasaran,
        na_indicator=pol.na_labels.indicator, efficiency_se=pol.efficiency.se,
        efficiency_decimals=pol.efficiency.decimals,
    )
