"""Deterministic demo year: realistic plans and monthly reports for every unit, with planted mistakes.

``generate_year(year, out, ...)`` writes an inbox and its manifest; ``unit_year(unit, year, seed)``
returns one unit's clean workbooks as frames (no I/O).
"""
from demo.generator import generate_year, write_unit
from demo.manifest import FileRecord, Manifest, PlantedMistake
from demo.unit_year import Content, UnitYear, unit_year

__all__ = ["Content", "FileRecord", "Manifest", "PlantedMistake", "UnitYear", "generate_year", "unit_year",
           "write_unit"]
