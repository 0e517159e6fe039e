"""The audit trail: every write leaves who did it, what, to which row, and when.

Written in the same transaction as the change it describes, so neither exists without
the other. Details are facts that are safe to show an auditor (ids, states, amounts,
reasons); tracking codes, birth dates and mothers' names never go in.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy.orm import Session

from registry.storage.models import AuditEntry

#: Detail keys refused outright, whatever a caller passes: a last guard against leaks.
_FORBIDDEN = frozenset({"tracking_code", "birth_date", "mother_name", "pin", "password",
                        "template", "templates", "photo", "photo_jpeg", "pin_letter", "puk"})


def record(session: Session, *, actor: str, action: str, subject: str,
           subject_id: int | None, at: dt.datetime,
           **details: str | int | bool | None) -> None:
    """Add one audit entry to the current transaction."""
    leaked = _FORBIDDEN & details.keys()
    if leaked:
        raise ValueError(f"secrets never go to the audit trail: {sorted(leaked)}")
    session.add(AuditEntry(at=at, actor=actor[:64], action=action, subject=subject,
                           subject_id=subject_id,
                           details=json.dumps(details, sort_keys=True, ensure_ascii=False)))
