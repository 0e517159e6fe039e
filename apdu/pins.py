"""The PIN model shared by chip and client: references, formats, limits, status encoding."""

from __future__ import annotations

from dataclasses import dataclass

from apdu import tlv
from apdu.constants import PinRef, PinState
from apdu.errors import PinFormatError, PinFormatProblem, ProfileError, TlvError

PIN_BLOCK_LENGTH = 8
PAD = 0xFF


@dataclass(frozen=True)
class PinRule:
    min_length: int
    max_length: int
    max_tries: int


PIN_RULES: dict[PinRef, PinRule] = {
    PinRef.PIN1: PinRule(4, 8, 3),
    PinRef.PIN2: PinRule(6, 8, 3),
    PinRef.PUK: PinRule(8, 8, 10),
}

# GET DATA object with the status of every reference, and its inner tags.
TAG_PIN_STATUS = 0xBF21  # constructed, context-specific
TAG_REFERENCE_TEMPLATE = 0xA1
TAG_REFERENCE = 0x83
TAG_TRIES_LEFT = 0x9F17  # ISO 7816-6: PIN try counter
TAG_TRIES_LIMIT = 0x9F18
TAG_STATE = 0xC0

# RESET RETRY COUNTER P1 (ISO 7816-4 section 11.5.10)
RRC_PUK_AND_NEW_PIN = 0x00
RRC_PUK_ONLY = 0x01
RRC_NEW_PIN_ONLY = 0x02  # after the holder was verified by finger (issue 4)
# CHANGE REFERENCE DATA P1
CRD_OLD_AND_NEW = 0x00
CRD_NEW_ONLY = 0x01  # first setting of PIN2 during signature activation


def encode_pin(pin: str, ref: PinRef) -> bytes:
    """ASCII digits padded with FF to 8 bytes: the block the chip compares."""
    rule = PIN_RULES[ref]
    if not pin.isascii() or not pin.isdigit():
        raise PinFormatError(ref, PinFormatProblem.NOT_DIGITS)
    if not rule.min_length <= len(pin) <= rule.max_length:
        raise PinFormatError(ref, PinFormatProblem.LENGTH, rule.min_length, rule.max_length)
    return pin.encode("ascii").ljust(PIN_BLOCK_LENGTH, bytes([PAD]))


def pin_block_valid(block: bytes, ref: PinRef) -> bool:
    """Whether a received PIN block is well formed (the chip checks before comparing)."""
    if len(block) != PIN_BLOCK_LENGTH:
        return False
    digits = block.rstrip(bytes([PAD]))
    rule = PIN_RULES[ref]
    return (rule.min_length <= len(digits) <= rule.max_length
            and all(0x30 <= b <= 0x39 for b in digits))


@dataclass(frozen=True)
class PinStatus:
    reference: PinRef
    tries_left: int
    max_tries: int
    state: PinState

    @property
    def blocked(self) -> bool:
        return self.state is PinState.BLOCKED


def encode_status(statuses: list[PinStatus]) -> bytes:
    return tlv.build(TAG_PIN_STATUS, [
        tlv.build(TAG_REFERENCE_TEMPLATE, [
            tlv.build(TAG_REFERENCE, bytes([s.reference])),
            tlv.build(TAG_TRIES_LEFT, bytes([s.tries_left])),
            tlv.build(TAG_TRIES_LIMIT, bytes([s.max_tries])),
            tlv.build(TAG_STATE, bytes([s.state])),
        ])
        for s in statuses
    ]).encode()


def decode_status(raw: bytes) -> dict[PinRef, PinStatus]:
    try:
        result: dict[PinRef, PinStatus] = {}
        for template in tlv.decode_single(raw, TAG_PIN_STATUS).children():
            fields = template.children()
            ref = PinRef(tlv.require(fields, TAG_REFERENCE).value[0])
            result[ref] = PinStatus(
                ref,
                tlv.require(fields, TAG_TRIES_LEFT).value[0],
                tlv.require(fields, TAG_TRIES_LIMIT).value[0],
                PinState(tlv.require(fields, TAG_STATE).value[0]),
            )
        return result
    except (TlvError, ValueError, IndexError) as exc:
        raise ProfileError(f"PIN status object is malformed: {exc}") from exc
