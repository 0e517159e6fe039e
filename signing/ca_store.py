"""The local authority's store: one SQLite file through SQLAlchemy.

Why a database and not loose files: issuing, revoking and counting CRLs are small
transactions that must not half-happen (a certificate handed out but not recorded,
two CRLs with one number, a redone activation that revoked the old certificate but
recorded no new one), and an indexed lookup by serial answers status queries. One
file also means one thing to back up and one set of permissions (0600) for the key it
holds. SQLAlchemy is the project's database layer, so the same schema can move to
PostgreSQL for a fleet.

Writable stores begin every transaction with ``BEGIN IMMEDIATE``: two kiosks issuing
for the same card at once are serialised, so the second sees the first's certificate.
A store opened read-only (a relying party checking status) uses SQLite's ``mode=ro``
and can neither create nor change anything. Every database failure leaves this
module as :class:`CaUnavailableError`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.request import pathname2url

from cryptography import x509
from sqlalchemy import create_engine, event, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from signing.ca_profile import RevokedEntry
from signing.ca_schema import SCHEMA_VERSION, add_missing_columns, authority, certificates, metadata
from signing.card_binding import CardBinding, LiveCertificate
from signing.errors import CaNotFoundError, CaUnavailableError, UnavailableReason

DATABASE_FILE = "ca.sqlite3"
BUSY_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class AuthorityRecord:
    key_pem: bytes
    certificate_der: bytes
    settings_json: str | None = None

    def __repr__(self) -> str:  # never show the key
        return "AuthorityRecord(<key withheld>)"


@dataclass(frozen=True)
class StoredCertificate:
    serial: int
    certificate_der: bytes
    revoked_at: dt.datetime | None
    reason: x509.ReasonFlags | None
    card_serial: str | None = None
    national_code: str | None = None


def _hex(serial: int) -> str:
    return format(serial, "x")


def _engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        def connect() -> sqlite3.Connection:
            return sqlite3.connect(f"file:{pathname2url(str(path))}?mode=ro", uri=True,
                                   timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                   check_same_thread=False)
    else:
        def connect() -> sqlite3.Connection:
            return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                                   check_same_thread=False)
    engine = create_engine("sqlite://", creator=connect)
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    return engine


class CaStore:
    """Tables for the authority's key, its issued certificates and their revocations.

    ``create``: make the directory and database if absent (else
    :class:`CaNotFoundError`); ``read_only``: never write (implies not creating).
    """

    def __init__(self, directory: Path, *, create: bool = True, read_only: bool = False) -> None:
        path = directory / DATABASE_FILE
        self.read_only = read_only
        if read_only or not create:
            if not path.is_file():
                raise CaNotFoundError(directory)
        else:
            try:
                directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            except OSError as exc:
                raise CaUnavailableError(UnavailableReason.STORE_UNOPENABLE) from exc
        self._engine = _engine(path, read_only)
        if read_only:
            return
        try:
            with self._transaction() as db:  # IMMEDIATE: one instance at a time does this
                metadata.create_all(db)
                add_missing_columns(db)
        except CaUnavailableError:
            self._engine.dispose()
            raise

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise
        except SQLAlchemyError as exc:
            raise CaUnavailableError(UnavailableReason.STORE_FAILED) from exc

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._guard(), self._engine.begin() as connection:
            yield connection

    def _writable(self) -> None:
        if self.read_only:
            raise CaUnavailableError(UnavailableReason.READ_ONLY)

    # -- the authority ---------------------------------------------------------------

    def load_authority(self) -> AuthorityRecord | None:
        with self._transaction() as db:
            row = db.execute(select(authority)).first()
        if row is None:
            return None
        return AuthorityRecord(row.key_pem, row.certificate_der,
                               getattr(row, "settings_json", None))

    def create_authority(self, record: AuthorityRecord, now: dt.datetime) -> bool:
        """Store a new authority; False when another instance stored one first."""
        self._writable()
        try:
            with self._transaction() as db:
                db.execute(insert(authority).values(
                    id=1, schema_version=SCHEMA_VERSION, key_pem=record.key_pem,
                    certificate_der=record.certificate_der, crl_number=0, created_at=now,
                    settings_json=record.settings_json))
        except IntegrityError:
            return False
        return True

    def next_crl_number(self) -> int:
        """Increment and return the CRL number, atomically across instances."""
        self._writable()
        with self._transaction() as db:
            db.execute(update(authority).where(authority.c.id == 1)
                       .values(crl_number=authority.c.crl_number + 1))
            return int(db.execute(select(authority.c.crl_number)).scalar_one())

    # -- certificates ----------------------------------------------------------------

    @contextmanager
    def issuance(self) -> Iterator[Issuance]:
        """One transaction for the checks, the revocations and the new certificate."""
        self._writable()
        with self._transaction() as db:
            yield Issuance(db)

    def find(self, serial: int) -> StoredCertificate | None:
        with self._transaction() as db:
            row = db.execute(select(certificates).where(
                certificates.c.serial == _hex(serial))).first()
        return None if row is None else _stored(row)

    def of_card(self, card_serial: str) -> list[StoredCertificate]:
        """Every certificate recorded for a card serial, oldest first."""
        with self._transaction() as db:
            rows = db.execute(select(certificates)
                              .where(certificates.c.card_serial == card_serial)
                              .order_by(certificates.c.issued_at)).all()
        return [_stored(row) for row in rows]

    def revoke(self, serial: int, at: dt.datetime, reason: x509.ReasonFlags) -> bool:
        """Mark revoked unless already revoked (the first revocation stands)."""
        self._writable()
        with self._transaction() as db:
            return Issuance(db).revoke(serial, at, reason)

    def revoked(self) -> list[RevokedEntry]:
        with self._transaction() as db:
            rows = db.execute(
                select(certificates.c.serial, certificates.c.revoked_at,
                       certificates.c.revocation_reason)
                .where(certificates.c.revoked_at.is_not(None))
                .order_by(certificates.c.revoked_at)).all()
        return [RevokedEntry(int(row.serial, 16), row.revoked_at,
                             x509.ReasonFlags(row.revocation_reason)) for row in rows]


def _stored(row: object) -> StoredCertificate:
    reason = row.revocation_reason  # type: ignore[attr-defined]
    return StoredCertificate(
        int(row.serial, 16), row.certificate_der, row.revoked_at,  # type: ignore[attr-defined]
        x509.ReasonFlags(reason) if reason else None,
        getattr(row, "card_serial", None), getattr(row, "national_code", None))


class Issuance:
    """The operations of one issuing transaction (see :meth:`CaStore.issuance`)."""

    def __init__(self, db: Connection) -> None:
        self._db = db

    def live(self, binding: CardBinding, now: dt.datetime) -> list[LiveCertificate]:
        """Unrevoked, unexpired certificates of this card serial or this national code."""
        rows = self._db.execute(
            select(certificates)
            .where(certificates.c.revoked_at.is_(None), certificates.c.not_after > now,
                   or_(certificates.c.card_serial == binding.card_serial,
                       certificates.c.national_code == binding.national_code))).all()
        return [LiveCertificate(int(row.serial, 16),
                                CardBinding(row.card_serial, row.national_code, row.card_issued),
                                row.key_id or "", row.certificate_der)
                for row in rows if row.card_serial and row.national_code and row.card_issued]

    def serial_taken(self, serial: int) -> bool:
        return self._db.execute(select(certificates.c.serial).where(
            certificates.c.serial == _hex(serial))).first() is not None

    def revoke(self, serial: int, at: dt.datetime, reason: x509.ReasonFlags) -> bool:
        result = self._db.execute(
            update(certificates)
            .where(certificates.c.serial == _hex(serial), certificates.c.revoked_at.is_(None))
            .values(revoked_at=at, revocation_reason=reason.value))
        return result.rowcount == 1

    def add(self, certificate: x509.Certificate, der: bytes, now: dt.datetime,
            binding: CardBinding | None, key: str) -> None:
        self._db.execute(insert(certificates).values(
            serial=_hex(certificate.serial_number),
            subject=certificate.subject.rfc4514_string(), certificate_der=der,
            issued_at=now, not_after=certificate.not_valid_after_utc,
            card_serial=binding.card_serial if binding else None,
            national_code=binding.national_code if binding else None,
            card_issued=binding.card_issued if binding else None, key_id=key))
