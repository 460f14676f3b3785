"""Checking a scoring-policy file the way a planner needs it: what is wrong, in Indonesian, and what
the policy does.

``check_policy(path) -> (policy | None, problems, summary)``:

- ``problems``: one line per problem, each starting with its severity: ``KESALAHAN`` (the file does
  not load, or it would score wrongly: a value no band covers, two bands covering one value, a cap
  below 100, an unknown scheme), ``PERINGATAN`` (it loads and scores, but probably not as meant:
  the weight trap, an inherited description) or ``CATATAN`` (a fact about the chosen scheme worth
  knowing). Pydantic's errors are translated: the field path, what is allowed there, the file of
  the chain the value was written in.
- ``summary``: what the policy does, in Indonesian (cap, weights, the roll-up, each band with its
  edges, NA labels, the efficiency rule).

``sakip policy check FILE`` prints both (``sakip/policy_commands.py``). Loading a policy
(``reference.policy.load_policy``) is more lenient: it refuses only what pydantic refuses.
"""
from __future__ import annotations

import difflib
import math
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from reference import master
from reference.policy import (EXTENDS, INDEX_FILE, Band, BandScheme, PolicyFileError, ScoringPolicy,
                              read_policy_data, within)
from reference.rounding import rounded_decimal

ERROR, WARNING, NOTE = "KESALAHAN", "PERINGATAN", "CATATAN"
Severity = Literal["KESALAHAN", "PERINGATAN", "CATATAN"]
#: Levels the pipeline labels with ``criteria_scheme`` / ``efficiency.scheme`` (catalogue ``applies_to`` words).
CRITERIA_LEVELS = ("indicator_capaian", "sasaran_nps", "perspective_nps", "nps_total")
EFFICIENCY_LEVELS = ("indicator_efficiency",)
_LEVEL_WORDS = {"indicator_capaian": "capaian indikator", "sasaran_nps": "NPS sasaran",
                "perspective_nps": "nilai perspektif", "nps_total": "NPS TOTAL",
                "indicator_efficiency": "efisiensi per indikator", "sasaran_efficiency": "efisiensi per sasaran"}
_ABSENT = object()
_ORDER = {ERROR: 0, WARNING: 1, NOTE: 2}
_REMOVED = {"aggregation": (
    "bidang 'aggregation' sudah dihapus: cara merata-rata tidak bisa dipilih (NPS sasaran = rata-rata "
    "berbobot indikator terukur, perspektif = rata-rata NPS sasaran terukur, NPS TOTAL = rata-rata perspektif "
    "terukur, seperti di semua dokumen sumber). Hapus bagian 'aggregation' dari berkas ini")}


def problem(severity: Severity, text: str) -> str:
    """One problem line: ``"KESALAHAN: …"``."""
    return f"{severity}: {text}"


def is_error(line: str) -> bool:
    """Whether a problem line is an error (``sakip policy check`` exits 1 on one)."""
    return line.startswith(f"{ERROR}:")


def number(value: float, decimals: int = 2) -> str:
    """A number as a planner reads it: ``80,00`` (rounded by ``reference.rounding``, as values are banded)."""
    if not math.isfinite(value):
        return str(value)
    return f"{rounded_decimal(value, decimals):f}".replace(".", ",")


# ------------------------------------------------------------------------------- pydantic errors
def _field_model(loc: tuple) -> type[BaseModel] | None:
    """The model that holds the last field of ``loc`` (for listing the fields allowed there)."""
    model: type[BaseModel] = ScoringPolicy
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (``Band`` of ``tuple[Band, ...]``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for m in map(_model_in, typing.get_args(annotation)) if m is not None), None)


def _allowed_literals(loc: tuple) -> list[str]:
    model = _field_model(loc)
    field = model.model_fields.get(str(loc[-1])) if model is not None else None
    return [str(v) for v in typing.get_args(field.annotation)] if field is not None else []


