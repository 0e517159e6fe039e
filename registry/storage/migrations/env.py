"""Alembic's entry point for the registry schema.

Always run through :mod:`registry.storage.migrate`, which hands over a connection made
by :func:`registry.storage.engine.make_engine` with SQLite's foreign keys switched off:
batch mode rebuilds a table by copying and dropping it, and with foreign keys on, the
drop deletes or blocks every child row. Instead the foreign keys are checked once at the
end, inside the migration's transaction, so a broken reference rolls the whole step back.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from registry.storage.errors import SchemaError
from registry.storage.models import Base

config = context.config


def _check_foreign_keys() -> None:
    connection = context.get_bind()
    if connection.dialect.name != "sqlite":
        return  # PostgreSQL enforces every reference at every statement
    broken = connection.execute(text("PRAGMA foreign_key_check")).all()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise SchemaError(None, None, "the migration left rows whose references are broken "
                                      f"in {', '.join(tables)}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run registry migrations through registry.storage.migrate")
    sqlite = connection.dialect.name == "sqlite"
    # transactional_ddl: Alembic assumes SQLite cannot roll DDL back (pysqlite used to
    # commit before it); with our own BEGIN it can, so the whole run is one transaction
    # and the foreign-key check below can still undo it.
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=sqlite, transactional_ddl=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
        _check_foreign_keys()


if context.is_offline_mode():
    raise RuntimeError("the registry migrations run online only")
run_migrations_online()
