"""Office work: enrolments (photo, documents, decision), ten fingers, cards, the SMS
outbox, and the receipt kept with every payment.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Self-contained like 0001: plain SQLAlchemy types only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id(name: str = "id", nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                     nullable=nullable)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(), nullable=nullable)    # naive UTC


def _fk(column: str, table: str, parent: str, parent_column: str = "id"
        ) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{parent}.{parent_column}"],
                                   name=op.f(f"fk_{table}_{column}_{parent}"),
                                   ondelete="RESTRICT")


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("receipt", sa.Text(), nullable=True))

    op.create_table(
        "enrolments",
        _id("application_id"),
        _id("office_id"),
        _id("appointment_id"),
        _at("completed_at"),
        _text("completed_by", 64),
        sa.Column("photo_jpeg", sa.LargeBinary(), nullable=False),
        _text("photo_source", 24),
        _text("given_name", 100),
        _text("surname", 100),
        _text("father_name", 100),
        _text("birth_certificate_number", 10),
        _text("birth_certificate_serial", 24),
        _text("national_card", 8),
        _text("postal_code", 10),
        _text("address", 500),
        _text("landline", 16),
        _text("mobile", 16),
        sa.Column("max_minutiae", sa.Integer(), nullable=False),
        sa.Column("minutiae_order", sa.Integer(), nullable=False),
        _at("decided_at", nullable=True),
        _text("decided_by", 64, nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        _text("reject_reason", 32, nullable=True),
        _fk("application_id", "enrolments", "applications"),
        _fk("office_id", "enrolments", "offices"),
        _fk("appointment_id", "enrolments", "appointments"),
        sa.PrimaryKeyConstraint("application_id", name=op.f("pk_enrolments")),
    )
    op.create_table(
        "enrolled_fingers",
        _id("application_id"),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("template", sa.LargeBinary(), nullable=True),
        _text("skip_reason", 16, nullable=True),
        sa.CheckConstraint("(template IS NULL) <> (skip_reason IS NULL)",
                           name=op.f("ck_enrolled_fingers_template_or_reason")),
        _fk("application_id", "enrolled_fingers", "enrolments", "application_id"),
        sa.PrimaryKeyConstraint("application_id", "position", name=op.f("pk_enrolled_fingers")),
    )
    op.create_table(
        "cards",
        _id(),
        _id("application_id"),
        _text("card_serial", 16),
        _text("producer", 32),
        sa.Column("first_finger", sa.Integer(), nullable=False),
        sa.Column("second_finger", sa.Integer(), nullable=False),
        _at("issued_at"),
        _text("issued_on", 8),
        _text("expires_on", 8),
        _at("ready_at", nullable=True),
        _at("voided_at", nullable=True),
        _at("delivered_at", nullable=True),
        _text("delivered_by", 64, nullable=True),
        _id("delivery_payment_id", nullable=True),
        sa.Column("late_collection", sa.Boolean(), nullable=True),
        _fk("application_id", "cards", "applications"),
        _fk("delivery_payment_id", "cards", "payments"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("application_id", name=op.f("uq_cards_application_id")),
        sa.UniqueConstraint("card_serial", name=op.f("uq_cards_card_serial")),
    )
    op.create_table(
        "notifications",
        _id(),
        _id("application_id"),
        _text("kind", 24),
        _text("mobile", 16),
        _id("office_id"),
        _text("collect_by", 8),
        _at("created_at"),
        _at("sent_at", nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _fk("application_id", "notifications", "applications"),
        _fk("office_id", "notifications", "offices"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_application_id"), "notifications",
                    ["application_id"])


def downgrade() -> None:
    for table in ("notifications", "cards", "enrolled_fingers", "enrolments"):
        op.drop_table(table)
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("receipt")