def _where(loc: tuple) -> str:
    """``weights.source``, ``criteria_scheme.bands[2].lower`` (list items counted from 1)."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(seluruh berkas)"


def _origin(loc: tuple, chain: tuple[Path, ...], own: list[dict]) -> Path | None:
    """The file of the chain (child first) whose own mapping writes the deepest known part of ``loc``."""
    keys = [str(p) for p in loc if not isinstance(p, int)]
    for depth in range(len(keys), 0, -1):
        for path, data in zip(chain, own):
            node: Any = data
            for key in keys[:depth]:
                node = node.get(key, _ABSENT) if isinstance(node, dict) else _ABSENT
            if node is not _ABSENT:
                return path
    return None


def _error_text(error: dict) -> str:
    """What is wrong at one pydantic error's location and what is allowed, in Indonesian."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    if kind == "extra_forbidden":
        name = str(loc[-1])
        if len(loc) == 1 and name in _REMOVED:
            return _REMOVED[name]
        model = _field_model(loc)
        allowed = sorted(model.model_fields) + ([EXTENDS] if model is ScoringPolicy else []) if model else []
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"; maksudnya '{close[0]}'?" if close else ""
        return f"bidang tidak dikenal{hint} Bidang yang boleh di sini: {', '.join(allowed)}"
    if kind == "literal_error":
        return f"harus salah satu dari: {', '.join(_allowed_literals(loc))}"
    if kind == "unknown_scheme":
        return (f"skema {ctx.get('scheme_id')} tidak ada di katalog reference/data/criteria_schemes.yaml. Yang ada: "
                f"{ctx.get('known')}; atau tulis bands sendiri (docs/policies.md)")
    texts = {
        "missing": "wajib diisi",
        "scheme_missing": "tulis scheme_id (skema dari katalog) atau bands sendiri",
        "greater_than": f"harus lebih besar dari {ctx.get('gt')}",
        "greater_than_equal": f"harus sama dengan atau lebih besar dari {ctx.get('ge')}",
        "less_than": f"harus lebih kecil dari {ctx.get('lt')}",
        "less_than_equal": f"harus sama dengan atau lebih kecil dari {ctx.get('le')}",
        "string_too_short": "tidak boleh kosong",
        "string_type": "harus berupa teks",
        "bool_parsing": "harus true atau false",
        "bool_type": "harus true atau false",
        "int_parsing": "harus berupa bilangan bulat",
        "int_type": "harus berupa bilangan bulat",
        "int_from_float": "harus berupa bilangan bulat",
        "float_parsing": "harus berupa angka (pemisah desimal titik, mis. 120 atau 99.5), atau null",
        "float_type": "harus berupa angka (pemisah desimal titik, mis. 120 atau 99.5), atau null",
        "model_type": "harus berupa kumpulan bidang 'nama: nilai' (baris-baris menjorok di bawahnya)",
        "model_attributes_type": "harus berupa kumpulan bidang 'nama: nilai' (baris-baris menjorok di bawahnya)",
        "dict_type": "harus berupa kumpulan bidang 'nama: nilai' (baris-baris menjorok di bawahnya)",
        "tuple_type": "harus berupa daftar (tiap butir diawali '- ')",
        "list_type": "harus berupa daftar (tiap butir diawali '- ')",
    }
    return texts.get(kind, error["msg"])


def translate_errors(error: ValidationError, chain: tuple[Path, ...], own: list[dict]) -> list[str]:
    """One Indonesian line per pydantic error: field path, what is allowed, the value written and its file."""
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        text = f"{_where(loc)}: {_error_text(item)}"
        value = item.get("input")
        if item["type"] not in ("missing", "extra_forbidden", "unknown_scheme") and not isinstance(value, (dict, list)):
            text += f" (tertulis: {value!r})"
        origin = _origin(loc, chain, own)
        if origin is not None and origin != chain[0]:
            text += f" — ditulis di {origin.name}"
        lines.append(problem(ERROR, text))
    return lines


