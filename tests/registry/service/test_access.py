"""Who may do what, through real HTTP on mutual TLS to real service processes.

A kiosk credential cannot run office steps; an office cannot touch another office's
appointments; a revoked device is refused at its next request; a certificate from
another CA does not get through TLS; recovery and look-ups beyond their limits are
refused and audited; an operator signs in with their national card (a simulated card
activated by the national signature CA), and a revoked card, a stranger's card, a used
challenge and a stolen session token are all refused. Every write is audited with
device, operator and time.
"""

from __future__ import annotations

import json
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import jdatetime
import pytest
from cryptography import x509
from sqlalchemy import select

from registry.api import Role
from registry.clock import SystemClock
from registry.contract import HoldRequest, PaymentRequest, RecoveryRequest
from registry.devices import DeviceAuthority
from registry.operators import add_operator
from registry.refusals import LimitScope, NotFound, RateLimited
from registry.remote import RemoteRegistry
from registry.service_errors import AccessDenied, AccessRefusal, ServiceUnavailable
from registry.states import AppointmentState, PaymentPurpose
from registry.storage.models import AuditEntry
from simulators.issuer import IssuerPki
from tests.conftest import NIDKIOSK, REPO, CardFactory
from tests.registry.helpers import birth_date, national_code, office, ref, registered
from tests.registry.service.cards import NationalCa, OperatorCard
from tests.registry.service.fleet import Fleet, ServiceProcess

OPEN_DAILY = frozenset(range(7))


@dataclass
class World:
    fleet: Fleet
    services: tuple[ServiceProcess, ServiceProcess]
    admin: RemoteRegistry
    kiosk: RemoteRegistry
    office_a: int
    office_b: int
    desk_a: Path
    desk_b: Path
    national: NationalCa
    operator: OperatorCard           # an operator at both offices
    appointment_a: int               # booked at office A today


@pytest.fixture(scope="module")
def world(fleet: Fleet, issuer: IssuerPki, cards: CardFactory,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    national = NationalCa(tmp_path_factory.mktemp("national"), issuer, cards)
    services = (fleet.start("svc-a", *national.options()),
                fleet.start("svc-b", *national.options()))
    admin = fleet.client(fleet.device("console", Role.ADMIN))
    kiosk = fleet.client(fleet.device("kiosk-1", Role.KIOSK))
    a = admin.add_office(office("A1", 5, days=OPEN_DAILY)).office_id
    b = admin.add_office(office("B1", 5, days=OPEN_DAILY)).office_id
    operator = national.card(301)
    add_operator(fleet.database, operator.national_code, a, "operator")
    add_operator(fleet.database, operator.national_code, b, "operator")
    applicant = registered(kiosk, 1)
    today = SystemClock().today()
    hold = kiosk.hold_slot(HoldRequest(applicant, a, today))
    kiosk.start_payment(PaymentRequest(applicant, PaymentPurpose.BOOKING, "book-0000001"))
    assert kiosk.observe_payment("book-0000001").appointment.state is AppointmentState.BOOKED
    yield World(fleet, services, admin, kiosk, a, b,
                fleet.device("desk-a", Role.OFFICE, a), fleet.device("desk-b", Role.OFFICE, b),
                national, operator, hold.appointment.appointment_id)
    admin.close()
    kiosk.close()


def _audit(fleet: Fleet, action: str) -> list[AuditEntry]:
    with fleet.database.read("audit") as session:
        rows = list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                    .order_by(AuditEntry.id)))
        for row in rows:
            session.expunge(row)
        return rows


def _refused(call, reason: AccessRefusal) -> None:  # noqa: ANN001
    with pytest.raises(AccessDenied) as denied:
        call()
    assert denied.value.reason is reason


def test_health_and_schema_answer_without_a_certificate_the_api_does_not(
        world: World) -> None:
    context = ssl.create_default_context(cafile=str(world.fleet.server_dir / "ca.crt"))
    with httpx.Client(base_url=world.services[0].url, verify=context) as anonymous:
        assert anonymous.get("/health/live").json()["status"] == "live"
        assert anonymous.get("/health/ready").json()["status"] == "ready"
        document = anonymous.get("/v1/openapi.json").json()
        assert document["info"]["version"] == "v1"
        assert "/v1/appointments/hold" in document["paths"]
        refused = anonymous.post("/v1/offices/list", json={})
        assert refused.status_code == 403
        assert refused.json() == {"error": "AccessDenied", "reason": "no-certificate"}


