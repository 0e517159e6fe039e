"""The registry as a network service: devices, operators and their sessions, sign-in
challenges, idempotency keys, missed look-ups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Self-contained like 0001: plain SQLAlchemy types only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
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


def _text(name: str, length: int, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=nullable)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "devices", _id(), _text("name", 64), _text("role", 16), _id("office_id", True),
        _text("serial", 40), _text("fingerprint", 64), _at("issued_at"), _at("not_after"),
        _at("revoked_at", True), _text("revoked_reason", 32, True),
        _fk("office_id", "devices", "offices"), _pk("devices"),
        sa.UniqueConstraint("name", name=op.f("uq_devices_name")),
        sa.UniqueConstraint("serial", name=op.f("uq_devices_serial")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_devices_fingerprint")),
    )
    op.create_table(
        "operators", _id(), _text("national_code", 10), _id("office_id"), _text("role", 16),
        _at("added_at"), _at("removed_at", True),
        _fk("office_id", "operators", "offices"), _pk("operators"),
    )
    op.create_index("uq_operators_national_code_office_id", "operators",
                    ["national_code", "office_id"], unique=True)
    op.create_table(
        "sign_in_challenges", _id(), _id("device_id"), _text("nonce", 64), _at("created_at"),
        _at("expires_at"), _at("used_at", True),
        _fk("device_id", "sign_in_challenges", "devices"), _pk("sign_in_challenges"),
        sa.UniqueConstraint("nonce", name=op.f("uq_sign_in_challenges_nonce")),
    )
    op.create_table(
        "operator_sessions", _id(), _text("token_hash", 64), _id("operator_id"),
        _id("device_id"), _text("certificate_serial", 40), _at("created_at"),
        _at("expires_at"), _at("ended_at", True),
        _fk("operator_id", "operator_sessions", "operators"),
        _fk("device_id", "operator_sessions", "devices"), _pk("operator_sessions"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_operator_sessions_token_hash")),
    )
    op.create_table(
        "idempotency_keys", _id(), _id("device_id"), _text("key", 64), _text("operation", 48),
        _text("fingerprint", 64), _text("state", 16), _at("lease_until"),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        _at("created_at"), _at("finished_at", True),
        _fk("device_id", "idempotency_keys", "devices"), _pk("idempotency_keys"),
    )
    op.create_index("uq_idempotency_keys_device_id_key", "idempotency_keys",
                    ["device_id", "key"], unique=True)
    op.create_index(op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"])
    op.create_table(
        "lookup_attempts", _id(), _text("kind", 32), _text("national_code", 10),
        _text("client", 64), _at("at"), _pk("lookup_attempts"),
    )
    op.create_index("ix_lookup_attempts_national_code_at", "lookup_attempts",
                    ["national_code", "at"])
    op.create_index("ix_lookup_attempts_client_at", "lookup_attempts", ["client", "at"])


def downgrade() -> None:
    for table in ("lookup_attempts", "idempotency_keys", "operator_sessions",
                  "sign_in_challenges", "operators", "devices"):
        op.drop_table(table)
