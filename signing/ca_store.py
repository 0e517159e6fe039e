"""The local authority's store: one SQLite file through SQLAlchemy.

Why a database and not loose files: issuing, revoking and counting CRLs are small
transactions that must not half-happen (a certificate handed out but not recorded,
two CRLs with one number), and an indexed lookup by serial answers status queries.
One file also means one thing to back up and one set of permissions (0600) for the
key it holds. SQLAlchemy is the project's database layer, so the same schema can
move to PostgreSQL for a fleet.

Every database failure leaves this module as :class:`CaUnavailableError`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from signing.ca_profile import RevokedEntry
from signing.errors import CaUnavailableError

DATABASE_FILE = "ca.sqlite3"
SCHEMA_VERSION = 1


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
)


@dataclass(frozen=True)
class AuthorityRecord:
    key_pem: bytes
    certificate_der: bytes

    def __repr__(self) -> str:  # never show the key
        return "AuthorityRecord(<key withheld>)"


@dataclass(frozen=True)
class StoredCertificate:
    serial: int
    certificate_der: bytes
    revoked_at: dt.datetime | None
    reason: x509.ReasonFlags | None


def _hex(serial: int) -> str:
    return format(serial, "x")


class CaStore:
    """Tables for the authority's key, its issued certificates and their revocations."""

    def __init__(self, directory: Path) -> None:
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = directory / DATABASE_FILE
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        except OSError as exc:
            raise CaUnavailableError(f"cannot open the authority store in {directory}: "
                                     f"{exc.strerror}") from exc
        self._engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 15})
        try:
            try:
                metadata.create_all(self._engine)
            except SQLAlchemyError:  # another instance created the tables at the same moment
                with self._guard("create the schema"):
                    metadata.create_all(self._engine)
        except CaUnavailableError:
            self._engine.dispose()
            raise

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise CaUnavailableError(f"the authority store failed to {doing}: "
                                     f"{type(getattr(exc, 'orig', None) or exc).__name__}") from exc

    @contextmanager
    def _transaction(self, doing: str) -> Iterator[Connection]:
        with self._guard(doing), self._engine.begin() as connection:
            yield connection

    def load_authority(self) -> AuthorityRecord | None:
        with self._transaction("read the authority") as db:
            row = db.execute(select(authority.c.key_pem, authority.c.certificate_der)).first()
        return None if row is None else AuthorityRecord(row.key_pem, row.certificate_der)

    def create_authority(self, record: AuthorityRecord, now: dt.datetime) -> bool:
        """Store a new authority; False when another instance stored one first."""
        try:
            with self._transaction("create the authority") as db:
                db.execute(insert(authority).values(
                    id=1, schema_version=SCHEMA_VERSION, key_pem=record.key_pem,
                    certificate_der=record.certificate_der, crl_number=0, created_at=now))
        except IntegrityError:
            return False
        return True

    def add_certificate(self, certificate: x509.Certificate, der: bytes, now: dt.datetime) -> bool:
        """Record an issued certificate; False if its serial is already taken."""
        try:
            with self._transaction("record the certificate") as db:
                db.execute(insert(certificates).values(
                    serial=_hex(certificate.serial_number),
                    subject=certificate.subject.rfc4514_string(), certificate_der=der,
                    issued_at=now, not_after=certificate.not_valid_after_utc))
        except IntegrityError:
            return False
        return True

    def find(self, serial: int) -> StoredCertificate | None:
        with self._transaction("look up the certificate") as db:
            row = db.execute(select(certificates).where(
                certificates.c.serial == _hex(serial))).first()
        if row is None:
            return None
        reason = x509.ReasonFlags(row.revocation_reason) if row.revocation_reason else None
        return StoredCertificate(serial, row.certificate_der, row.revoked_at, reason)

    def revoke(self, serial: int, at: dt.datetime, reason: x509.ReasonFlags) -> bool:
        """Mark revoked unless already revoked (the first revocation stands)."""
        with self._transaction("revoke the certificate") as db:
            result = db.execute(
                update(certificates)
                .where(certificates.c.serial == _hex(serial), certificates.c.revoked_at.is_(None))
                .values(revoked_at=at, revocation_reason=reason.value))
        return result.rowcount == 1

    def revoked(self) -> list[RevokedEntry]:
        with self._transaction("list revocations") as db:
            rows = db.execute(
                select(certificates.c.serial, certificates.c.revoked_at,
                       certificates.c.revocation_reason)
                .where(certificates.c.revoked_at.is_not(None))
                .order_by(certificates.c.revoked_at)).all()
        return [RevokedEntry(int(row.serial, 16), row.revoked_at,
                             x509.ReasonFlags(row.revocation_reason)) for row in rows]

    def next_crl_number(self) -> int:
        """Increment and return the CRL number, atomically across instances."""
        with self._transaction("number the CRL") as db:
            db.execute(update(authority).where(authority.c.id == 1)
                       .values(crl_number=authority.c.crl_number + 1))
            return int(db.execute(select(authority.c.crl_number)).scalar_one())
