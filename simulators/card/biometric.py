"""Match-on-card (ISO/IEC 7816-11): the chip, not the kiosk, decides whether a finger matches.

Two fingers are enrolled at personalization as ISO/IEC 19794-2 compact card templates.
The biometric information template (GET DATA 7F61) tells the terminal how to build a
probe (count limits, minutiae order). VERIFY (odd INS 21) carries the probe in a
biometric data template 7F2E { 81 minutiae }. The retry counter is spent and persisted
before matching; a match sets the holder-verified state that lets RESET RETRY COUNTER
set a new PIN without the PUK.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu import tlv
from apdu.biometric_profile import (
    BIO_MAX_TRIES,
    FINGER_REFERENCES,
    TAG_BIOMETRIC_DATA,
    TAG_BIOMETRIC_DATA_TEMPLATE,
    BiometricInfo,
    FingerPosition,
    encode_bit_group,
)
from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.errors import TlvError
from biometric.compact import MinutiaeOrder, decode_compact
from biometric.errors import BiometricError
from biometric.matcher import match
from simulators.card.files import select_application_required
from simulators.card.pins import HOLDER_VERIFIED
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip
    from simulators.card.image import CardImage

BIO_TRIES = "bio.tries"
BIO_THRESHOLD = "bio.threshold"
BIO_MIN = "bio.min"
BIO_MAX = "bio.max"
BIO_ORDER = "bio.order"
BIO_VERIFIED = "BIO"


def reference_secret(ref: int) -> str:
    return f"bio.{ref:02x}.ref"


def position_counter(ref: int) -> str:
    """Which finger a reference holds, when not its default (an index finger that could
    not be enrolled is replaced by the next one; the BIT says which)."""
    return f"bio.{ref:02x}.position"


def enrolled(image: CardImage) -> list[int]:
    return [ref for ref in FINGER_REFERENCES if reference_secret(ref) in image.secrets]


def position_of(image: CardImage, ref: int) -> FingerPosition:
    stored = image.counters.get(position_counter(ref))
    return FingerPosition(stored) if stored is not None else FINGER_REFERENCES[ref]


def info(image: CardImage) -> list[BiometricInfo]:
    return [
        BiometricInfo(ref, position_of(image, ref), image.counters[BIO_MIN],
                      image.counters[BIO_MAX], image.counters[BIO_ORDER])
        for ref in enrolled(image)
    ]


def bit_group(chip: SimulatedChip) -> bytes:
    if not enrolled(chip.image):
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    return encode_bit_group(info(chip.image))


def _wrong(chip: SimulatedChip) -> CardStatus:
    chip.session.verified.discard(BIO_VERIFIED)
    chip.session.verified.discard(HOLDER_VERIFIED)
    left = chip.image.counters.get(BIO_TRIES, 0)
    return CardStatus(SW.AUTH_METHOD_BLOCKED if left == 0 else 0x63C0 | min(left, 15))


def _probe(chip: SimulatedChip, data: bytes) -> bytes:
    image = chip.image
    try:
        template = tlv.decode_single(data, TAG_BIOMETRIC_DATA_TEMPLATE).children()
        minutiae = tlv.require(template, TAG_BIOMETRIC_DATA).value
        decoded = decode_compact(minutiae, max_count=image.counters[BIO_MAX],
                                 order=_order(image))
    except (TlvError, BiometricError):
        raise CardStatus(SW.WRONG_DATA) from None  # malformed: no try spent
    if len(decoded) < image.counters[BIO_MIN]:
        raise CardStatus(SW.WRONG_DATA)
    return minutiae


def _order(image: CardImage) -> MinutiaeOrder:
    return MinutiaeOrder(image.counters[BIO_ORDER])


def verify_biometric(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    image = chip.image
    if command.p2 not in FINGER_REFERENCES:
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    secret = image.secrets.get(reference_secret(command.p2))
    if secret is None:
        raise CardStatus(SW.REFERENCE_DATA_NOT_USABLE)  # that finger was not enrolled
    if command.p1 == 0xFF:
        if command.data:
            raise CardStatus(SW.WRONG_LENGTH)
        chip.session.verified.discard(BIO_VERIFIED)
        chip.session.verified.discard(HOLDER_VERIFIED)
        return b""
    if command.p1 != 0x00:
        raise CardStatus(SW.INCORRECT_P1P2)
    if not command.data:
        if BIO_VERIFIED in chip.session.verified:
            return b""
        raise _wrong(chip)
    if image.counters.get(BIO_TRIES, 0) == 0:
        raise CardStatus(SW.AUTH_METHOD_BLOCKED)
    probe = _probe(chip, command.data)
    image.counters[BIO_TRIES] -= 1
    chip.store.commit("bio.spend")
    try:
        score = match(secret, probe)
    except BiometricError:
        score = 0  # a probe the matcher cannot use is a non-match; the try stays spent
    if score < image.counters[BIO_THRESHOLD]:
        raise _wrong(chip)
    image.counters[BIO_TRIES] = BIO_MAX_TRIES
    chip.store.commit("bio.restore")
    chip.session.verified.update((BIO_VERIFIED, HOLDER_VERIFIED))
    return b""


def bio_status(image: CardImage) -> tuple[int, int]:
    return image.counters.get(BIO_TRIES, 0), BIO_MAX_TRIES


HANDLERS = {Ins.VERIFY + 1: verify_biometric}
