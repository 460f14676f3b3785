"""Alembic revisions of the warehouse (a package so that they ship with the project)."""
