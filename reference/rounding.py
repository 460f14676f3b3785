"""The one rounding rule: what a figure prints as is what it is judged on.

Kriteria bands (``reference.policy.kriteria``), every figure the report prints
(``sinks.report.idformat``), the figures in steward messages (``schemas.messages.fmt_number``) and
the below-target decision (:func:`below_target`: Kendala asked of the steward, "belum mencapai
target" in the report) all round here, so a capaian never prints as 99,99 while it is banded as
100,00, and never asks for Kendala while the report says the target is met.

The rule (``docs/decisions.md``, "One rounding rule"): round half away from zero (Excel's ROUND) the
value reduced to 15 significant digits (the precision Excel computes and shows). The reduction removes
the binary noise of the computation: 9,9995 / 10 × 100 is the float 99.99499999999999, which a
person redoing the sum on paper or in Excel reads as 99,995 and rounds to 100,00; 2,675 is stored as
2.67499999…, typed and shown as 2,675, and rounds to 2,68.

Pure: numpy and pandas only, no I/O; every layer (transforms included) may import it.
"""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

#: Decimals a percentage (capaian, NPS, realisation %) is printed with and judged on.
PCT_DECIMALS = 2
#: The capaian (%) that meets the target.
TARGET_PCT = 100.0
#: Significant digits kept before rounding half up (Excel evaluates 15).
SIGNIFICANT_DIGITS = 15


def _to_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Non-negative finite values rounded to ``digits`` significant digits (0 and NaN pass through).

    Values below 1e-280 (far below any rounding precision) only lose digits that round to 0 anyway;
    values too large to scale (above 1e292) are whole numbers already and pass through."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        magnitude = np.maximum(np.floor(np.log10(np.where(values > 0, values, 1.0))), -280.0)
        factor = 10.0 ** (digits - 1 - magnitude)
        reduced = np.round(values * factor) / factor
        return np.where(np.isfinite(reduced), reduced, values)


def _scaled_units(arr: np.ndarray, decimals: int) -> np.ndarray:
    """``arr`` rounded half up to ``decimals``, as whole multiples of 10^-decimals (float integers).

    Non-finite values (NaN, ±inf) pass through unchanged."""
    scale = 10.0**decimals
    finite = np.isfinite(arr)
    safe = np.where(finite, arr, 0.0)
    with np.errstate(over="ignore"):
        magnitude = _to_significant(np.abs(safe) * scale, SIGNIFICANT_DIGITS)
    units = np.sign(safe) * np.floor(magnitude + 0.5)
    return np.where(finite, units, arr)


def round_half_up(values: pd.Series | np.ndarray | float, decimals: int = PCT_DECIMALS):
    """Round half away from zero, as Excel's ROUND: 2.675 → 2.68, 118.825 → 118.83, -0.125 → -0.13,
    99.99499999999999 (9,9995 / 10 × 100) → 100.0.

    The value is first reduced to 15 significant digits, so a float just below a tie rounds as the
    decimal number it stands for. NaN stays NaN. Series in → Series out (same index and name);
    array in → array out; scalar in → float out.
    """
    if isinstance(values, pd.Series):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        return pd.Series(_scaled_units(arr, decimals) / 10.0**decimals, index=values.index, name=values.name)
    if isinstance(values, np.ndarray):
        return _scaled_units(values.astype(float), decimals) / 10.0**decimals
    arr = np.asarray(np.nan if values is None or values is pd.NA else values, dtype=float)
    return float(_scaled_units(arr, decimals) / 10.0**decimals)


def rounded_decimal(value: float, decimals: int = PCT_DECIMALS) -> Decimal:
    """The exact decimal :func:`round_half_up` gives for one finite value: ``Decimal('100.00')`` for
    99.99499999999999. Printers format this (no second rounding); ValueError for NaN or infinity."""
    units = float(_scaled_units(np.asarray(float(value), dtype=float), decimals))
    if not np.isfinite(units):
        raise ValueError(f"cannot round a non-finite value: {value!r}")
    return Decimal(int(units)).scaleb(-decimals) if decimals else Decimal(int(units))


def below_target(capaian: pd.Series | float, decimals: int = PCT_DECIMALS):
    """Whether a capaian (%) is below target, as printed: ``round_half_up(capaian) < 100``.

    The one definition used by the steward's Kendala rule (``schemas.rules.kendala_expected``) and
    the report (``sinks.report.facts``: meets / shortfall; ``sinks.report.content``: the SKs below
    target): 99,996 prints as 100,00 and is met; 99,994 prints as 99,99 and is not. A missing capaian
    (not measured) is never below target. Series in → boolean Series; scalar in → bool.
    """
    if isinstance(capaian, pd.Series):
        shown = round_half_up(pd.to_numeric(capaian, errors="coerce").astype(float), decimals)
        return (shown < TARGET_PCT).fillna(False).astype(bool)
    try:
        shown = round_half_up(float(capaian), decimals)
    except (TypeError, ValueError):
        return False
    return bool(shown < TARGET_PCT)
