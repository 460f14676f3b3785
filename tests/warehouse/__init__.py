"""Tests of the reporting warehouse (``sinks/warehouse``) on SQLite and PostgreSQL."""
