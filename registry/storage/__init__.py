"""Where the registry keeps its rows: SQLite by default, PostgreSQL for a fleet.

One URL chooses the database (:func:`registry.storage.engine.registry_url`); the schema
comes from the Alembic migrations shipped in ``migrations/``; every write runs in a
:class:`registry.storage.database.Database` transaction that maps driver failures to
the registry's typed errors.
"""