# ------------------------------------------------------------------------------------ band checks
def _on_grid(value: float, decimals: int) -> bool:
    scaled = value * 10**decimals
    return abs(scaled - round(scaled)) < 1e-6


def _grid_inside(low: float, high: float, decimals: int) -> bool:
    """Whether a value rounded to ``decimals`` can lie strictly between ``low`` and ``high``."""
    scale = 10**decimals
    first = math.floor(low * scale + 1e-6) + 1
    return first < high * scale - 1e-6


def _covering(bands: Iterable[Band], value: float) -> list[str]:
    return [b.label for b in bands if bool(within(b, value))]


def _is_empty(band: Band) -> bool:
    """A band no value can fall in (bounds swapped, or one point not included)."""
    if band.lower is None or band.upper is None:
        return False
    return band.lower > band.upper or (
        band.lower == band.upper and not (band.lower_inclusive and band.upper_inclusive))


def _probes(bands: tuple[Band, ...], decimals: int) -> list[tuple[str, float]]:
    """Where to try the bands: every edge a rounded value can equal, and a value inside every stretch
    between two edges that a rounded value can fall in; each with how to name it, in value order."""
    edges = sorted({e for b in bands for e in (b.lower, b.upper) if e is not None})
    probes = [(f"nilai {number(e, decimals)}", e) for e in edges if _on_grid(e, decimals)]
    for low, high in zip([-math.inf, *edges], [*edges, math.inf]):
        if math.isinf(low) and math.isinf(high):
            probes.append(("semua nilai", 0.0))
        elif math.isinf(low):
            probes.append((f"nilai di bawah {number(high, decimals)}", high - 1))
        elif math.isinf(high):
            probes.append((f"nilai di atas {number(low, decimals)}", low + 1))
        elif _grid_inside(low, high, decimals):
            where = f"nilai di atas {number(low, decimals)} dan di bawah {number(high, decimals)}"
            probes.append((where, (low + high) / 2))
    return sorted(probes, key=lambda probe: probe[1])


def band_problems(scheme: BandScheme, decimals: int, field: str) -> list[str]:
    """Bands that leave a value without kriteria or give a value two, on values rounded to ``decimals``;
    bands no value can fall in; labels used twice. ``field`` names the scheme in the messages."""
    found = [problem(ERROR, f"{field}.bands[{i}] '{b.label}': tidak ada nilai yang masuk (lower {b.lower:g}, "
                            f"upper {b.upper:g}); periksa batas dan inclusive-nya")
             for i, b in enumerate(scheme.bands, start=1) if _is_empty(b)]
    labels = [b.label for b in scheme.bands]
    found += [problem(ERROR, f"{field}: label '{label}' dipakai lebih dari satu pita; tiap pita perlu label sendiri")
              for label in sorted({x for x in labels if labels.count(x) > 1})]
    for where, value in _probes(scheme.bands, decimals):
        here = _covering(scheme.bands, value)
        if not here:
            found.append(problem(ERROR, f"{field}: {where} tidak masuk kriteria mana pun (kriterianya akan kosong); "
                                        f"lebarkan pita yang berbatasan atau ubah lower_inclusive/upper_inclusive"))
        elif len(here) > 1:
            found.append(problem(ERROR, f"{field}: {where} masuk lebih dari satu kriteria ({', '.join(here)}); "
                                        f"yang dipakai hanya yang pertama ({here[0]}). Sempitkan salah satu pita"))
    return found