def test_a_kiosk_credential_cannot_run_office_operations(world: World) -> None:
    kiosk = world.kiosk
    kiosk.operator_session = "not-a-session"
    try:
        _refused(lambda: kiosk.office_schedule(world.office_a, SystemClock().today()),
                 AccessRefusal.WRONG_ROLE)
        _refused(lambda: kiosk.mark_attended(world.appointment_a), AccessRefusal.WRONG_ROLE)
        _refused(lambda: kiosk.issue_card(1), AccessRefusal.WRONG_ROLE)
    finally:
        kiosk.operator_session = None
    _refused(lambda: kiosk.add_office(office("K9", 1)), AccessRefusal.WRONG_ROLE)
    _refused(lambda: kiosk.void_uncollected(), AccessRefusal.WRONG_ROLE)
    desk = world.fleet.client(world.desk_a)
    _refused(lambda: desk.hold_slot(HoldRequest(ref(1, "0" * 20), world.office_a,
                                                SystemClock().today())),
             AccessRefusal.WRONG_ROLE)


def test_office_steps_need_an_operator_signed_in_with_their_card(world: World) -> None:
    desk = world.fleet.client(world.desk_a)
    _refused(lambda: desk.office_schedule(world.office_a, SystemClock().today()),
             AccessRefusal.OPERATOR_REQUIRED)
    session = world.operator.sign_in(desk)
    assert session.office_id == world.office_a and session.role == "operator"
    listed = desk.office_schedule(world.office_a, SystemClock().today())
    assert [s.appointment.appointment_id for s in listed] == [world.appointment_a]
    entry = _audit(world.fleet, "operator.sign-in")[-1]
    assert entry.actor == f"operator:{session.operator_id}"
    assert json.loads(entry.details)["device"] == "desk-a"


def test_an_office_cannot_touch_another_offices_appointments(world: World) -> None:
    other = world.fleet.client(world.desk_b)
    world.operator.sign_in(other)
    _refused(lambda: other.office_schedule(world.office_a, SystemClock().today()),
             AccessRefusal.OTHER_OFFICE)
    _refused(lambda: other.mark_attended(world.appointment_a), AccessRefusal.OTHER_OFFICE)
    _refused(lambda: other.mark_missed(world.appointment_a), AccessRefusal.OTHER_OFFICE)
    assert other.office_schedule(world.office_b, SystemClock().today()) == []
    # its own office's desk may, and the write is audited with device, operator and time
    own = world.fleet.client(world.desk_a)
    session = world.operator.sign_in(own)
    marked = own.mark_attended(world.appointment_a)
    assert marked.state is AppointmentState.ATTENDED
    entry = _audit(world.fleet, "appointment.attended")[-1]
    assert entry.actor == f"operator:{session.operator_id}"
    assert json.loads(entry.details)["device"] == "desk-a"
    assert abs((entry.at - SystemClock().now()).total_seconds()) < 60


def test_a_session_is_bound_to_its_device(world: World) -> None:
    desk_a = world.fleet.client(world.desk_a)
    session = world.operator.sign_in(desk_a)
    thief = world.fleet.client(world.desk_b, operator_session=session.token)
    _refused(lambda: thief.office_schedule(world.office_b, SystemClock().today()),
             AccessRefusal.SESSION_INVALID)
    desk_a.sign_out()
    ended = world.fleet.client(world.desk_a, operator_session=session.token)
    _refused(lambda: ended.office_schedule(world.office_a, SystemClock().today()),
             AccessRefusal.SESSION_INVALID)


def test_a_challenge_is_signed_once_and_only_for_its_device(world: World) -> None:
    from apdu.pins import PinRef
    from registry.signin import sign_challenge
    from signing.card_signer import CardDigestSigner
    from tests.registry.service.cards import PIN2

    desk = world.fleet.client(world.desk_a)
    card = world.operator.reader.insert()
    card.verify_pin(PinRef.PIN2, PIN2)
    proof = sign_challenge(desk.challenge(), CardDigestSigner(card),
                           world.operator.certificate_der)
    desk.sign_in_with(proof)
    _refused(lambda: desk.sign_in_with(proof), AccessRefusal.SIGN_IN_FAILED)
    other = world.fleet.client(world.desk_b)
    _refused(lambda: other.sign_in_with(proof), AccessRefusal.SIGN_IN_FAILED)
    causes = [json.loads(e.details)["cause"] for e in _audit(world.fleet, "operator.refused")]
    assert {"challenge-used", "unknown-challenge"} <= set(causes)


