"""Master (reference) data: units, indicators, sasaran, rincian output, taxonomies, criteria schemes.

The facts are copied from the shared reference set (see ``data/SOURCE.md`` for provenance and
uncertainties). Scoring policies live in ``policies/``.
"""
