"""An office delivery end to end through pcscd, next to the bare identity read.

For each applicant (completed, approved, issued by the simulated factory and made ready
in a registry on SQLite, or ``--postgresql``), the card goes into the virtual reader and
the office's delivery runs as ``nidkiosk office deliver`` does: the delivery flow (read
the card and check it genuine with the photo, the holder's finger matched on the card,
activation, PIN1 set), then the delivery recorded with its fee, then the receipt written
as a PDF. The finger arrives as a ready probe template (the sensor's serial transfer
depends on the module's baud rate and is not the office's cost). The baseline, in the
same run and on the same cards, is the bare identity read with photo. Medians.

    python -m bench.office_delivery [--cards 10] [--postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import jdatetime

from apdu.biometric_profile import BiometricInfo
from apdu.biometric_profile import FingerPosition as CardFinger
from apdu.pcsc import open_card
from bench.pcsc_setup import private_readers, swap
from biometric.capture import CaptureStep
from biometric.compact import X_ASCENDING
from biometric.template import make_template
from kiosk.flows.deliver import DeliverCardFlow, Delivery, Expected
from kiosk.flows.events import NewPinEntered, Start
from kiosk.flows.runner import InlineRunner
from kiosk.receipts import ReceiptFacts, write_receipt
from registry.clock import SettableClock
from registry.contract import (
    ApplicationRef,
    Caller,
    GeoPoint,
    HoldRequest,
    NewApplication,
    NewOffice,
    PaymentRequest,
)
from registry.documents import BirthCertificateSeen, Documents, PresentedCard
from registry.eligibility import ApplicationKind
from registry.fingers import TEN_FINGERS, FingerCapture
from registry.office_contract import CardEvidence, Completion, Decision, DeliveryRecord
from registry.payments import SimulatedBank
from registry.photo import Photo, PhotoSource
from registry.service import LocalRegistry
from registry.states import PaymentPurpose
from registry.storage import migrate
from registry.storage.scratch_postgres import ScratchPostgres
from simulators.card import CardStore, SimulatedChip
from simulators.card_factory import SimulatedCardFactory
from simulators.enrolment import touch
from simulators.issuer import IssuerPki
from simulators.personas import generate_persona
from simulators.sms import SimulatedSms

DAY = jdatetime.date(1405, 9, 9)
PIN1 = "975310"


class ProbeFingers:
    """A finger source that hands over a template made beforehand (no sensor)."""

    def __init__(self, probe: bytes) -> None:
        self.probe = probe

    def capture(self, info: BiometricInfo, *, stop: threading.Event,
                on_step: Callable[[CaptureStep], None], lift_first: bool = False) -> bytes:
        return self.probe


def _template(seed: int, finger: int, impression: int) -> bytes:
    return make_template(touch(seed, finger, impression), order=X_ASCENDING).data


def _ready_applicants(registry: LocalRegistry, clock: SettableClock, count: int,
                      work: Path) -> list[tuple[int, int, str, Path, bytes]]:
    """(application, office, national code, card file, probe) per applicant."""
    desk = registry.add_office(NewOffice("BENCH", "دفتر پیشخوان آزمایشی", "021", "تهران",
                                         GeoPoint(35.7, 51.4), count + 1,
                                         frozenset(range(7))))
    manager = registry.with_caller(Caller("office:bench:manager", "bench"))
    ready = []
    for i in range(count):
        seed = 7000 + i
        who = generate_persona(seed).identity
        clock.set_day(DAY, 9)
        view = registry.register(NewApplication(
            who.national_code, who.birth_date, who.mother_name, "09121234567",
            who.birth_certificate_serial, who.gender, ApplicationKind.FIRST_CARD))
        ref = ApplicationRef(who.national_code, view.tracking_code)
        registry.start_payment(PaymentRequest(ref, PaymentPurpose.REGISTRATION, f"r-{seed}-x"))
        registry.observe_payment(f"r-{seed}-x")
        registry.hold_slot(HoldRequest(ref, desk.office_id, DAY))
        registry.start_payment(PaymentRequest(ref, PaymentPurpose.BOOKING, f"b-{seed}-x"))
        registry.observe_payment(f"b-{seed}-x")
        app_id = view.application_id
        fingers = FingerCapture({p: _template(seed, int(p), 0) for p in TEN_FINGERS})
        seen = BirthCertificateSeen(who.given_name, who.surname, who.father_name,
                                    who.birth_certificate_number, who.birth_certificate_serial,
                                    True)
        persona = generate_persona(seed)
        registry.complete_registration(Completion(
            app_id, desk.office_id, Photo(persona.photo_jpeg, PhotoSource.FILE), fingers,
            Documents(seen, PresentedCard.NONE, persona.address.postal_code,
                      persona.address.address, "02188881234", "09121234567")))
        manager.decide(Decision(app_id, True))
        issued = registry.issue_card(app_id)
        registry.card_arrived(app_id)
        card = work / f"card-{i}.json"
        card.write_bytes(issued.card.card)
        ready.append((app_id, desk.office_id, who.national_code, card,
                      _template(seed, int(CardFinger.RIGHT_INDEX), 1)))
    return ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=10)
    parser.add_argument("--postgresql", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-bench-delivery-"))
    server = ScratchPostgres.start(durable=True) if args.postgresql else None
    url = server.create_database("bench") if server else f"sqlite:///{work / 'r.sqlite3'}"
    try:
        migrate.upgrade(url)
        clock = SettableClock.on(DAY, 9)
        issuer = IssuerPki.create()
        registry = LocalRegistry.open(url, SimulatedBank(clock),
                                      caller=Caller("office:bench:clerk", "bench"), clock=clock,
                                      cards=SimulatedCardFactory(issuer), notifier=SimulatedSms())
        applicants = _ready_applicants(registry, clock, args.cards, work)
        clock.set_day(DAY + dt.timedelta(days=20), 10)
        timings: dict[str, list[float]] = {k: [] for k in
                                           ("read", "flow", "record", "receipt", "total")}
        with private_readers() as readers:
            for app_id, office_id, code, card_file, probe in applicants:
                store = CardStore.open(card_file)
                swap(readers, 0, SimulatedChip(store))
                started = time.perf_counter()
                with open_card(0) as card:
                    reading = card.read_identity([issuer.csca], photo=True)
                timings["read"].append(time.perf_counter() - started)
                assert reading.contents is not None
                serial = reading.contents.identity.card_serial
                started = time.perf_counter()
                flow = DeliverCardFlow(InlineRunner(), lambda: open_card(0), ProbeFingers(probe),
                                       [issuer.csca], expected=Expected(code, serial),
                                       wrong_attempts=1)
                flow.send(Start())
                flow.send(NewPinEntered(PIN1, PIN1))
                assert flow.outcome is not None and flow.outcome.ok, flow.outcome
                delivery = flow.outcome.value
                assert isinstance(delivery, Delivery)
                flowed = time.perf_counter()
                ticket = registry.collection(office_id, code)
                done = registry.record_delivery(DeliveryRecord(
                    app_id, office_id, CardEvidence(True, code, serial,
                                                    delivery.finger_reference),
                    int(ticket.receipt.total)))
                recorded = time.perf_counter()
                write_receipt(work / f"receipt-{app_id}.pdf", ReceiptFacts.of(done.record,
                                                                              done.charge))
                finished = time.perf_counter()
                timings["flow"].append(flowed - started)
                timings["record"].append(recorded - flowed)
                timings["receipt"].append(finished - recorded)
                timings["total"].append(finished - started)
        registry.close()
    finally:
        if server is not None:
            server.stop()
    ms = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    database = "PostgreSQL (fsync on)" if args.postgresql else "SQLite (WAL, FULL)"
    print(f"office delivery through pcscd, {args.cards} cards, registry on {database}:")
    print(f"  bare identity read with photo (baseline): median {ms['read']:.1f} ms")
    print(f"  delivery flow (read genuine + finger on card + activate + PIN1): "
          f"median {ms['flow']:.1f} ms ({ms['flow'] / ms['read']:.1f} x the read)")
    print(f"  record the delivery and its fee: median {ms['record']:.1f} ms")
    print(f"  write the PDF receipt: median {ms['receipt']:.1f} ms")
    print(f"  whole office delivery: median {ms['total']:.1f} ms, "
          f"max {max(timings['total']) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