def test_a_stranger_and_a_revoked_card_cannot_sign_in(world: World) -> None:
    desk = world.fleet.client(world.desk_a)
    stranger = world.national.card(302)
    _refused(lambda: stranger.sign_in(desk), AccessRefusal.NOT_AN_OPERATOR)
    revoked = world.national.card(303)
    add_operator(world.fleet.database, revoked.national_code, world.office_a, "manager")
    assert revoked.sign_in(desk).role == "manager"
    world.national.authority.revoke(revoked.serial, x509.ReasonFlags.key_compromise)
    world.national.publish()
    _refused(lambda: revoked.sign_in(desk), AccessRefusal.SIGN_IN_FAILED)
    assert json.loads(_audit(world.fleet, "operator.refused")[-1].details)["cause"] == "revoked"


def test_a_revoked_device_is_refused_from_its_next_request(world: World) -> None:
    directory = world.fleet.device("kiosk-2", Role.KIOSK)
    kiosk = world.fleet.client(directory)
    day = SystemClock().today()
    assert kiosk.list_offices(__import__("registry.contract").contract.OfficeQuery("021", day))
    done = subprocess.run([*NIDKIOSK, "registry", "device", "revoke", "kiosk-2", "--db",
                           world.fleet.url, "--reason", "stolen", "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    for service in world.services:            # every process, at once
        one = world.fleet.client(directory, service)
        _refused(lambda one=one: one.list_offices(
            __import__("registry.contract").contract.OfficeQuery("021", day)),
            AccessRefusal.DEVICE_REVOKED)
    assert json.loads(_audit(world.fleet, "device.revoke")[-1].details)["reason"] == "stolen"


def test_a_certificate_from_another_ca_does_not_get_through_tls(
        world: World, tmp_path: Path) -> None:
    rogue = DeviceAuthority.create(tmp_path / "rogue-ca")
    issued = rogue.issue(world.fleet.database, "rogue-kiosk", Role.KIOSK)
    issued.write(tmp_path / "rogue")
    (tmp_path / "rogue" / "ca.crt").write_bytes(
        (world.fleet.server_dir / "ca.crt").read_bytes())       # it trusts the real service
    client = RemoteRegistry.from_directory(world.services[0].url, tmp_path / "rogue",
                                           attempts=1)
    with pytest.raises(ServiceUnavailable) as refused:
        client.list_offices(__import__("registry.contract").contract.OfficeQuery(
            "021", SystemClock().today()))
    assert refused.value.cause in ("tls", "connection")
    assert refused.value.service == "registry"


def test_recovery_beyond_the_limit_is_refused_and_audited(world: World) -> None:
    n = 40
    kiosk = world.fleet.client(world.fleet.device("kiosk-3", Role.KIOSK))
    registered(kiosk, n)
    wrong = jdatetime.date(1300, 1, 1)
    for _ in range(4):
        with pytest.raises(NotFound):
            kiosk.recover_tracking_code(RecoveryRequest(national_code(n), wrong))
    assert kiosk.recover_tracking_code(RecoveryRequest(national_code(n), birth_date(n)))
    with pytest.raises(RateLimited) as limited:          # the 6th attempt this hour
        kiosk.recover_tracking_code(RecoveryRequest(national_code(n), birth_date(n)))
    assert limited.value.scope is LimitScope.NATIONAL_CODE
    refused = _audit(world.fleet, "recovery.refused")[-1]
    assert refused.actor == "device:kiosk-3"
    assert json.loads(refused.details) == {"client": "device:kiosk-3", "device": "kiosk-3",
                                           "scope": "national-code"}


def test_guessing_tracking_codes_is_limited_per_national_code(world: World) -> None:
    from registry.tracking import new_tracking_code

    kiosk = world.fleet.client(world.fleet.device("kiosk-4", Role.KIOSK))
    n = 41
    registered(kiosk, n)
    for _ in range(10):
        with pytest.raises(NotFound):
            kiosk.application(ref(n, new_tracking_code().digits))
    with pytest.raises(RateLimited) as limited:
        kiosk.application(ref(n, new_tracking_code().digits))
    assert limited.value.scope is LimitScope.NATIONAL_CODE
    entry = _audit(world.fleet, "lookup.refused")[-1]
    assert json.loads(entry.details)["client"] == "device:kiosk-4"


def test_the_access_logs_name_no_one(world: World) -> None:
    applicant = registered(world.kiosk, 42)
    world.kiosk.application(applicant)
    secrets_ = {national_code(42), applicant.tracking_code, national_code(1),
                world.operator.national_code}
    for service in world.services:
        text = service.log_text()
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        assert lines and all({"path", "status", "ms", "request_id"} <= line.keys()
                             for line in lines)
        assert not any(secret in text for secret in secrets_)
