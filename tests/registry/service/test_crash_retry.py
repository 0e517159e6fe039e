"""Safe over a network: a service process killed mid-call, a retry through another.

The first service process dies (``os._exit``, no clean-up) right after the registry
committed the step and, for a payment, after the bank took the charge, before it
answered: the worst moment. The kiosk's client retries through the second process with
the same idempotency key and gets the answer: one booking, one charge. A guarded step
(adding an office) whose answer was lost is refused as already applied, never done
twice. With no process left, the kiosk gets a typed "unavailable" naming the service.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select

from registry.api import Role
from registry.clock import SystemClock
from registry.contract import HoldRequest, OfficeQuery, PaymentRequest
from registry.devices import fingerprint
from registry.service_errors import AlreadyApplied, ServiceUnavailable
from registry.simbank import PAYMENTS
from registry.states import AppointmentState, Disposition, PaymentPurpose, PaymentState
from registry.storage.models import Appointment, IdempotencyRecord, Office, Payment
from tests.registry.helpers import office, registered
from tests.registry.service.fleet import Fleet

FAULT = "NIDKIOSK_SERVICE_FAULT"


def test_a_process_killed_mid_booking_and_a_retry_through_another(fleet: Fleet) -> None:
    dying = fleet.start("dying", "--lease", "1", env={FAULT: "exit-after:start_payment"})
    healthy = fleet.start("healthy", "--lease", "1")
    admin = fleet.client(fleet.device("console-crash", Role.ADMIN), healthy)
    place = admin.add_office(office("C1", 1, days=frozenset(range(7)))).office_id
    kiosk_dir = fleet.device("kiosk-crash", Role.KIOSK)
    steady = fleet.client(kiosk_dir, healthy)
    applicant = registered(steady, 7)
    day = SystemClock().today() + dt.timedelta(days=2)
    steady.hold_slot(HoldRequest(applicant, place, day))

    kiosk = fleet.client(kiosk_dir, dying, healthy)     # the dying process is asked first
    key = "book-crash-0007"
    started = kiosk.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING, key))
    assert dying.process.wait(timeout=10) == 70          # it died before answering
    assert "injected fault" in dying.log_text()
    assert started.idempotency_key == key and started.reference
    paid = kiosk.observe_payment(key)
    assert paid.state is PaymentState.SUCCEEDED and paid.disposition is Disposition.APPLIED
    assert paid.appointment is not None
    assert paid.appointment.state is AppointmentState.BOOKED

    with fleet.database.read("check") as session:
        booked = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.office_id == place, Appointment.state == AppointmentState.BOOKED.value))
        payments = session.scalar(select(func.count()).select_from(Payment).where(
            Payment.purpose == PaymentPurpose.BOOKING.value,
            Payment.application_id == paid.appointment.appointment_id * 0
            + session.scalar(select(Appointment.application_id).where(
                Appointment.id == paid.appointment.appointment_id))))
        charges = session.execute(select(PAYMENTS.c.starts).where(
            PAYMENTS.c.idempotency_key == key)).scalars().all()
        record = session.scalars(select(IdempotencyRecord).where(
            IdempotencyRecord.operation == "start_payment")).all()
    assert booked == 1                     # one booking
    assert payments == 1                   # one payment row ...
    assert charges == [1]                  # ... and the bank was asked to charge once
    assert any(r.state == "done" for r in record)
    # the place is gone for everyone else
    assert steady.list_offices(OfficeQuery("021", day))[0].free_places == 0


def test_a_guarded_step_whose_answer_was_lost_is_not_done_twice(fleet: Fleet) -> None:
    dying = fleet.start("dying-admin", "--lease", "1", env={FAULT: "exit-after:add_office"})
    healthy = fleet.start("healthy-admin", "--lease", "1")
    admin = fleet.client(fleet.device("console-guard", Role.ADMIN), dying, healthy)
    with pytest.raises(AlreadyApplied) as applied:
        admin.add_office(office("G1", 3))
    assert applied.value.operation == "add_office"
    with fleet.database.read("check") as session:
        assert session.scalar(select(func.count()).select_from(Office).where(
            Office.code == "G1")) == 1


def test_the_same_key_is_answered_again_and_another_body_under_it_is_refused(
        fleet: Fleet) -> None:
    service = fleet.start("replay")
    device = fleet.device("kiosk-replay", Role.KIOSK)
    kiosk = fleet.client(device, service)
    admin = fleet.client(fleet.device("console-replay", Role.ADMIN), service)
    place = admin.add_office(office("R1", 4, days=frozenset(range(7)))).office_id
    applicant = registered(kiosk, 8)
    day = SystemClock().today() + dt.timedelta(days=3)
    from registry import wire
    body = {"request": wire.to_json(HoldRequest(applicant, place, day))}
    headers = {"Idempotency-Key": "hold-replay-0008"}
    with httpx.Client(base_url=service.url, verify=_context(device)) as raw:
        first = raw.post("/v1/appointments/hold", json=body, headers=headers)
        again = raw.post("/v1/appointments/hold", json=body, headers=headers)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json()
        other = raw.post("/v1/appointments/hold", headers=headers, json={
            "request": wire.to_json(HoldRequest(applicant, place, day + dt.timedelta(1)))})
        assert other.status_code == 409 and other.json() == {"error": "IdempotencyConflict"}
        missing = raw.post("/v1/appointments/hold", json=body)
        assert missing.status_code == 400
        assert missing.json()["field"] == "Idempotency-Key"
    with fleet.database.read("check") as session:
        holds = session.scalar(select(func.count()).select_from(Appointment).where(
            Appointment.office_id == place))
        owner = session.scalar(select(IdempotencyRecord.device_id).where(
            IdempotencyRecord.key == "hold-replay-0008"))
    assert holds == 1
    assert owner is not None and fingerprint((device / "device.crt").read_bytes()) != ""


def test_no_service_left_is_a_typed_unavailable_naming_the_service(fleet: Fleet) -> None:
    service = fleet.start("lonely")
    kiosk = fleet.client(fleet.device("kiosk-offline", Role.KIOSK), service, timeout=2.0)
    assert kiosk.list_offices(OfficeQuery("021", SystemClock().today())) is not None
    service.stop()
    with pytest.raises(ServiceUnavailable) as down:
        kiosk.list_offices(OfficeQuery("021", SystemClock().today()))
    assert (down.value.service, down.value.operation, down.value.cause) == (
        "registry", "list_offices", "connection")


def _context(device):  # noqa: ANN001, ANN202
    from registry.remote import client_context
    return client_context(device / "device.crt", device / "device.key", device / "ca.crt")