def _catalogue_problems(scheme: BandScheme, field: str, measure: str, levels: tuple[str, ...]) -> list[str]:
    """The scheme against its catalogue entry: what it measures, where its document applies it, official or not."""
    entry = master.criteria_schemes().get(scheme.scheme_id)
    if entry is None:
        return []
    found = []
    if not str(entry.get("measure", "")).startswith(measure):
        kind = "indeks efisiensi (IE)" if measure == "efficiency_index" else "capaian (%)"
        found.append(problem(ERROR, f"{field}: skema {scheme.scheme_id} mengukur {entry.get('measure')}, bukan "
                                    f"{kind}; pilih skema yang measure-nya {measure} di katalog"))
    missing = [lvl for lvl in levels if lvl not in (entry.get("applies_to") or [])]
    if missing and not found:
        used = ", ".join(_LEVEL_WORDS.get(a, a) for a in entry.get("applies_to") or [])
        found.append(problem(NOTE, f"{field}: dokumen sumber skema {scheme.scheme_id} memakainya untuk {used}; "
                                   f"pipeline juga memakainya untuk {', '.join(_LEVEL_WORDS[m] for m in missing)} "
                                   f"(satu skema untuk semua tingkat)"))
    if entry.get("official") is False:
        found.append(problem(NOTE, f"{field}: skema {scheme.scheme_id} disusun dari pemakaian di dokumen, bukan "
                                   f"tabel resmi ({entry.get('status', 'tidak resmi')})"))
    return found


# -------------------------------------------------------------------------------- policy checks
def _weight_trap(weights: dict) -> list[str]:
    source, iku = weights.get("source", "plan"), weights.get("iku_weight", 1)
    if source != "plan" or not isinstance(iku, (int, float)) or iku == 1:
        return []
    return [problem(WARNING, (
        f"weights.source: plan bersama iku_weight: {iku:g} MENGALIKAN Bobot dari rencana (kolom Bobot sheet "
        f"Indikator) dengan {iku:g} untuk setiap IKU: IKU yang di rencana sudah berbobot 2 dihitung {2 * iku:g}, "
        f"indikator lain tetap dengan Bobot-nya. Untuk aturan 'IKU berbobot {iku:g}, indikator lain 1, dibagi "
        f"jumlah bobot' (Sekretariat Utama 2019) tulis weights.source: equal dengan iku_weight: {iku:g}. "
        f"Biarkan source: plan hanya bila Bobot di rencana memang harus dikalikan lagi"))]


def _cap_problems(cap: Any, policy: ScoringPolicy | None) -> list[str]:
    if not isinstance(cap, (int, float)) or isinstance(cap, bool):
        return []
    found = []
    if cap < 100:
        found.append(problem(ERROR, f"cap_pct: {cap:g} di bawah 100: indikator yang tepat mencapai targetnya "
                                    f"(capaian 100) akan tercatat {cap:g}. Batas yang dipakai dokumen: 120 "
                                    f"(Banyumas 2023), atau null untuk tanpa batas"))
    if policy is not None:
        unreachable = [b.label for b in policy.criteria_scheme.bands
                       if b.lower is not None and (b.lower > cap or (b.lower == cap and not b.lower_inclusive))]
        if unreachable:
            found.append(problem(NOTE, f"dengan cap_pct {cap:g}, kriteria {', '.join(unreachable)} tidak pernah "
                                       f"muncul (kecuali lewat penyesuaian manual, yang tidak dibatasi)"))
    return found


def _na_problems(policy: ScoringPolicy) -> list[str]:
    labels = {b.label.casefold() for b in policy.criteria_scheme.bands}
    pairs = [(f"na_labels.{k}", v) for k, v in policy.na_labels.model_dump().items() if v.casefold() in labels]
    if policy.efficiency.na_label.casefold() in {b.label.casefold() for b in policy.efficiency.scheme.bands}:
        pairs.append(("efficiency.na_label", policy.efficiency.na_label))
    return [problem(WARNING, f"{field}: '{label}' sama dengan label salah satu pita; nilai yang tidak terukur "
                             f"tidak bisa dibedakan dari nilai yang terukur") for field, label in pairs]


