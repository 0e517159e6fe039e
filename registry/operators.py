"""Who may sign in at an office's devices: operators and managers, by national code."""

from __future__ import annotations

from sqlalchemy import select

from registry.applications import national_code as checked_national_code
from registry.clock import Clock, SystemClock
from registry.refusals import InvalidRequest, NotFound
from registry.storage import audit
from registry.storage.database import Database
from registry.storage.models import Office, Operator

ROLES = ("operator", "manager")


def add_operator(database: Database, national_code: str, office_id: int, role: str, *,
                 clock: Clock | None = None, actor: str = "registry-admin") -> int:
    """Let this person sign in at this office's devices; their id (audit trail's name)."""
    if role not in ROLES:
        raise InvalidRequest("role", "operator or manager")
    code = checked_national_code(national_code)
    now = (clock or SystemClock()).now()
    with database.write("add an operator") as tx:
        if tx.session.get(Office, office_id) is None:
            raise NotFound("office")
        row = tx.session.scalars(select(Operator).where(
            Operator.national_code == code, Operator.office_id == office_id)).first()
        if row is None:
            row = Operator(national_code=code, office_id=office_id, role=role, added_at=now)
            tx.session.add(row)
        else:
            row.role, row.removed_at = role, None
        tx.session.flush()
        audit.record(tx.session, actor=actor, action="operator.add", subject="operator",
                     subject_id=row.id, at=now, office_id=office_id, role=role)
        return row.id
