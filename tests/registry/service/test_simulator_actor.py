"""A developer device names who calls (``X-Simulator-Actor``), so a face's test that
gives each operator their own caller, as the in-process registry takes it, meets the
four-eyes rule through the service too; any other device's caller stays the one its
certificate makes, whatever header it sends."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from registry.api import Role
from registry.clock import SystemClock
from registry.contract import Caller, HoldRequest, PaymentRequest
from registry.office_contract import Decision
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.remote import SimulatorHooks
from registry.states import Disposition, PaymentPurpose
from registry.storage.models import AuditEntry
from tests.registry.helpers import new_application, office
from tests.registry.office_helpers import completion, registered
from tests.registry.service.fleet import Fleet


def test_the_developer_devices_clerk_and_manager_are_two_people(fleet: Fleet) -> None:
    service = fleet.start("actors", "--simulators", "--simulator-control")
    hooks = SimulatorHooks(SystemClock())
    base = fleet.client(fleet.device("developer-actors", Role.DEVELOPER), service,
                        simulator=hooks)
    clerk = base.with_caller(Caller("office:desk-7:clerk", "kiosk:desk-7"))
    manager = base.with_caller(Caller("office:desk-7:manager", "kiosk:desk-7"))
    assert base.simulator is hooks and base.simulator.actor is None   # the original kept
    place = base.add_office(office("A7", 4, days=frozenset(range(7)))).office_id
    applicant = registered(base, 41)
    base.hold_slot(HoldRequest(applicant, place, SystemClock().today()))
    base.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING, "book-actor-41"))
    assert base.observe_payment("book-actor-41").disposition is Disposition.APPLIED
    app_id = base.application(applicant).application_id

    done = clerk.complete_registration(completion(app_id, place, 41))
    assert done.record.completed_by == "office:desk-7:clerk"
    with pytest.raises(OfficeStepRefused) as own:
        clerk.decide(Decision(app_id, True))
    assert own.value.reason is OfficeRefusal.SAME_OPERATOR
    assert manager.decide(Decision(app_id, True)).decided_by == "office:desk-7:manager"
    with fleet.database.read("audit") as session:
        approve = session.scalars(select(AuditEntry).where(
            AuditEntry.subject_id == app_id,
            AuditEntry.action == "application.approve")).one()
    assert approve.actor == "office:desk-7:manager"
    assert json.loads(approve.details)["device"] == "developer-actors"


def test_another_devices_actor_header_changes_nothing(fleet: Fleet) -> None:
    service = fleet.start("actors-kiosk", "--simulators", "--simulator-control")
    kiosk = fleet.client(fleet.device("kiosk-actors", Role.KIOSK), service,
                         simulator=SimulatorHooks(SystemClock()))
    posing = kiosk.with_caller(Caller("office:desk-7:manager", "kiosk:desk-7"))
    view = posing.register(new_application(42))
    with fleet.database.read("audit") as session:
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.subject_id == view.application_id,
            AuditEntry.subject == "application")).all()
    assert entries and {e.actor for e in entries} == {"device:kiosk-actors"}
