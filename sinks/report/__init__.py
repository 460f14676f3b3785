"""The quarterly interim report (Laporan Kinerja Interim Triwulan) and the national roll-up, Word and PDF.

Entry points: ``sinks.report.build.build_unit_report``, ``build_national_report``, ``quarter_complete``.
See ``docs/report.md``.
"""
