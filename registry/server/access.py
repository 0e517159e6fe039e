"""Who is calling: the device from its TLS certificate, the operator from their session,
and whether this office device may touch the office an operation is about.

The device is looked up by the SHA-256 fingerprint of the certificate its connection
presented (the TLS layer already checked it chains to the device CA), on every request:
a revocation recorded by ``nidkiosk registry device revoke`` holds from the next request
on, in every service process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.api import Operation, Role
from registry.contract import Caller
from registry.devices import fingerprint
from registry.refusals import NotFound
from registry.service_errors import AccessDenied, AccessRefusal
from registry.storage.database import Database
from registry.storage.models import (
    Appointment,
    Device,
    Enrolment,
    Operator,
    OperatorSession,
)


@dataclass(frozen=True)
class DeviceIdentity:
    device_id: int
    name: str
    role: Role
    office_id: int | None
    fingerprint: str


@dataclass(frozen=True)
class OperatorIdentity:
    operator_id: int
    role: str              # operator | manager
    session_id: int


def identify(database: Database, peer_der: bytes | None, now: dt.datetime) -> DeviceIdentity:
    """The device behind a TLS connection; AccessDenied if unknown or revoked."""
    if not peer_der:
        raise AccessDenied(AccessRefusal.NO_CERTIFICATE)
    print_ = fingerprint(peer_der)
    with database.read("identify a device") as session:
        row = session.scalars(select(Device).where(Device.fingerprint == print_)).first()
        if row is None:
            raise AccessDenied(AccessRefusal.UNKNOWN_DEVICE)
        if row.revoked_at is not None and row.revoked_at <= now:
            raise AccessDenied(AccessRefusal.DEVICE_REVOKED)
        return DeviceIdentity(row.id, row.name, Role(row.role), row.office_id, print_)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def operator(database: Database, device: DeviceIdentity, token: str | None,
             now: dt.datetime) -> OperatorIdentity:
    """The operator signed in at this device with this session token."""
    if not token:
        raise AccessDenied(AccessRefusal.OPERATOR_REQUIRED)
    with database.read("find an operator session") as session:
        found = session.execute(
            select(OperatorSession, Operator).join(Operator,
                                                   Operator.id == OperatorSession.operator_id)
            .where(OperatorSession.token_hash == token_hash(token))).first()
        if found is None:
            raise AccessDenied(AccessRefusal.SESSION_INVALID)
        held, person = found
        if (held.device_id != device.device_id or held.ended_at is not None
                or held.expires_at <= now or person.removed_at is not None
                or person.office_id != device.office_id):
            raise AccessDenied(AccessRefusal.SESSION_INVALID)
        return OperatorIdentity(person.id, person.role, held.id)


def caller(device: DeviceIdentity, person: OperatorIdentity | None) -> Caller:
    """The audit trail's actor is the person when there is one (the four-eyes rule compares
    people, not desks), else the device; rate limits are kept per device."""
    actor = f"operator:{person.operator_id}" if person else f"device:{device.name}"
    return Caller(actor[:64], f"device:{device.name}"[:64], device=device.name)


def authorize(device: DeviceIdentity, op: Operation, person: OperatorIdentity | None,
              developers: bool = False) -> None:
    if device.role is Role.DEVELOPER:
        if not developers:
            raise AccessDenied(AccessRefusal.WRONG_ROLE)
        return
    if device.role is not op.role:
        raise AccessDenied(AccessRefusal.WRONG_ROLE)
    if op.manager and (person is None or person.role != "manager"):
        raise AccessDenied(AccessRefusal.MANAGER_REQUIRED)


def _enrolled_at(session: Session, application_id: int) -> int:
    office_id = session.scalar(select(Enrolment.office_id)
                               .where(Enrolment.application_id == application_id))
    if office_id is None:
        raise NotFound("application")
    return int(office_id)


def office_of(database: Database, op: Operation, args: dict[str, Any]) -> int:
    """The office an office operation is about, from its arguments (and rows)."""
    name = op.name
    if name in ("office_schedule", "collection"):
        return int(args["office_id"])
    if name == "complete_registration":
        return int(args["completion"].office_id)
    if name == "record_delivery":
        return int(args["delivery"].office_id)
    with database.read("find an operation's office") as session:
        if name in ("mark_attended", "mark_missed"):
            office_id = session.scalar(select(Appointment.office_id)
                                       .where(Appointment.id == args["appointment_id"]))
            if office_id is None:
                raise NotFound("appointment")
            return int(office_id)
        if name == "decide":
            return _enrolled_at(session, args["decision"].application_id)
        return _enrolled_at(session, int(args["application_id"]))


def require_own_office(database: Database, device: DeviceIdentity, op: Operation,
                       args: dict[str, Any]) -> None:
    if device.role is Role.DEVELOPER:
        return
    if op.office_scoped and office_of(database, op, args) != device.office_id:
        raise AccessDenied(AccessRefusal.OTHER_OFFICE)
