"""An applicant through the office: what the completion, decision and hand-over send."""

from __future__ import annotations

import dataclasses

import jdatetime

from registry.contract import ApplicationRef, Caller, PaymentRequest
from registry.documents import BirthCertificateSeen, Documents, PresentedCard
from registry.fingers import TEN_FINGERS, FingerCapture, FingerPosition, SkipReason
from registry.office_contract import (
    CardEvidence,
    Completion,
    CounterMethod,
    DeliveryRecord,
)
from registry.photo import Photo
from registry.service import LocalRegistry
from registry.states import PaymentPurpose
from simulators.camera import SimulatedCamera
from tests.registry.helpers import book, new_application, office, ref

OPERATOR = Caller("office:T1:operator", "office-T1")
MANAGER = Caller("office:T1:manager", "office-T1")
PHOTO: Photo = SimulatedCamera(7).capture()


def fingers(skipped: dict[FingerPosition, SkipReason] | None = None) -> FingerCapture:
    """Ten fingers, each a distinct stand-in template (the registry keeps them opaque)."""
    skipped = skipped or {}
    return FingerCapture({p: bytes([int(p)]) * 30 for p in TEN_FINGERS if p not in skipped},
                         skipped)


def documents(serial: str, n: int = 1, **changes: object) -> Documents:
    seen = BirthCertificateSeen("مریم", "رضایی", "حسن", "1234567", serial, True)
    docs = Documents(seen, PresentedCard.NONE, "1351789012", "تهران، خیابان آزادی، پلاک ۱۲",
                     "021 8888 1234", f"0912{n:07d}")
    return _replace(docs, **changes)


def _replace(docs: Documents, **changes: object) -> Documents:
    return dataclasses.replace(docs, **changes)  # type: ignore[arg-type]


def serial(n: int) -> str:
    return f"12-ب-{n:06d}"


def registered(registry: LocalRegistry, n: int) -> ApplicationRef:
    """Applicant ``n`` pre-registered with a real certificate serial, fee paid."""
    view = registry.register(dataclasses.replace(new_application(n),
                                                 birth_certificate_serial=serial(n)))
    application = ref(n, view.tracking_code)
    registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                          f"reg-{n:08d}"))
    registry.observe_payment(f"reg-{n:08d}")
    return application


def booked_on(registry: LocalRegistry, n: int, day: jdatetime.date,
              office_code: str = "T1") -> tuple[ApplicationRef, int, int]:
    """Applicant ``n`` registered, paid and booked at a fresh office on ``day``;
    returns (ref, application id, office id)."""
    desk = registry.add_office(office(office_code, 5))
    application = registered(registry, n)
    assert book(registry, application, desk.office_id, day, f"book-{n:08d}") == "applied"
    view = registry.application(application)
    return application, view.application_id, desk.office_id


def completion(application_id: int, office_id: int, n: int = 1,
               capture: FingerCapture | None = None, **changes: object) -> Completion:
    return Completion(application_id, office_id, PHOTO, capture or fingers(),
                      documents(serial(n), n, **changes))


def evidence(national_code: str, card_serial: str, genuine: bool = True) -> CardEvidence:
    return CardEvidence(genuine, national_code, card_serial, 0x91)


def delivery(application_id: int, office_id: int, proof: CardEvidence,
             fee: int) -> DeliveryRecord:
    return DeliveryRecord(application_id, office_id, proof, fee, CounterMethod.POS, "POS-42")

