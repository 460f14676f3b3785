"""Alembic environment and revisions of the SAKIP warehouse (see ``sinks.warehouse.db.upgrade``)."""
