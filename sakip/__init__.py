"""BPOM SAKIP performance-reporting pipeline: command line and settings.

The pipeline's spine lives beside this package: ``sources/`` (readers), ``schemas/`` (pandera
contracts), ``transforms/`` (pure computations), ``sinks/`` (warehouse, reports, steward feedback)
and ``flows/`` (Prefect wiring).
"""
