"""The local authority's tables, and bringing an older store up to date.

Schema 2 adds, per certificate, the card it was issued for (serial, national code,
issue date of the card) and the key it certifies, so the one-live-certificate-per-card
rule (:mod:`signing.card_binding`) is a query; and, per authority, its settings
(:mod:`signing.ca_settings`). Stores of schema 1 gain the columns empty on first
writable open: their certificates simply have no card recorded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Connection, Dialect

SCHEMA_VERSION = 2


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


metadata = MetaData()

authority = Table(
    "authority", metadata,
    Column("id", Integer, primary_key=True),  # always 1: one authority per store
    Column("schema_version", Integer, nullable=False),
    Column("key_pem", LargeBinary, nullable=False),
    Column("certificate_der", LargeBinary, nullable=False),
    Column("crl_number", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("settings_json", Text, nullable=True),  # schema 2
)

certificates = Table(
    "certificates", metadata,
    Column("serial", String(48), primary_key=True),  # lowercase hex, up to 160 bits
    Column("subject", String, nullable=False),
    Column("certificate_der", LargeBinary, nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("revocation_reason", String(32), nullable=True),
    Column("card_serial", String(64), nullable=True, index=True),  # schema 2
    Column("national_code", String(16), nullable=True, index=True),  # schema 2
    Column("card_issued", Date, nullable=True),  # schema 2
    Column("key_id", String(64), nullable=True),  # schema 2: SHA-256 of the SPKI, hex
)


def add_missing_columns(connection: Connection) -> None:
    """ALTER TABLE ... ADD COLUMN for columns a store of an older schema lacks."""
    added = False
    for table in metadata.sorted_tables:
        present = {row[1] for row in connection.exec_driver_sql(
            f"PRAGMA table_info({table.name})")}
        for column in table.columns:
            if column.name not in present:
                kind = column.type.compile(dialect=connection.dialect)
                connection.exec_driver_sql(
                    f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
                added = True
    if added:
        connection.execute(authority.update().values(schema_version=SCHEMA_VERSION))
