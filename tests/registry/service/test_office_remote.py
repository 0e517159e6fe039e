"""The office's steps from the appointment to the hand-over, through the service.

An operator and a manager of one office sign in at its desks with their own (simulated)
national cards; the photo, the ten templates, the card image and the PIN letter cross
the wire as bytes; the four-eyes rule holds across desks because it compares people;
the service's simulated factory makes the card and its SMS outbox tells the applicant.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from registry.api import Role
from registry.clock import SystemClock
from registry.contract import HoldRequest, PaymentRequest
from registry.fingers import FingerPosition
from registry.lifecycle import Status
from registry.office_contract import Decision
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.operators import add_operator
from registry.service_errors import AccessDenied, AccessRefusal
from registry.states import Disposition, PaymentPurpose
from registry.storage.models import AuditEntry
from simulators.card.image import CardImage
from simulators.issuer import IssuerPki
from tests.conftest import CardFactory
from tests.registry.helpers import office
from tests.registry.office_helpers import completion, delivery, evidence, registered
from tests.registry.service.cards import NationalCa
from tests.registry.service.fleet import Fleet


def test_an_office_day_through_the_service(fleet: Fleet, issuer: IssuerPki, cards: CardFactory,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    national = NationalCa(tmp_path_factory.mktemp("national-office"), issuer, cards)
    service = fleet.start("office-day", "--simulators", *national.options())
    admin = fleet.client(fleet.device("console-office", Role.ADMIN), service)
    kiosk = fleet.client(fleet.device("kiosk-office", Role.KIOSK), service)
    place = admin.add_office(office("D1", 4, days=frozenset(range(7)))).office_id
    operator_card, manager_card = national.card(311), national.card(312)
    add_operator(fleet.database, operator_card.national_code, place, "operator")
    add_operator(fleet.database, manager_card.national_code, place, "manager")
    counter = fleet.client(fleet.device("desk-counter", Role.OFFICE, place), service)
    back = fleet.client(fleet.device("desk-back", Role.OFFICE, place), service)
    operator = operator_card.sign_in(counter)
    manager = manager_card.sign_in(back)

    applicant = registered(kiosk, 21)
    kiosk.hold_slot(HoldRequest(applicant, place, SystemClock().today()))
    kiosk.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING, "book-office-21"))
    assert kiosk.observe_payment("book-office-21").disposition is Disposition.APPLIED
    app_id = kiosk.application(applicant).application_id

    done = counter.complete_registration(completion(app_id, place, 21))
    assert done.record.status is Status.COMPLETED and len(done.record.captured) == 10
    assert done.record.completed_by == f"operator:{operator.operator_id}"
    with pytest.raises(AccessDenied) as not_manager:
        counter.decide(Decision(app_id, True))
    assert not_manager.value.reason is AccessRefusal.MANAGER_REQUIRED
    manager_card.sign_in(counter)                    # the manager at the operator's desk
    approved = counter.decide(Decision(app_id, True))
    assert approved.decided_by == f"operator:{manager.operator_id}"

    operator_card.sign_in(counter)
    issued = counter.issue_card(app_id)
    image = CardImage.from_json(issued.card.card.decode("utf-8"))
    assert image.lifecycle.name == "PERSONALIZED"
    assert set(json.loads(issued.card.pin_letter)) == {"pin1", "puk"}
    assert issued.record.card_fingers == (FingerPosition.RIGHT_INDEX, FingerPosition.LEFT_INDEX)
    ready = counter.card_arrived(app_id)
    assert ready.status is Status.READY_FOR_COLLECTION
    ticket = counter.collection(place, applicant.national_code)
    proof = evidence(applicant.national_code, ticket.card_serial)
    with pytest.raises(OfficeStepRefused) as wrong_fee:
        counter.record_delivery(delivery(app_id, place, proof, 1))
    assert wrong_fee.value.reason is OfficeRefusal.FEE_MISMATCH
    assert wrong_fee.value.receipt is not None and wrong_fee.value.receipt.total > 1
    fee = int(ticket.receipt.total)
    handed = counter.record_delivery(delivery(app_id, place, proof, fee))
    again = counter.record_delivery(delivery(app_id, place, proof, fee))
    assert handed.record.status is Status.DELIVERED
    assert again.charge.payment_id == handed.charge.payment_id
    assert kiosk.application(applicant).status is Status.DELIVERED

    with fleet.database.read("audit") as session:
        entries = {e.action: e for e in session.scalars(select(AuditEntry).where(
            AuditEntry.subject_id == app_id, AuditEntry.subject == "application"))}
    for action, desk, person in (("application.complete", "desk-counter", operator),
                                 ("application.approve", "desk-counter", manager),
                                 ("card.issue", "desk-counter", operator),
                                 ("card.deliver", "desk-counter", operator)):
        assert entries[action].actor == f"operator:{person.operator_id}"
        assert json.loads(entries[action].details)["device"] == desk
