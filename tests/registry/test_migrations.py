"""The shipped migrations on both databases: up from empty, down with data, and back.

Also the SQLite batch-mode trap from the field notes: rebuilding a parent table with
foreign keys on deletes (or blocks) its children's rows. The migration runner switches
them off and checks every reference before committing; the tests prove both halves with
a throwaway revision added to a copy of the migrations.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select

from registry.storage import migrate
from registry.storage.database import Database
from registry.storage.engine import make_engine
from registry.storage.errors import SchemaError
from registry.storage.models import (
    Application,
    Appointment,
    AuditEntry,
    Base,
    Card,
    EnrolledFinger,
    Enrolment,
    Notification,
    Office,
    Payment,
    RecoveryAttempt,
)

NOW = dt.datetime(2026, 11, 28, 6, 0, tzinfo=dt.UTC)
TABLES = {"applications", "offices", "appointments", "payments", "recovery_attempts",
          "audit_log", "enrolments", "enrolled_fingers", "cards", "notifications",
          "devices", "operators", "sign_in_challenges", "operator_sessions",
          "idempotency_keys", "lookup_attempts"}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def _fill(url: str) -> None:
    """One row in every table, linked the way the service links them."""
    database = Database.open(url)
    with database.write("fill") as tx:
        s = tx.session
        application = Application(
            national_code="0027066908", birth_date="13700822", mother_name="مریم",
            mobile="09121234567", birth_certificate_serial="ب/123456", gender="2",
            kind="first-card", duplicate_number=0, status="booked",
            tracking_code="12345678901234567897",
            fee_rial=600_000, created_at=NOW, registered_at=NOW, status_changed_at=NOW)
        office = Office(code="021-1", name="دفتر", city_prefix="021", address="تهران",
                        latitude=35.7, longitude=51.4, daily_capacity=10,
                        opening_days="012345", active=True, created_at=NOW)
        s.add_all([application, office])
        s.flush()
        appointment = Appointment(application_id=application.id, office_id=office.id,
                                  day=dt.date(2026, 11, 30), state="booked", held_at=NOW,
                                  hold_expires_at=NOW, booked_at=NOW)
        s.add(appointment)
        s.flush()
        s.add_all([
            Payment(application_id=application.id, appointment_id=appointment.id,
                    purpose="booking", amount_rial=259_963, idempotency_key="k" * 16,
                    gateway="simulated-bank", gateway_reference="SIMBANK-1", state="succeeded",
                    disposition="applied", created_at=NOW, settled_at=NOW),
            RecoveryAttempt(national_code="0027066908", client="k1", at=NOW, succeeded=True),
            AuditEntry(at=NOW, actor="test", action="fill", subject="application",
                       subject_id=application.id, details="{}"),
            Enrolment(application_id=application.id, office_id=office.id,
                      appointment_id=appointment.id, completed_at=NOW, completed_by="op",
                      photo_jpeg=b"\xff\xd8", photo_source="file", given_name="مریم",
                      surname="رضایی", father_name="حسن", birth_certificate_number="1",
                      birth_certificate_serial="12-ب-123456", national_card="none",
                      postal_code="1351789012", address="تهران", landline="02188881234",
                      mobile="09121234567", max_minutiae=60, minutiae_order=1),
            Notification(application_id=application.id, kind="card-ready",
                         mobile="09121234567", office_id=office.id, collect_by="14060309",
                         created_at=NOW, attempts=0),
        ])
        s.flush()
        payment = s.scalars(select(Payment)).one()
        payment.receipt = "{}"
        s.add_all([
            EnrolledFinger(application_id=application.id, position=2, template=b"t"),
            Card(application_id=application.id, card_serial="0A1234567", producer="sim",
                 first_finger=2, second_finger=7, issued_at=NOW, issued_on="14050909",
                 expires_on="14120909", delivery_payment_id=payment.id),
        ])
    database.close()


def _counts(url: str) -> dict[str, int]:
    database = Database.open(url)
    with database.read("count") as session:
        counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                  for model in (Application, Office, Appointment, Payment, RecoveryAttempt,
                                AuditEntry, Enrolment, EnrolledFinger, Card, Notification)}
    database.close()
    return {k: int(v or 0) for k, v in counts.items()}


def test_up_from_empty_down_with_data_and_up_again(empty_url: str) -> None:
    engine = make_engine(empty_url)
    assert _tables(engine) == set() and migrate.current(engine) is None
    migrate.upgrade(empty_url)
    assert migrate.current(engine) == migrate.head() == "0003"
    assert _tables(engine) == TABLES
    _fill(empty_url)
    assert set(_counts(empty_url).values()) == {1}
    migrate.downgrade(empty_url, "base")
    assert _tables(engine) == set() and migrate.current(engine) is None
    migrate.upgrade(empty_url)
    assert _tables(engine) == TABLES
    _fill(empty_url)
    assert set(_counts(empty_url).values()) == {1}
    engine.dispose()


def test_the_migrations_build_exactly_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


REBUILD_PARENT = '''
"""Widen applications.mobile: on SQLite, batch mode rebuilds the whole parent table."""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", recreate="auto") as batch:
        batch.alter_column("mobile", type_=sa.String(20), existing_type=sa.String(16),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("applications", recreate="auto") as batch:
        batch.alter_column("mobile", type_=sa.String(16), existing_type=sa.String(20),
                           existing_nullable=False)
'''

ORPHAN_CHILDREN = '''
"""A broken step: removes applications that payments and appointments still point to."""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM applications")


def downgrade() -> None:
    pass
'''


def _with_revision(tmp_path: Path, source: str) -> Path:
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0004_test.py").write_text(source, encoding="utf-8")
    return scripts


def test_rebuilding_a_parent_table_keeps_its_children(db_url: str, tmp_path: Path) -> None:
    _fill(db_url)
    scripts = _with_revision(tmp_path, REBUILD_PARENT)
    migrate.upgrade(db_url, script_location=scripts)
    assert set(_counts(db_url).values()) == {1}
    engine = make_engine(db_url)
    mobile = next(c for c in inspect(engine).get_columns("applications")
                  if c["name"] == "mobile")
    assert mobile["type"].length == 20
    migrate.downgrade(db_url, "0003", script_location=scripts)
    assert set(_counts(db_url).values()) == {1}
    assert migrate.current(engine) == "0003"
    engine.dispose()


def test_a_step_that_breaks_references_is_rolled_back(db_url: str, tmp_path: Path) -> None:
    _fill(db_url)
    scripts = _with_revision(tmp_path, ORPHAN_CHILDREN)
    with pytest.raises(SchemaError) as broken:
        migrate.upgrade(db_url, script_location=scripts)
    assert "rolled back" in str(broken.value) or "references" in str(broken.value)
    assert set(_counts(db_url).values()) == {1}
    engine = make_engine(db_url)
    assert migrate.current(engine) == "0003"
    engine.dispose()
