"""GET DATA on the simulated chip: lifecycle and the status of every PIN in one answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu import tlv
from apdu.biometric_profile import TAG_BIT_GROUP
from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.pins import TAG_PIN_STATUS
from apdu.profile import Tag
from simulators.card.biometric import bit_group
from simulators.card.pins import effective_lifecycle, pin_status
from simulators.card.signature import signature_status
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip


def get_data(chip: SimulatedChip, command: CommandApdu) -> bytes:
    tag = (command.p1 << 8) | command.p2
    if command.data:
        raise CardStatus(SW.WRONG_LENGTH)
    if tag == Tag.LIFECYCLE:
        return tlv.build(Tag.LIFECYCLE, bytes([effective_lifecycle(chip.image)])).encode()
    if tag == TAG_PIN_STATUS:
        return pin_status(chip)
    if tag == Tag.SIGNATURE_STATUS:
        return signature_status(chip)
    if tag == TAG_BIT_GROUP:
        return bit_group(chip)
    raise CardStatus(SW.REFERENCE_NOT_FOUND)


HANDLERS = {Ins.GET_DATA: get_data}
