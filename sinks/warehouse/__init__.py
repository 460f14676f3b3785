"""The reporting warehouse: a star schema on SQLite or PostgreSQL (SQLAlchemy Core + Alembic).

Modules:

- ``schema``: the tables (one ``MetaData``, naming convention; each table's comment is its grain).
- ``db``: ``make_engine(url)``, ``upgrade(engine)`` (Alembic, in process), ``seed_dimensions(engine)``,
  ``write_transaction(engine, lock)``.
- ``load``: ``load_plan`` / ``load_monthly`` (one transaction per file, idempotent, versioned, then the
  unit-year recompute), ``record_submission`` (rejected files), ``write_derived``, ``add_override``,
  ``withdraw_override``, ``recompute_unit_year``, ``current_submissions``, ``submission_by_hash``.
- ``read``: ``unit_year_inputs(conn, unit_code, year) -> UnitYearInputs`` (what the transforms take).
- ``views``: the ``v_*`` BI views (``VIEW_COLUMNS`` is the contract), ``read_view``.
- ``dictionary``: ``write_data_dictionary(path)`` -> ``docs/data-dictionary.md``.
- ``roles``: ``create_bi_role(engine, role, password)`` (PostgreSQL read-only role on the views).
- ``records``: DataFrame <-> row conversions shared by loads and reads.

A new database: ``engine = make_engine(url); upgrade(engine); seed_dimensions(engine)``.
"""
