"""Applications in the database: opening one, finding it, moving its status.

Every status change goes through :func:`move`, which asks the lifecycle rules first; the
office steps the lead adds (complete, approve, issue, deliver) are calls to it too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen.jalali import format_jalali
from registry.contract import NewApplication
from registry.interim import (
    CLOSED_STATUSES,
    ApplicationStatus,
    FeeSource,
    check_transition,
    local_day,
    new_tracking_code,
    normalize_tracking_code,
)
from registry.refusals import ApplicationExists, NotFound
from registry.storage.models import Application


def lock_key(application_id: int) -> str:
    return f"application:{application_id}"


def national_code_lock_key(national_code: str) -> str:
    return f"national-code:{national_code}"


def id_for(session: Session, tracking_code: str) -> int:
    """The application id behind a tracking code (NotFound, the same for any wrong code)."""
    code = normalize_tracking_code(tracking_code)
    found = session.scalar(select(Application.id).where(Application.tracking_code == code))
    if found is None:
        raise NotFound("application")
    return int(found)


def load(session: Session, application_id: int) -> Application:
    """The row as committed now (re-read after locks; never a stale identity-map copy)."""
    row = session.scalars(select(Application).where(Application.id == application_id)
                          .execution_options(populate_existing=True)).one_or_none()
    if row is None:
        raise NotFound("application")
    return row


def open_application(session: Session, request: NewApplication, fees: FeeSource,
                     now: dt.datetime) -> tuple[Application, bool]:
    """A new application, or the unpaid one already there for this national code.

    Call with the national code's lock held. Returns (row, created). An unpaid one takes
    the newly submitted data (the applicant corrected the form); a paid one in progress
    refuses with ApplicationExists.
    """
    current = session.scalars(
        select(Application).where(Application.national_code == request.national_code,
                                  Application.status.not_in([s.value for s in CLOSED_STATUSES]))
        .order_by(Application.id.desc())).first()
    fee = fees.registration_fee(request.kind, local_day(now))
    if current is not None and current.status != ApplicationStatus.AWAITING_PAYMENT:
        raise ApplicationExists(current.status)
    row = current or Application(national_code=request.national_code,
                                 tracking_code=new_tracking_code(),
                                 status=ApplicationStatus.AWAITING_PAYMENT.value,
                                 created_at=now, status_changed_at=now)
    row.birth_date = format_jalali(request.birth_date)
    row.mother_name = request.mother_name
    row.mobile = request.mobile
    row.birth_certificate_serial = request.birth_certificate_serial
    row.gender = request.gender.value
    row.kind = request.kind
    row.fee_rial = fee
    if current is None:
        session.add(row)
        session.flush()
    return row, current is None


def move(row: Application, wanted: ApplicationStatus, now: dt.datetime) -> str:
    """Change the status if the lifecycle allows it (TransitionRefused otherwise)."""
    previous = row.status
    check_transition(previous, wanted)
    row.status = wanted.value
    row.status_changed_at = now
    return previous
