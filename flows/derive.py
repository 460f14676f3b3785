"""Deriving unit-years: the scores and budget figures of every touched unit-year, once per run.

No Prefect here. After a run's files are stored, ``flows.run`` derives every unit-year whose raw
facts are newer than its derived facts (:func:`pending_unit_years`: what this run touched, and what
an earlier run stored but did not get to derive because it died). :func:`derive_unit_years` reads
their inputs with one
statement per table, runs each transform once per scoring policy over all of them
(``transforms.derive``) and replaces their derived facts in one transaction per batch. ``rescore``
derives given unit-years again under the policy in force now (or another file). The national
reporting completeness is refreshed per year (:func:`refresh_reporting_status`). The national figures
(``sinks.warehouse.national``) of every year with a derived unit-year are derived again at the end.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import Engine

from reference.policy import ScoringPolicy, load_policy, policy_for, policy_years
from sakip.settings import Settings
from schemas.contract import PLAN
from sinks.warehouse import db, derived, load, read
from sinks.warehouse.national import refresh_national
from transforms.completeness import year_status
from transforms.derive import derive_by_policy

UnitYear = tuple[str, int]
LOG = logging.getLogger(__name__)
#: Unit-years derived in one transaction (bounds memory on a many-year backfill; each unit-year is
#: replaced whole either way).
BATCH = 200


class PolicyMissing(ValueError):
    """A run for a year that no scoring policy covers (a configuration gap, not a steward's mistake)."""


def require_scoring_policy(settings: Settings, year: int, policy_file: Path | str | None = None) -> None:
    """Stop a run before any file is touched when the year has no scoring policy: every file would
    otherwise fail the same way. Messages are for the operator, in Indonesian."""
    if policy_file is not None:
        return
    years = policy_years(settings.policy_dir)
    if year not in years:
        covered = f"{years[0]}-{years[-1]}" if years else "tidak satu tahun pun"
        raise PolicyMissing(f"Tidak ada kebijakan penilaian untuk tahun {year}: {settings.policy_dir / 'index.yaml'} "
                            f"mencakup {covered}. Tambahkan kebijakan tahun itu atau gunakan --policy FILE.")


def policy_resolver(settings: Settings, policy_file: Path | str | None = None) -> Callable[[str, int], ScoringPolicy]:
    """(unit_code, year) -> ScoringPolicy: one file for all, or the index's choice per unit-year.

    Files are read once per resolver (a run), and again by the next run: an edited policy takes
    effect through ``rescore``."""
    if policy_file is not None:
        fixed = load_policy(Path(policy_file))
        return lambda unit_code, year: fixed

    @lru_cache(maxsize=None)
    def resolve(unit_code: str, year: int) -> ScoringPolicy:
        return policy_for(unit_code, year, settings.policy_dir)

    return resolve


@dataclass(frozen=True)
class Derived:
    """What deriving did: the unit-years derived, the policy of each, and rows written per table.

    ``waiting``: unit-years not derived because no scoring policy covers their year; their raw facts
    are stored and they stay stale (``unit_year_state``) until the policy is added, when the next run
    derives them (a report refuses them meanwhile)."""

    unit_years: tuple[UnitYear, ...]
    policy_ids: dict[UnitYear, str]
    rows: dict[str, int]
    rows_by_unit_year: dict[UnitYear, int]
    waiting: tuple[UnitYear, ...] = field(default=())


def waiting_message(settings: Settings, waiting: Sequence[UnitYear]) -> str:
    """The operator's message (Indonesian) for unit-years waiting for a scoring policy."""
    years = sorted({year for _, year in waiting})
    pairs = ", ".join(f"{unit} {year}" for unit, year in sorted(waiting)[:10])
    more = f" dan {len(waiting) - 10} lainnya" if len(waiting) > 10 else ""
    return (f"Belum ada kebijakan penilaian untuk tahun {', '.join(map(str, years))} di "
            f"{settings.policy_dir / 'index.yaml'}: data {pairs}{more} sudah disimpan dan diaudit, tetapi "
            "capaian dan nilainya belum dihitung (laporan unit-tahun itu belum dapat dibuat). Tambahkan kebijakan "
            "tahun tersebut (docs/policies.md); jalan berikutnya (pengumpulan, laporan, atau sakip rescore) "
            "menghitungnya otomatis.")


def _policies(settings: Settings, resolve: Callable[[str, int], ScoringPolicy], pairs: Sequence[UnitYear],
              policy_file: Path | str | None) -> tuple[dict[UnitYear, ScoringPolicy], tuple[UnitYear, ...]]:
    """Each pair's policy, and the pairs whose year no policy covers (they wait; see ``Derived``).

    Only a year the index does not list waits: any other failure to load a policy (a broken file) is a
    configuration error that stops the run."""
    found: dict[UnitYear, ScoringPolicy] = {}
    waiting: list[UnitYear] = []
    covered: set[int] | None = None
    for pair in pairs:
        try:
            found[pair] = resolve(*pair)
        except KeyError:  # reference.policy: the index assigns no policy to the unit-year
            covered = set(policy_years(settings.policy_dir)) if covered is None else covered
            if policy_file is not None or pair[1] in covered:
                raise
            waiting.append(pair)
    return found, tuple(waiting)


def derive_unit_years(engine: Engine, settings: Settings, pairs: Iterable[UnitYear],
                      policy_file: Path | str | None = None,
                      progress: Callable[[int], None] | None = None) -> Derived:
    """Derive ``pairs`` from their current raw facts, in batches of ``BATCH`` unit-years.

    Each batch is one write transaction holding every pair's unit-year lock: inputs read, transforms
    run, derived facts replaced, ``derived_seq`` set to the ``raw_seq`` read - so a store of the same
    unit-year waits, and what is written always matches one state of the raw facts. A unit-year
    without a plan gets empty derived facts (there is nothing to score). ``progress(n)`` is called
    with the number of unit-years finished after each batch. A unit-year whose year has no scoring
    policy is not derived: it waits (``Derived.waiting``), and the operator is told in the log."""
    resolve = policy_resolver(settings, policy_file)
    found, waiting = _policies(settings, resolve, sorted({(str(u), int(y)) for u, y in pairs}), policy_file)
    if waiting:
        LOG.warning(waiting_message(settings, waiting))
        if progress is not None:
            progress(len(waiting))
    wanted = sorted(found)
    policy_ids: dict[UnitYear, str] = {}
    rows: dict[str, int] = {}
    per_pair: dict[UnitYear, int] = dict.fromkeys(wanted, 0)
    for batch in derived.chunks(wanted, BATCH):
        policies = {pair: found[pair] for pair in batch}
        locks = [("unit-year", unit, year) for unit, year in batch]
        with db.write_transaction(engine, locks=locks) as conn:
            seqs = derived.raw_seqs(conn, batch)
            inputs = read.batch_inputs(conn, batch)
            facts = derive_by_policy(inputs.frames, policies)
            ids = {pair: policy.policy_id for pair, policy in policies.items()}
            written = derived.replace_derived(conn, batch, facts, seqs, ids)
        policy_ids.update(ids)
        rows = {name: rows.get(name, 0) + count for name, count in written.items()}
        for frame in facts.values():
            for (unit, year), count in frame.groupby(["unit_code", "year"]).size().items():
                per_pair[(str(unit), int(year))] += int(count)
        if progress is not None:
            progress(len(batch))
    for year in sorted({year for _, year in wanted}):  # national figures follow their units, once per run
        rows = {**rows, **{name: rows.get(name, 0) + n for name, n in refresh_national(engine, year).items()}}
    return Derived(tuple(wanted), policy_ids, rows, per_pair, waiting)


def pending_unit_years(engine: Engine, touched: Iterable[UnitYear] = ()) -> set[UnitYear]:
    """Every stale unit-year (raw facts newer than derived ones) plus ``touched``: what a run derives as
    its last step, including what a run that died between storing and deriving left behind."""
    return set(derived.stale_unit_years(engine)) | {(str(u), int(y)) for u, y in touched}


def rescore_targets(engine: Engine, year: int, unit_codes: Sequence[str] | None = None) -> list[str]:
    """Units with a current plan for ``year`` (all of them, or those of ``unit_codes``), sorted.

    A requested unit without a current plan raises ``ValueError`` (Indonesian message for the
    operator): there is nothing to score for it."""
    subs = load.current_submissions(engine, year=year)
    planned = sorted(subs.loc[subs["kind"] == PLAN, "unit_code"].drop_duplicates()) if not subs.empty else []
    if not unit_codes:
        return planned
    missing = sorted(set(unit_codes) - set(planned))
    if missing:
        raise ValueError(f"tidak ada rencana {year} di gudang data untuk unit: {', '.join(missing)}")
    return sorted(set(unit_codes))


def rescore(engine: Engine, settings: Settings, year: int, unit_codes: Sequence[str] | None = None,
            policy_file: Path | str | None = None, progress: Callable[[int], None] | None = None) -> list[dict]:
    """Derive every unit-year of ``year`` that has a current plan (or only ``unit_codes``) again, with
    the policy in force now (``reference/policies``, read again) or ``policy_file``.

    Loads skip identical files, so a changed policy reaches loaded data only through this step.
    Returns one row per unit-year (unit_code, year, policy_id, rows written)."""
    require_scoring_policy(settings, year, policy_file)
    codes = rescore_targets(engine, year, unit_codes)
    done = derive_unit_years(engine, settings, [(code, year) for code in codes], policy_file, progress)
    return [{"unit_code": unit, "year": y, "policy_id": done.policy_ids[(unit, y)],
             "rows": done.rows_by_unit_year[(unit, y)]} for unit, y in done.unit_years]


def refresh_reporting_status(engine: Engine, settings: Settings, year: int) -> int:
    """Recompute the national reporting completeness of a year (every unit, every expected month)."""
    with engine.connect() as conn:
        units, submissions = read.year_reporting_inputs(conn, year)
    status = year_status(units, submissions, settings.deadline_day, settings.timezone)
    return load.replace_reporting_status(engine, year, status)
