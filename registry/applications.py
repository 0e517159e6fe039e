"""Applications in the database: opening one, finding it, moving its status.

Every status change goes through :func:`move`, which asks the lifecycle first; the
office steps the lead adds (complete, approve, issue, deliver) are calls to it too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen.errors import CitizenDataError
from citizen.jalali import format_jalali
from citizen.national_code import validate_national_code
from registry.clock import iran_date
from registry.contract import ApplicationRef, NewApplication
from registry.fee_source import FeeSource
from registry.lifecycle import FINAL, Status, check_transition
from registry.refusals import ApplicationExists, InvalidRequest, NotFound
from registry.storage.models import Application
from registry.tracking import new_tracking_code, parse_tracking_code


def lock_key(application_id: int) -> str:
    return f"application:{application_id}"


def national_code_lock_key(national_code: str) -> str:
    return f"national-code:{national_code}"


def national_code(text: str) -> str:
    """The national code in ASCII digits, or InvalidRequest naming the rule it broke."""
    try:
        return validate_national_code(text)
    except CitizenDataError as exc:
        raise InvalidRequest("national_code", exc.problem.value) from exc


def status_of(row: Application) -> Status:
    return Status(row.status)


def id_for(session: Session, ref: ApplicationRef) -> int:
    """The application named by national code + tracking code.

    A malformed code is InvalidTrackingCode; a well-formed one that does not belong to
    this national code is NotFound, the same as an unknown one.
    """
    code = parse_tracking_code(ref.tracking_code).digits
    found = session.scalar(select(Application.id).where(
        Application.tracking_code == code,
        Application.national_code == national_code(ref.national_code)))
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
    the newly submitted data (the applicant corrected the form); one in progress refuses
    with ApplicationExists; finished ones (delivered, cancelled) do not count.
    """
    current = session.scalars(
        select(Application).where(Application.national_code == request.national_code,
                                  Application.status.not_in([s.value for s in FINAL]))
        .order_by(Application.id.desc())).first()
    if current is not None and status_of(current) is not Status.AWAITING_PAYMENT:
        raise ApplicationExists(status_of(current))
    fee = int(fees.registration_receipt(request.kind, request.duplicate_number,
                                        iran_date(now)).total)
    row = current or Application(national_code=request.national_code,
                                 tracking_code=new_tracking_code().digits,
                                 status=Status.AWAITING_PAYMENT.value,
                                 created_at=now, status_changed_at=now)
    row.birth_date = format_jalali(request.birth_date)
    row.mother_name = request.mother_name
    row.mobile = request.mobile
    row.birth_certificate_serial = request.birth_certificate_serial
    row.gender = request.gender.value
    row.kind = request.kind.value
    row.duplicate_number = request.duplicate_number
    row.fee_rial = fee
    if current is None:
        session.add(row)
        session.flush()
    return row, current is None


def move(row: Application, wanted: Status, now: dt.datetime) -> Status:
    """Change the status if the lifecycle allows it (TransitionRefused otherwise)."""
    previous = status_of(row)
    check_transition(previous, wanted)
    row.status = wanted.value
    row.status_changed_at = now
    return previous
