"""ACTIVATE FILE on the application: the office hands the card over (PERSONALIZED -> ACTIVE).

Activation needs the holder verified on this card in this session, by finger (the
delivery procedure) or by PIN1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.pins import PinRef
from apdu.profile import Lifecycle
from simulators.card.files import select_application_required
from simulators.card.pins import HOLDER_VERIFIED, effective_lifecycle
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip


def activate(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    if command.p1 or command.p2:
        raise CardStatus(SW.INCORRECT_P1P2)
    if command.data:
        raise CardStatus(SW.WRONG_LENGTH)
    image = chip.image
    state = effective_lifecycle(image)
    if state in (Lifecycle.ACTIVE, Lifecycle.SIGNATURE_ACTIVE):
        return b""  # already delivered: nothing to do
    if state is not Lifecycle.PERSONALIZED:
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    verified = chip.session.verified
    if HOLDER_VERIFIED not in verified and PinRef.PIN1.name not in verified:
        raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
    image.lifecycle = Lifecycle.ACTIVE
    chip.store.commit("lifecycle.activate")
    return b""


HANDLERS = {Ins.ACTIVATE_FILE: activate}