def _inheritance_problems(chain: tuple[Path, ...], own: list[dict]) -> list[str]:
    if len(chain) > 1 and "description" not in own[0]:
        return [problem(WARNING, f"description tidak ditulis, jadi diwarisi dari {chain[1].name}; tulis "
                                 f"description sendiri yang menjelaskan perbedaannya")]
    return []


def _same_id_problems(path: Path, policy_id: Any) -> list[str]:
    """Another policy file of the folder with the same ``policy_id`` (scores cite the policy by id)."""
    found = []
    for other in sorted(path.parent.glob("*.yaml")):
        if other.name == INDEX_FILE or other.resolve() == path.resolve():
            continue
        try:
            data = yaml.safe_load(other.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("policy_id") == policy_id:
            found.append(problem(ERROR, f"policy_id {policy_id!r} juga dipakai {other.name}; skor mencatat "
                                        f"kebijakan lewat policy_id, jadi tiap berkas perlu nama sendiri"))
    return found


# ---------------------------------------------------------------------------------------- summary
def band_text(band: Band, decimals: int) -> str:
    """``x > 120,00``, ``100,00 ≤ x ≤ 120,00``, ``x < 80,00``; ``semua nilai`` for an unbounded band."""
    if band.lower is None and band.upper is None:
        return "semua nilai"
    if band.upper is None:
        return f"x {'≥' if band.lower_inclusive else '>'} {number(band.lower, decimals)}"
    if band.lower is None:
        return f"x {'≤' if band.upper_inclusive else '<'} {number(band.upper, decimals)}"
    if band.lower == band.upper:
        return f"x = {number(band.lower, decimals)}"
    return (f"{number(band.lower, decimals)} {'≤' if band.lower_inclusive else '<'} x "
            f"{'≤' if band.upper_inclusive else '<'} {number(band.upper, decimals)}")


def _scheme_lines(scheme: BandScheme, decimals: int) -> list[str]:
    lines = [f"  - {b.label}: {band_text(b, decimals)}" + (f" ({b.colour})" if b.colour else "") for b in scheme.bands]
    if scheme.applied_gaps:
        gaps = ", ".join(number(g, decimals) for g in scheme.applied_gaps)
        lines.append(f"  (nilai {gaps} tidak tercakup tabel dokumen; dimasukkan ke pita usulan katalog, "
                     f"apply_gap_proposals: true)")
    return lines


def _source_text(scheme: BandScheme) -> str:
    entry = master.criteria_schemes().get(scheme.scheme_id)
    if entry is None:
        return "pita ditulis di berkas ini"
    return f"{entry.get('source_document')}, {entry.get('source_location')}"


def summarise(policy: ScoringPolicy, chain: tuple[Path, ...]) -> list[str]:
    """What the policy does, in Indonesian, one item per line (bands as indented items)."""
    inherits = f", mewarisi {' → '.join(p.name for p in chain[1:])}" if len(chain) > 1 else ""
    w, d = policy.weights, policy.display_decimals
    if w.source == "plan":
        weights = "Bobot dari rencana (kolom Bobot; kosong = 1)" + (
            f", dikalikan {w.iku_weight:g} untuk IKU" if w.iku_weight != 1 else ", IKU tidak dibedakan")
    else:
        weights = "sama untuk semua indikator (1)" + (
            f", IKU {w.iku_weight:g}" if w.iku_weight != 1 else "") + "; Bobot di rencana tidak dipakai"
    cap = (f"{policy.cap_pct:g} per indikator, sebelum dirata-rata (capaian asli tetap disimpan; penyesuaian "
           f"manual tidak dibatasi)" if policy.cap_pct is not None
           else "tidak ada: capaian di atas 100 masuk rata-rata apa adanya")
    na = policy.na_labels
    eff = policy.efficiency
    return [
        f"Kebijakan {policy.policy_id} (versi {policy.version}), berkas {chain[0].name}{inherits}",
        *([f"Keterangan: {' '.join(policy.description.split())}"] if policy.description.strip() else []),
        f"Batas capaian (cap_pct): {cap}",
        f"Bobot (weights): {weights}; NPS sasaran = Σ(bobot × capaian) / Σ bobot atas indikator yang terukur",
        "Rata-rata (tetap, bukan isian kebijakan): nilai perspektif = rata-rata NPS sasaran yang terukur; "
        "NPS TOTAL = rata-rata nilai perspektif yang terukur; semua dari nilai tanpa pembulatan",
        f"Kriteria (criteria_scheme {policy.criteria_scheme.scheme_id}: {_source_text(policy.criteria_scheme)}), "
        f"untuk indikator, sasaran, perspektif dan NPS TOTAL, dinilai pada nilai yang dibulatkan ke {d} desimal:",
        *_scheme_lines(policy.criteria_scheme, d),
        f"Label bila tidak terukur (na_labels): indikator '{na.indicator}', sasaran '{na.sasaran}', "
        f"perspektif '{na.perspective}', NPS TOTAL '{na.total}'",
        f"Efisiensi: IE = % capaian output / % capaian input; SE = {eff.se:g}; TE = IE − SE; kategori "
        f"(efficiency.scheme {eff.scheme.scheme_id}) dinilai pada IE yang dibulatkan ke {eff.decimals} desimal:",
        *_scheme_lines(eff.scheme, eff.decimals),
        f"  - '{eff.na_label}' bila output tidak terukur atau belum ada belanja",
    ]


# ------------------------------------------------------------------------------------------ check
def check_policy(path: Path | str) -> tuple[ScoringPolicy | None, list[str], list[str]]:
    """Check one policy file: ``(policy or None, problems, summary)`` (module docstring).

    ``policy`` is None when the file does not load (then ``summary`` is empty); ``problems`` lines
    start with ``KESALAHAN``, ``PERINGATAN`` or ``CATATAN`` (:func:`is_error`).
    """
    path = Path(path)
    try:
        data, chain = read_policy_data(path)
    except PolicyFileError as error:
        return None, [problem(ERROR, str(error))], []
    own = [_own_mapping(p) for p in chain]
    found = _weight_trap(data.get("weights") if isinstance(data.get("weights"), dict) else {})
    found += _inheritance_problems(chain, own) + _same_id_problems(path, data.get("policy_id"))
    try:
        policy = ScoringPolicy.model_validate(data)
    except ValidationError as error:
        found = translate_errors(error, chain, own) + found + _cap_problems(data.get("cap_pct"), None)
        return None, _by_severity(found), []
    found += _cap_problems(policy.cap_pct, policy)
    found += band_problems(policy.criteria_scheme, policy.display_decimals, "criteria_scheme")
    found += band_problems(policy.efficiency.scheme, policy.efficiency.decimals, "efficiency.scheme")
    found += _catalogue_problems(policy.criteria_scheme, "criteria_scheme", "capaian_pct", CRITERIA_LEVELS)
    found += _catalogue_problems(policy.efficiency.scheme, "efficiency.scheme", "efficiency_index", EFFICIENCY_LEVELS)
    found += _na_problems(policy)
    if policy.efficiency.se != 1:
        found.append(problem(WARNING, f"efficiency.se {policy.efficiency.se:g}: SE hanya mengubah TE = IE − SE; "
                                      f"kategori Efisien tetap dari pita efficiency.scheme (batasnya di IE 1)"))
    return policy, _by_severity(found), summarise(policy, chain)


def _by_severity(lines: list[str]) -> list[str]:
    """Errors first, then warnings, then notes (stable within each)."""
    return sorted(lines, key=lambda line: _ORDER[line.split(":", 1)[0]])


def _own_mapping(path: Path) -> dict:
    """A file's own mapping (the chain was read once already, so it parses)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
