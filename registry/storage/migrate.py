"""Bring a registry database's schema to a revision with the shipped Alembic migrations.

No ``alembic.ini``: the configuration is built here so the migrations travel with the
package. SQLite runs them with foreign keys off (see ``migrations/env.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from registry.storage.engine import make_engine, registry_url
from registry.storage.errors import SchemaError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(script_location: Path | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    return config


def head(script_location: Path | None = None) -> str:
    """The newest revision the shipped migrations know."""
    revision = ScriptDirectory.from_config(_config(script_location)).get_current_head()
    if revision is None:
        raise SchemaError(None, None, "no migrations found")
    return revision


def _run(url: str | None, action: Callable[[Config], None],
         script_location: Path | None) -> None:
    engine = make_engine(registry_url(url), foreign_keys=False, pool_size=1)
    try:
        with engine.connect() as connection:
            config = _config(script_location)
            config.attributes["connection"] = connection
            action(config)
            connection.commit()
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc
        first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        raise SchemaError(None, None, f"the migration failed and was rolled back: "
                                      f"{type(cause).__name__}: {first_line}") from exc
    finally:
        engine.dispose()


def upgrade(url: str | None = None, revision: str = "head", *,
            script_location: Path | None = None) -> None:
    """Migrate the database at ``url`` up to ``revision`` (default: the newest)."""
    _run(url, lambda config: command.upgrade(config, revision), script_location)


def downgrade(url: str | None = None, revision: str = "base", *,
              script_location: Path | None = None) -> None:
    """Migrate down to ``revision`` (``base`` drops every registry table)."""
    _run(url, lambda config: command.downgrade(config, revision), script_location)


def current(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the newest (SchemaError)."""
    found, wanted = current(engine), head()
    if found != wanted:
        raise SchemaError(found, wanted)
