"""Pandera schemas and the workbook contract (sheet and column names, template versions).

Nothing here knows Excel exists: the reader in ``sources/`` turns a workbook into DataFrames whose
columns carry the canonical names of ``column_map.csv``; schemas validate those frames.
"""
