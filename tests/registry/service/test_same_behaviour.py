"""A test written against the in-process registry runs against the service unchanged.

The scenario below opens its registry through ``registry.connect.open_registry`` with a
``SettableClock`` and a scripted ``SimulatedBank``, as a face's tests do. It runs on the
in-process registry (SQLite) and, with only the environment changed
(``NIDKIOSK_REGISTRY_URL`` = two service processes, ``NIDKIOSK_REGISTRY_SIMULATOR=1``, a
developer device), against the service on PostgreSQL; every outcome is the same. This
is how the kiosk's UI tests run against the service (docs/registry-service.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from registry.api import Role
from registry.clock import SettableClock
from registry.connect import open_registry
from registry.contract import Caller, HoldRequest, OfficeQuery, PaymentRequest
from registry.payments import Behaviour, SimulatedBank
from registry.refusals import PaymentRefused, SlotGone
from registry.remote import RemoteRegistry
from registry.service import LocalRegistry
from registry.states import PaymentPurpose
from tests.registry.helpers import MONDAY, START, new_application, office, ref
from tests.registry.service.fleet import Fleet


def scenario() -> list[Any]:
    """Open the registry as a face does and walk a day of the clock; what it saw."""
    clock = SettableClock(START)
    bank = SimulatedBank(clock)
    registry = open_registry(None, bank, caller=Caller("kiosk:scenario", "scenario"),
                             clock=clock)
    seen: list[Any] = [type(registry).__name__]
    try:
        desk = registry.add_office(office("S1", 1))
        view = registry.register(new_application(11))
        seen.append((view.status, view.fee_rial, registry.clock.today()))
        applicant = ref(11, view.tracking_code)
        bank.script(Behaviour.DECLINE)
        registry.start_payment(PaymentRequest(applicant, PaymentPurpose.REGISTRATION,
                                              "reg-declined-11"))
        seen.append(registry.observe_payment("reg-declined-11").state)
        registry.start_payment(PaymentRequest(applicant, PaymentPurpose.REGISTRATION,
                                              "reg-paid-00011"))
        paid = registry.observe_payment("reg-paid-00011")
        seen.append((paid.state, paid.disposition, registry.application(applicant).status))
        hold = registry.hold_slot(HoldRequest(applicant, desk.office_id, MONDAY))
        seen.append((hold.appointment.hold_expires_at, hold.amount_rial))
        clock.advance(dt.timedelta(minutes=11))          # the hold lapses
        try:
            registry.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING,
                                                  "book-lapsed-11"))
        except PaymentRefused as refused:
            seen.append(refused.reason)
        registry.hold_slot(HoldRequest(applicant, desk.office_id, MONDAY))
        bank.script(Behaviour.PAY_LATE, delay=dt.timedelta(minutes=20))
        late = registry.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING,
                                                     "book-late-0011"))
        seen.append(registry.observe_payment(late.idempotency_key).state)
        clock.advance(dt.timedelta(minutes=21))          # paid after its hold lapsed
        booked = registry.observe_payment("book-late-0011")
        seen.append((booked.state, booked.disposition, booked.appointment.state
                     if booked.appointment else None))
        other = registry.register(new_application(12))
        second = ref(12, other.tracking_code)
        registry.start_payment(PaymentRequest(second, PaymentPurpose.REGISTRATION,
                                              "reg-paid-00012"))
        registry.observe_payment("reg-paid-00012")
        try:
            registry.hold_slot(HoldRequest(second, desk.office_id, MONDAY))
        except SlotGone as gone:
            seen.append(("slot-gone", gone.day))
        seen.append(registry.list_offices(OfficeQuery("021", MONDAY))[0].free_places)
    finally:
        registry.close()
    return seen


def test_the_same_scenario_in_process_and_through_the_service(
        fleet: Fleet, sqlite_template: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    local_db = tmp_path / "local.sqlite3"
    shutil.copyfile(sqlite_template, local_db)
    monkeypatch.setenv("NIDKIOSK_REGISTRY_URL", f"sqlite:///{local_db}")
    local = scenario()
    assert local[0] == LocalRegistry.__name__

    services = [fleet.start(f"sim-{i}", "--simulators", "--simulator-control")
                for i in range(2)]
    developer = fleet.device("developer-1", Role.DEVELOPER)
    monkeypatch.setenv("NIDKIOSK_REGISTRY_URL", ",".join(s.url for s in services))
    monkeypatch.setenv("NIDKIOSK_REGISTRY_SIMULATOR", "1")
    monkeypatch.setenv("NIDKIOSK_DEVICE_DIR", str(developer))
    remote = scenario()
    assert remote[0] == RemoteRegistry.__name__
    assert remote[1:] == local[1:]
    assert any(isinstance(step, tuple) and step and step[0] == "slot-gone" for step in local)


def test_a_service_without_simulator_control_refuses_developers_and_its_headers(
        fleet: Fleet) -> None:
    from registry.service_errors import AccessDenied, AccessRefusal

    service = fleet.start("plain")
    developer = fleet.client(fleet.device("developer-2", Role.DEVELOPER), service)
    with pytest.raises(AccessDenied) as denied:
        developer.list_offices(OfficeQuery("021", MONDAY))
    assert denied.value.reason is AccessRefusal.WRONG_ROLE
