"""Operational facts (sampling, inspection) and their reconciliation with count-defined indicators.

Inputs are the canonical monthly frames (this month's counts only):
- sampling: unit_code, year, month, commodity, method, sampled, tested, ms, tms
- inspection: unit_code, year, month, facility_type, inspected, mk, tmk
and the master frames ``reference/data/indicator_derivations.csv``, ``commodities.csv`` and
``facility_types.csv`` as read by ``reference.master`` (all columns strings).

Derivation semantics (indicator_derivations.csv): a *sampling* rule counts the rows whose commodity is in
its pipe-separated ``commodities`` list and whose method equals ``method`` (blank = any method); an
*inspection* rule counts the rows whose facility type has the rule's ``reporting_group`` in
facility_types.csv. ``numerator`` / ``denominator`` name the count columns summed;
derived_pct = numerator / denominator × 100. Commodity and facility names or aliases resolve to codes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from transforms.common import PERIOD_KEYS, cumulate, month_and_to_date, ratio_pct, to_date_rows

SAMPLING_COUNTS = ("sampled", "tested", "ms", "tms")
INSPECTION_COUNTS = ("inspected", "mk", "tmk")
#: |reported − derived| at or below this (percentage points) agrees; the workbook's ±0,01.
AGREEMENT_TOLERANCE = 0.01
DERIVED_COLUMNS = ["indicator_code", "numerator", "denominator", "derived_pct"]
#: Commodity / method / facility type code of the unit's total rows of the year-to-date tables.
TOTAL_CODE = "TOTAL"


def _alias_map(master_frame: pd.DataFrame) -> pd.Series:
    """casefolded code / name / alias → code, from a master frame with code, name, aliases."""
    codes = master_frame["code"]
    aliases = master_frame["aliases"].str.split("|").explode()
    names = pd.concat([codes, master_frame["name"], aliases])
    alias = names.astype("string").str.strip().str.casefold()
    keep = (alias.fillna("") != "") & ~alias.duplicated()
    return pd.Series(codes.loc[names.index].to_numpy(), index=pd.Index(alias, name="alias"),
                     name="code")[keep.to_numpy()]


def _resolve(values: pd.Series, aliases: pd.Series) -> pd.Series:
    """Codes for codes, names or aliases (``aliases``: :func:`_alias_map`); an unknown value is kept as
    given (stripped). Each distinct value is resolved once."""
    positions, distinct = pd.factorize(values)
    text = pd.Series(distinct).astype("string").str.strip()
    codes = text.str.casefold().map(aliases).fillna(text)
    return pd.Series(codes.array.take(positions, allow_fill=True), index=values.index)


def _keys_of(frame: pd.DataFrame) -> list[str]:
    return [k for k in PERIOD_KEYS if k in frame.columns]


def _rule_roles(rules: pd.DataFrame, match: str, count_columns: Sequence[str]) -> pd.DataFrame:
    """One row per rule × match value × role (numerator/denominator) whose count column is one of
    ``count_columns``: indicator_code, ``match``, role, count, method_key (the rule's method case-folded;
    None for a blank one: any method) and position (the count column's, in ``count_columns``)."""
    method = rules["method"].replace("", np.nan).astype("string").str.casefold()
    method_key = method.to_numpy(dtype=object, na_value=None)
    roles = pd.concat([pd.DataFrame({"indicator_code": rules["indicator_code"], match: rules[match],
                                     "method_key": method_key, "role": role, "count": rules[role]})
                       for role in ("numerator", "denominator")], ignore_index=True)
    roles = roles[roles["count"].isin(list(count_columns))]
    position = roles["count"].map({c: i for i, c in enumerate(count_columns)})
    return roles.assign(position=position.to_numpy(dtype=np.int64))


@dataclass(frozen=True)
class DerivationRules:
    """The master data of the derivations, prepared once for matching counts (:func:`derivation_rules`):
    each source's rule roles (:func:`_rule_roles`), the commodity and facility-type alias maps
    (:func:`_alias_map`) and each facility type's reporting group."""

    sampling_roles: pd.DataFrame
    inspection_roles: pd.DataFrame
    commodity_aliases: pd.Series
    facility_aliases: pd.Series
    reporting_group: pd.Series


def derivation_rules(derivations: pd.DataFrame, commodities: pd.DataFrame,
                     facility_types: pd.DataFrame) -> DerivationRules:
    """``indicator_derivations.csv``, ``commodities.csv`` and ``facility_types.csv`` prepared for
    :func:`derived_values` (a caller deriving many times prepares them once)."""
    sampling = derivations[derivations["source"] == "sampling"]
    sampling = sampling.assign(commodity=sampling["commodities"].str.split("|")).explode("commodity")
    inspection = derivations[derivations["source"] == "inspection"]
    return DerivationRules(
        sampling_roles=_rule_roles(sampling, "commodity", SAMPLING_COUNTS),
        inspection_roles=_rule_roles(inspection, "reporting_group", INSPECTION_COUNTS),
        commodity_aliases=_alias_map(commodities),
        facility_aliases=_alias_map(facility_types),
        reporting_group=facility_types.set_index("code")["reporting_group"].replace("", np.nan),
    )


def _hits(counts: pd.DataFrame, count_columns: Sequence[str], roles: pd.DataFrame, match: str,
          keys: list[str]) -> pd.DataFrame:
    """The counts each rule names: one row per count row × rule × role it feeds (keys, indicator_code,
    role, n: the count row's value of the role's count column). ``roles``: :func:`_rule_roles` of the
    same ``count_columns``."""
    by_method = "method" in counts.columns
    rows = counts[[*keys, match, *(["method"] if by_method else [])]].assign(_row=np.arange(len(counts)))
    hits = rows.merge(roles, on=match)
    if by_method:  # a rule with a method counts the rows of that method only
        same = hits["method"].astype("string").str.casefold() == hits["method_key"].astype("string")
        hits = hits[hits["method_key"].isna() | same.fillna(False).astype(bool)]
    # every count column one after the other; a hit's value sits at its column's offset plus its row
    stacked = pd.concat([counts[c] for c in count_columns], ignore_index=True)
    n = stacked.take(hits["position"].to_numpy() * len(counts) + hits["_row"].to_numpy(dtype=np.int64)).array
    return hits[[*keys, "indicator_code", "role"]].assign(n=n)


def _values(hits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Numerator and denominator per keys × indicator from :func:`_hits`' rows: one row per keys ×
    indicator with a hit (the role no count fed is NaN)."""
    sums = hits.groupby([*keys, "indicator_code", "role"])["n"].sum().unstack("role")
    return sums.reindex(columns=["numerator", "denominator"]).reset_index().rename_axis(columns=None)


def _sampling_hits(sampling: pd.DataFrame, rules: DerivationRules, keys: list[str]) -> pd.DataFrame:
    """:func:`_hits` of the sampling-defined indicators (commodity list × method)."""
    counts = sampling.assign(commodity=_resolve(sampling["commodity"], rules.commodity_aliases))
    return _hits(counts, SAMPLING_COUNTS, rules.sampling_roles, "commodity", keys)


def _inspection_hits(inspection: pd.DataFrame, rules: DerivationRules, keys: list[str]) -> pd.DataFrame:
    """:func:`_hits` of the inspection-defined indicators (facility reporting group)."""
    group = _resolve(inspection["facility_type"], rules.facility_aliases).map(rules.reporting_group)
    counts = inspection.assign(reporting_group=group)
    return _hits(counts, INSPECTION_COUNTS, rules.inspection_roles, "reporting_group", keys)


def _with_pct(parts: Sequence[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """The sampling and inspection values together, with derived_pct: keys, ``DERIVED_COLUMNS``."""
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(derived_pct=ratio_pct(out["numerator"], out["denominator"]))
    return out[[*keys, *DERIVED_COLUMNS]].reset_index(drop=True)


def derived_indicator_values(sampling_cum: pd.DataFrame, inspection_cum: pd.DataFrame,
                             derivations: pd.DataFrame, commodities: pd.DataFrame,
                             facility_types: pd.DataFrame) -> pd.DataFrame:
    """The value of each count-defined indicator from cumulative sampling and inspection counts.

    One row per [unit × year × month ×] indicator with at least one matching count row: the period
    keys present in the inputs, then indicator_code, numerator, denominator, derived_pct (NaN when the
    denominator is 0). Without period keys the result is one row per indicator.
    """
    return derived_values(sampling_cum, inspection_cum, derivation_rules(derivations, commodities, facility_types))


def derived_values(sampling_cum: pd.DataFrame, inspection_cum: pd.DataFrame, rules: DerivationRules) -> pd.DataFrame:
    """:func:`derived_indicator_values` with the master data already prepared (:func:`derivation_rules`)."""
    keys = _keys_of(sampling_cum) or _keys_of(inspection_cum)
    return _with_pct([_values(_sampling_hits(sampling_cum, rules, keys), keys),
                      _values(_inspection_hits(inspection_cum, rules, keys), keys)], keys)


def _totals(frame: pd.DataFrame, counts: Sequence[str], levels: Sequence[Sequence[str]], ok: str,
            base: str) -> list[pd.DataFrame]:
    """Month and year-to-date sums of ``counts`` per unit × year × month × by, and compliance %, for each
    ``by`` of ``levels``: the year-to-date rows are built once, for the keys of every level together."""
    finest = list(dict.fromkeys(column for by in levels for column in by))
    rows = to_date_rows(frame, ["unit_code", "year", *finest], counts)
    out = []
    for by in levels:
        sums = month_and_to_date(rows, ["unit_code", "year", *by], counts)
        out.append(sums.assign(**{f"{ok}_pct": ratio_pct(sums[ok], sums[base]),
                                  f"{ok}_cum_pct": ratio_pct(sums[f"{ok}_cum"], sums[f"{base}_cum"])}))
    return out


def sampling_totals(sampling: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Sampling per unit × year × month (× ``by``, e.g. commodity, method).

    Columns: keys, sampled, tested, ms, tms (this month), *_cum (year to date), ms_pct = ms / tested
    × 100 this month, ms_cum_pct year to date (NaN when nothing was tested).
    """
    return sampling_totals_per(sampling, [by])[0]


def sampling_totals_per(sampling: pd.DataFrame, levels: Sequence[Sequence[str]]) -> list[pd.DataFrame]:
    """:func:`sampling_totals` for each ``by`` of ``levels``, in order (one pass over the counts)."""
    return _totals(sampling, SAMPLING_COUNTS, levels, "ms", "tested")


def inspection_totals(inspection: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Facility inspections per unit × year × month (× ``by``, e.g. facility_type).

    Columns: keys, inspected, mk, tmk (this month), *_cum (year to date), mk_pct = mk / inspected
    × 100 this month, mk_cum_pct year to date.
    """
    return inspection_totals_per(inspection, [by])[0]


def inspection_totals_per(inspection: pd.DataFrame, levels: Sequence[Sequence[str]]) -> list[pd.DataFrame]:
    """:func:`inspection_totals` for each ``by`` of ``levels``, in order (one pass over the counts)."""
    return _totals(inspection, INSPECTION_COUNTS, levels, "mk", "inspected")


def sampling_failures_per(sampling: pd.DataFrame, levels: Sequence[Sequence[str]]) -> list[pd.DataFrame]:
    """As :func:`sampling_totals_per`, with the failures instead: tms_pct = tms / tested × 100 this month,
    tms_cum_pct year to date (the national book's TMS %, Tabel 1-2)."""
    return _totals(sampling, SAMPLING_COUNTS, levels, "tms", "tested")


def inspection_failures_per(inspection: pd.DataFrame, levels: Sequence[Sequence[str]]) -> list[pd.DataFrame]:
    """As :func:`inspection_totals_per`, with the failures instead: tmk_pct = tmk / inspected × 100 this
    month, tmk_cum_pct year to date."""
    return _totals(inspection, INSPECTION_COUNTS, levels, "tmk", "inspected")


def sampling_ytd(sampling: pd.DataFrame) -> pd.DataFrame:
    """A unit's sampling table (``fact_sampling_ytd``): :func:`sampling_totals` per commodity × method,
    then the unit's total rows (commodity = method = :data:`TOTAL_CODE`)."""
    detail, total = sampling_totals_per(sampling, [["commodity", "method"], []])
    return pd.concat([detail, total.assign(commodity=TOTAL_CODE, method=TOTAL_CODE)], ignore_index=True)


def inspection_ytd(inspection: pd.DataFrame) -> pd.DataFrame:
    """A unit's inspection table (``fact_inspection_ytd``): :func:`inspection_totals` per facility type,
    then the unit's total rows (facility_type = :data:`TOTAL_CODE`)."""
    detail, total = inspection_totals_per(inspection, [["facility_type"], []])
    return pd.concat([detail, total.assign(facility_type=TOTAL_CODE)], ignore_index=True)


def reconcile_indicators(realisations: pd.DataFrame, sampling: pd.DataFrame, inspection: pd.DataFrame,
                         derivations: pd.DataFrame, commodities: pd.DataFrame, facility_types: pd.DataFrame,
                         tolerance: float = AGREEMENT_TOLERANCE) -> pd.DataFrame:
    """Reported realisation of each count-defined indicator against its value from the counts.

    Counts are cumulated to each month the unit reported realisations. One row per unit × year ×
    month × derived indicator present on either side: unit_code, year, month, indicator_code,
    realisasi (reported), numerator, denominator, derived_pct (from the counts), difference
    (realisasi − derived_pct), agrees (|difference| ≤ tolerance; <NA> when either side is missing).
    """
    at = realisations[list(PERIOD_KEYS)].drop_duplicates()
    keys, series = list(PERIOD_KEYS), ["unit_code", "year", "indicator_code", "role"]
    # Each month's counts are matched to the rules first, then cumulated per indicator and role: the same
    # sums as matching the cumulated counts (sums are linear), from far fewer rows. Both sources are
    # cumulated at once when their counts share a dtype, and told apart again by ``_source``.
    rules = derivation_rules(derivations, commodities, facility_types)
    monthly = [_sampling_hits(sampling, rules, keys), _inspection_hits(inspection, rules, keys)]
    if monthly[0]["n"].dtype == monthly[1]["n"].dtype:
        both = pd.concat([hits.assign(_source=i) for i, hits in enumerate(monthly)], ignore_index=True)
        cumulated = cumulate(both, ["_source", *series], ["n"], at=at)
        parts = [cumulated[cumulated["_source"] == i] for i in range(len(monthly))]
    else:
        parts = [cumulate(hits, series, ["n"], at=at) for hits in monthly]
    derived = _with_pct([_values(part, keys) for part in parts], keys)
    reported = realisations.loc[realisations["indicator_code"].isin(derivations["indicator_code"]),
                                [*PERIOD_KEYS, "indicator_code", "realisasi"]]
    out = reported.merge(derived, on=[*PERIOD_KEYS, "indicator_code"], how="outer")
    difference = out["realisasi"].astype(float) - out["derived_pct"]
    agrees = (difference.abs() <= tolerance + 1e-9).astype("boolean").mask(difference.isna())
    return out.assign(difference=difference, agrees=agrees).reset_index(drop=True)
