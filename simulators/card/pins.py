"""PIN handling on the chip: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, status.

Safe against tearing: a try is spent and persisted *before* the comparison, the
comparison is constant-time over keyed hashes, and every change of reference data
and counters lands in one atomic write. Whatever write power is cut at, the PIN is
either the old or the new one, a spent try stays spent and no counter resets itself.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.pins import (
    CRD_NEW_ONLY,
    CRD_OLD_AND_NEW,
    PIN_BLOCK_LENGTH,
    PIN_RULES,
    RRC_NEW_PIN_ONLY,
    RRC_PUK_AND_NEW_PIN,
    RRC_PUK_ONLY,
    PinRef,
    PinState,
    PinStatus,
    encode_status,
    pin_block_valid,
)
from apdu.profile import Lifecycle, SignatureKeyState
from simulators.card.files import select_application_required
from simulators.card.signature import key_state
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip
    from simulators.card.image import CardImage

SALT_SECRET = "pin.salt"
HOLDER_VERIFIED = "HOLDER"  # set by a biometric match (issue 4)
RRC_COUNTER_ONLY = 0x03  # reset the counter after a finger match, keep the PIN


def _ref_secret(ref: PinRef) -> str:
    return f"{ref.name.lower()}.ref"


def _tries_counter(ref: PinRef) -> str:
    return f"{ref.name.lower()}.tries"


def reference_hash(image: CardImage, block: bytes) -> bytes:
    return hmac.new(image.secrets[SALT_SECRET], block, hashlib.sha256).digest()


def set_reference(image: CardImage, ref: PinRef, block: bytes) -> None:
    """Store new reference data and a full counter (one write by the caller)."""
    image.secrets[_ref_secret(ref)] = reference_hash(image, block)
    image.counters[_tries_counter(ref)] = PIN_RULES[ref].max_tries


def tries_left(image: CardImage, ref: PinRef) -> int:
    return image.counters.get(_tries_counter(ref), 0)


def state_of(image: CardImage, ref: PinRef) -> PinState:
    if _ref_secret(ref) not in image.secrets:
        return PinState.NOT_SET
    return PinState.BLOCKED if tries_left(image, ref) == 0 else PinState.USABLE


def puk_used_up(image: CardImage) -> bool:
    return state_of(image, PinRef.PUK) is PinState.BLOCKED


def effective_lifecycle(image: CardImage) -> Lifecycle:
    """A used-up PUK blocks the card's PIN services, whatever lifecycle was stored."""
    if image.lifecycle is not Lifecycle.TERMINATED and puk_used_up(image):
        return Lifecycle.BLOCKED
    return image.lifecycle


def signature_being_activated(image: CardImage) -> bool:
    """A delivered card whose signature key is generated and not yet certified.

    The only state in which the first PIN2 may be chosen: before it, PIN2 would guard
    nothing and anyone holding PIN1 could set it ahead of the holder's activation.
    """
    return (effective_lifecycle(image) is Lifecycle.ACTIVE
            and key_state(image) is SignatureKeyState.GENERATED)


def _reference(p2: int, allowed: tuple[PinRef, ...]) -> PinRef:
    try:
        ref = PinRef(p2)
    except ValueError:
        raise CardStatus(SW.REFERENCE_NOT_FOUND) from None
    if ref not in allowed:
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    return ref


def _require_usable(image: CardImage, ref: PinRef) -> None:
    state = state_of(image, ref)
    if state is PinState.NOT_SET:
        raise CardStatus(SW.REFERENCE_DATA_NOT_USABLE)
    if state is PinState.BLOCKED:
        raise CardStatus(SW.AUTH_METHOD_BLOCKED)


def _blocks(data: bytes, count: int, refs: tuple[PinRef, ...]) -> list[bytes]:
    if len(data) != count * PIN_BLOCK_LENGTH:
        raise CardStatus(SW.WRONG_LENGTH)
    blocks = [data[i * PIN_BLOCK_LENGTH:(i + 1) * PIN_BLOCK_LENGTH] for i in range(count)]
    if not all(pin_block_valid(b, r) for b, r in zip(blocks, refs)):
        raise CardStatus(SW.WRONG_DATA)  # malformed block: rejected before any try is spent
    return blocks


def _spend_and_compare(chip: SimulatedChip, ref: PinRef, block: bytes, label: str) -> bool:
    """Decrement and persist the counter, then compare in constant time."""
    image = chip.image
    image.counters[_tries_counter(ref)] = tries_left(image, ref) - 1
    chip.store.commit(f"{label}.spend")
    return hmac.compare_digest(reference_hash(image, block), image.secrets[_ref_secret(ref)])


