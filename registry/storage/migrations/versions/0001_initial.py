"""Applications, offices, appointments, payments, recovery attempts, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-30

Self-contained on purpose: it uses plain SQLAlchemy types, not the package's models or
type decorators, so later changes to those can never change what this step does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id(name: str = "id", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                     nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)    # naive UTC


def _fk(column: str, table: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{parent}.id"],
                                   name=op.f(f"fk_{table}_{column}_{parent}"),
                                   ondelete="RESTRICT")


def upgrade() -> None:
    op.create_table(
        "applications",
        _id(),
        sa.Column("national_code", sa.String(10), nullable=False),
        sa.Column("birth_date", sa.String(8), nullable=False),
        sa.Column("mother_name", sa.String(100), nullable=False),
        sa.Column("mobile", sa.String(16), nullable=False),
        sa.Column("birth_certificate_serial", sa.String(24), nullable=False),
        sa.Column("gender", sa.String(1), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("duplicate_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("tracking_code", sa.String(32), nullable=False),
        sa.Column("bank_reference", sa.String(64), nullable=True),
        sa.Column("fee_rial", sa.BigInteger(), nullable=False),
        _at("created_at"),
        _at("registered_at", nullable=True),
        _at("status_changed_at"),
        sa.CheckConstraint("fee_rial >= 0", name=op.f("ck_applications_fee_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_applications_tracking_code")),
    )
    op.create_index(op.f("ix_applications_national_code"), "applications", ["national_code"])
    op.create_index(op.f("ix_applications_status"), "applications", ["status"])

    op.create_table(
        "audit_log",
        _id(),
        _at("at"),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("subject", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])

    op.create_table(
        "offices",
        _id(),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("city_prefix", sa.String(5), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("latitude", sa.Double(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=False),
        sa.Column("daily_capacity", sa.Integer(), nullable=False),
        sa.Column("opening_days", sa.String(7), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _at("created_at"),
        sa.CheckConstraint("daily_capacity >= 0",
                           name=op.f("ck_offices_capacity_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("code", name=op.f("uq_offices_code")),
    )
    op.create_index(op.f("ix_offices_city_prefix"), "offices", ["city_prefix"])

    op.create_table(
        "recovery_attempts",
        _id(),
        sa.Column("national_code", sa.String(10), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        _at("at"),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_attempts")),
    )
    op.create_index("ix_recovery_attempts_client_at", "recovery_attempts", ["client", "at"])
    op.create_index("ix_recovery_attempts_national_code_at", "recovery_attempts",
                    ["national_code", "at"])

    op.create_table(
        "appointments",
        _id(),
        _id("application_id"),
        _id("office_id"),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _at("held_at"),
        _at("hold_expires_at"),
        _at("booked_at", nullable=True),
        _at("closed_at", nullable=True),
        _fk("application_id", "appointments", "applications"),
        _fk("office_id", "appointments", "offices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    op.create_index(op.f("ix_appointments_application_id"), "appointments", ["application_id"])
    op.create_index("ix_appointments_office_id_day_state", "appointments",
                    ["office_id", "day", "state"])
    booked = sa.text("state = 'booked'")
    op.create_index("uq_appointments_one_booked", "appointments", ["application_id"],
                    unique=True, sqlite_where=booked, postgresql_where=booked)

    op.create_table(
        "payments",
        _id(),
        _id("application_id"),
        _id("appointment_id", nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("amount_rial", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("gateway", sa.String(32), nullable=False),
        sa.Column("gateway_reference", sa.String(64), nullable=True),
        sa.Column("bank_reference", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=True),
        _at("created_at"),
        _at("settled_at", nullable=True),
        sa.CheckConstraint("amount_rial > 0", name=op.f("ck_payments_amount_positive")),
        _fk("application_id", "payments", "applications"),
        _fk("appointment_id", "payments", "appointments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("gateway_reference", name=op.f("uq_payments_gateway_reference")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payments_idempotency_key")),
    )
    op.create_index(op.f("ix_payments_application_id"), "payments", ["application_id"])
    op.create_index(op.f("ix_payments_appointment_id"), "payments", ["appointment_id"])


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in ("payments", "appointments", "recovery_attempts", "offices", "audit_log",
                  "applications"):
        op.drop_table(table)
