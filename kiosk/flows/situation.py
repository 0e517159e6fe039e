"""What a card allows right now, read without spending a single try.

A face shows the services menu from this: tries left before any PIN is asked, PIN2
only once the signature key is active, "forgot my PIN" only while a finger can still
be tried, delivery only for a card that waits for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from apdu.biometric_profile import BIO_MAX_TRIES, BiometricInfo
from apdu.client import NidCard
from apdu.constants import PinRef, PinState
from apdu.errors import CardFileNotFoundError
from apdu.pins import PinStatus
from apdu.profile import Lifecycle, SignatureKeyState
from apdu.signature_client import SignatureStatus


class Service(Enum):
    """The card services a kiosk or an office offers."""

    READ = "read"
    PIN_STATUS = "pin-status"
    CHANGE_PIN1 = "change-pin1"
    CHANGE_PIN2 = "change-pin2"
    UNBLOCK_PIN1 = "unblock-pin1"
    UNBLOCK_PIN2 = "unblock-pin2"
    RESET_PIN1_BY_FINGER = "reset-pin1-by-finger"
    RESET_PIN2_BY_FINGER = "reset-pin2-by-finger"
    VERIFY_FINGER = "verify-finger"
    DELIVER = "deliver"  # office only
    ACTIVATE_SIGNATURE = "activate-signature"
    SIGN = "sign"


@dataclass(frozen=True)
class FingerState:
    info: BiometricInfo
    tries_left: int  # 0: blocked


@dataclass(frozen=True)
class CardSituation:
    """A snapshot of the card's state: lifecycle, every PIN, the signature key, fingers."""

    lifecycle: Lifecycle
    pins: dict[PinRef, PinStatus]
    signature: SignatureStatus
    fingers: tuple[FingerState, ...]

    def pin(self, ref: PinRef) -> PinStatus:
        return self.pins[ref]

    @property
    def puk_used_up(self) -> bool:
        return self.pins[PinRef.PUK].blocked

    @property
    def delivered(self) -> bool:
        return self.lifecycle in (Lifecycle.ACTIVE, Lifecycle.SIGNATURE_ACTIVE)

    @property
    def finger_usable(self) -> bool:
        return any(finger.tries_left > 0 for finger in self.fingers)

    def finger(self, reference: int | None = None) -> FingerState | None:
        """The finger with ``reference``, or the first one that can still be tried."""
        for finger in self.fingers:
            if reference is None and finger.tries_left > 0:
                return finger
            if finger.info.reference == reference:
                return finger
        return None

    def allows(self) -> frozenset[Service]:
        return allowed_services(self)


def survey(card: NidCard) -> CardSituation:
    """Lifecycle, PIN statuses, signature key and finger tries: no try is spent."""
    lifecycle = card.lifecycle()
    pins = card.pin_status()
    signature = card.signature_status()
    fingers = []
    try:
        enrolled = card.biometric_info()
    except CardFileNotFoundError:
        enrolled = []  # a card issued without fingerprints
    for info in enrolled:
        left = card.finger_tries_left(info.reference)  # None: matched in this session
        fingers.append(FingerState(info, BIO_MAX_TRIES if left is None else left))
    return CardSituation(lifecycle, pins, signature, tuple(fingers))


def _pin_usable(situation: CardSituation, ref: PinRef) -> bool:
    return situation.pins[ref].state is PinState.USABLE


def allowed_services(situation: CardSituation) -> frozenset[Service]:
    """Every service that can run on this card now (each flow re-checks on its own)."""
    allowed = {Service.READ, Service.PIN_STATUS}
    if situation.lifecycle in (Lifecycle.BLOCKED, Lifecycle.TERMINATED):
        return frozenset(allowed)
    if situation.lifecycle is Lifecycle.PERSONALIZED:
        if situation.finger_usable:
            allowed.add(Service.DELIVER)
        return frozenset(allowed)
    pin2_set = situation.pins[PinRef.PIN2].state is not PinState.NOT_SET
    puk_ok = not situation.puk_used_up
    if _pin_usable(situation, PinRef.PIN1) and puk_ok:
        allowed.add(Service.CHANGE_PIN1)
    if pin2_set and _pin_usable(situation, PinRef.PIN2) and puk_ok:
        allowed.add(Service.CHANGE_PIN2)
    if puk_ok:
        allowed.add(Service.UNBLOCK_PIN1)
        if pin2_set:
            allowed.add(Service.UNBLOCK_PIN2)
    if situation.finger_usable:
        allowed |= {Service.VERIFY_FINGER, Service.RESET_PIN1_BY_FINGER}
        if pin2_set:
            allowed.add(Service.RESET_PIN2_BY_FINGER)
    if _pin_usable(situation, PinRef.PIN1) and (
            pin2_set is False or _pin_usable(situation, PinRef.PIN2)):
        allowed.add(Service.ACTIVATE_SIGNATURE)
    if situation.signature.state is SignatureKeyState.CERTIFIED and _pin_usable(
            situation, PinRef.PIN2):
        allowed.add(Service.SIGN)
    return frozenset(allowed)