def _wrong(chip: SimulatedChip, ref: PinRef) -> CardStatus:
    chip.session.verified.discard(ref.name)
    left = tries_left(chip.image, ref)
    return CardStatus(SW.AUTH_METHOD_BLOCKED if left == 0 else 0x63C0 | min(left, 15))


def verify(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    ref = _reference(command.p2, tuple(PinRef))
    if command.p1 == 0xFF:
        if command.data:
            raise CardStatus(SW.WRONG_LENGTH)
        chip.session.verified.discard(ref.name)
        return b""
    if command.p1 != 0x00:
        raise CardStatus(SW.INCORRECT_P1P2)
    image = chip.image
    if not command.data:
        if state_of(image, ref) is PinState.NOT_SET:
            raise CardStatus(SW.REFERENCE_DATA_NOT_USABLE)
        if ref.name in chip.session.verified:
            return b""
        raise _wrong(chip, ref)
    _require_usable(image, ref)
    (block,) = _blocks(command.data, 1, (ref,))
    if not _spend_and_compare(chip, ref, block, "verify"):
        raise _wrong(chip, ref)
    image.counters[_tries_counter(ref)] = PIN_RULES[ref].max_tries
    chip.store.commit("verify.restore")
    chip.session.verified.add(ref.name)
    return b""


def change_reference_data(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    ref = _reference(command.p2, tuple(PinRef))
    image = chip.image
    if command.p1 == CRD_NEW_ONLY:
        # the first PIN2: only while a signature key is being activated (delivered card,
        # key generated and not yet certified), and only after PIN1
        if ref is not PinRef.PIN2 or state_of(image, ref) is not PinState.NOT_SET \
                or not signature_being_activated(image):
            raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
        if PinRef.PIN1.name not in chip.session.verified:
            raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
        (new,) = _blocks(command.data, 1, (ref,))
        set_reference(image, ref, new)
        chip.store.commit("change.initial")
        return b""
    if command.p1 != CRD_OLD_AND_NEW:
        raise CardStatus(SW.INCORRECT_P1P2)
    if puk_used_up(image):
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    _require_usable(image, ref)
    old, new = _blocks(command.data, 2, (ref, ref))
    if not _spend_and_compare(chip, ref, old, "change"):
        raise _wrong(chip, ref)
    set_reference(image, ref, new)
    chip.store.commit("change.write")
    chip.session.verified.add(ref.name)
    return b""


def reset_retry_counter(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    ref = _reference(command.p2, (PinRef.PIN1, PinRef.PIN2))
    image = chip.image
    if state_of(image, ref) is PinState.NOT_SET:
        raise CardStatus(SW.REFERENCE_DATA_NOT_USABLE)
    if command.p1 in (RRC_NEW_PIN_ONLY, RRC_COUNTER_ONLY):
        if HOLDER_VERIFIED not in chip.session.verified:
            raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
        if command.p1 == RRC_NEW_PIN_ONLY:
            (chosen,) = _blocks(command.data, 1, (ref,))
            set_reference(image, ref, chosen)
        else:
            if command.data:
                raise CardStatus(SW.WRONG_LENGTH)
            image.counters[_tries_counter(ref)] = PIN_RULES[ref].max_tries
        chip.session.verified.discard(HOLDER_VERIFIED)  # one reset per finger match
        chip.store.commit("rrc.holder")
        return b""
    if command.p1 not in (RRC_PUK_AND_NEW_PIN, RRC_PUK_ONLY):
        raise CardStatus(SW.INCORRECT_P1P2)
    _require_usable(image, PinRef.PUK)
    new: bytes | None
    if command.p1 == RRC_PUK_AND_NEW_PIN:
        puk, new = _blocks(command.data, 2, (PinRef.PUK, ref))
    else:
        (puk,) = _blocks(command.data, 1, (PinRef.PUK,))
        new = None
    if not _spend_and_compare(chip, PinRef.PUK, puk, "rrc"):
        raise _wrong(chip, PinRef.PUK)
    if new is not None:
        set_reference(image, ref, new)
    image.counters[_tries_counter(ref)] = PIN_RULES[ref].max_tries
    image.counters[_tries_counter(PinRef.PUK)] = PIN_RULES[PinRef.PUK].max_tries
    chip.store.commit("rrc.write")
    chip.session.verified.discard(ref.name)
    return b""


def pin_status(chip: SimulatedChip) -> bytes:
    image = chip.image
    return encode_status([
        PinStatus(ref, tries_left(image, ref), PIN_RULES[ref].max_tries, state_of(image, ref))
        for ref in PinRef
    ])


HANDLERS = {
    Ins.VERIFY: verify,
    Ins.CHANGE_REFERENCE_DATA: change_reference_data,
    Ins.RESET_RETRY_COUNTER: reset_retry_counter,
}
