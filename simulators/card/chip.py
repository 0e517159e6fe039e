"""The simulated chip: takes command APDU bytes, returns response APDU bytes.

It never raises for anything a terminal sends: malformed bytes, unknown
instructions, wrong lengths and internal faults all become status words. Only an
injected :class:`~simulators.card.store.PowerLoss` escapes, as a card without power
answers nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from apdu.command import CommandApdu
from apdu.constants import CLA_CHAINING, SW, Ins
from apdu.errors import ApduFormatError
from apdu.profile import ATR, Lifecycle
from simulators.card import biometric, data, files, lifecycle, pins, security, signature
from simulators.card.filesystem import MF, FileSystem, Selection
from simulators.card.status import CardStatus
from simulators.card.store import CardStore, PowerLoss

logger = logging.getLogger("nidkiosk.sim.card")

Handler = Callable[["SimulatedChip", CommandApdu], bytes]
HandlerTable = dict[int, Handler]

# Instructions whose data may arrive in a command chain (CLA bit 0x10).
CHAINABLE = {
    Ins.VERIFY, Ins.VERIFY + 1, Ins.CHANGE_REFERENCE_DATA, Ins.RESET_RETRY_COUNTER,
    Ins.PERFORM_SECURITY_OPERATION, Ins.UPDATE_BINARY, Ins.PUT_DATA,
    Ins.INTERNAL_AUTHENTICATE,
}
MAX_CHAIN_BYTES = 65535


@dataclass
class Session:
    """Volatile state: lost on power off, reset, or (partly) on deselect."""

    selection: Selection = field(default_factory=lambda: Selection(MF, None))
    verified: set[str] = field(default_factory=set)
    chain_header: tuple[int, int, int] | None = None
    chain_data: bytearray = field(default_factory=bytearray)
    challenge: bytes | None = None
    signature_algorithm: int | None = None  # set by MSE SET, for PSO


class SimulatedChip:
    """One card. Thread-compatible: the bridge serialises calls per card."""

    handlers: HandlerTable = {}

    def __init__(self, store: CardStore) -> None:
        self.store = store
        self.session = Session()
        self.powered = False
        self.atr = ATR
        self.commands = 0
        # fault injection: called with each decoded command; may raise PowerLoss (card pulled)
        self.command_hook: Callable[[CommandApdu], None] | None = None

    @property
    def image(self):  # noqa: ANN201 - the store's live image
        return self.store.image

    @property
    def fs(self) -> FileSystem:
        return FileSystem(self.store.image)

    # -- power ---------------------------------------------------------------
    def power_on(self) -> bytes:
        self.store.reload()
        self.session = Session()
        self.powered = True
        return self.atr

    def power_off(self) -> None:
        self.session = Session()
        self.powered = False

    def reset(self) -> bytes:
        return self.power_on()

    # -- processing ----------------------------------------------------------
    def process(self, raw: bytes) -> bytes:
        """Execute one command APDU; always returns a response (data + SW)."""
        if not self.powered:
            self.power_on()
        self.commands += 1
        try:
            command = CommandApdu.decode(raw)
        except ApduFormatError:
            return _sw(SW.WRONG_LENGTH)
        try:
            if self.command_hook is not None:
                self.command_hook(command)
            data = self._dispatch(command)
            return data + b"\x90\x00"
        except CardStatus as status:
            return status.data + status.sw.to_bytes(2, "big")
        except PowerLoss:
            self.powered = False
            self.session = Session()
            raise
        except Exception:  # the chip answers, whatever went wrong inside
            logger.exception("internal fault processing INS %02X", command.ins)
            return _sw(SW.NO_PRECISE_DIAGNOSIS)

    def _dispatch(self, command: CommandApdu) -> bytes:
        cla = command.cla
        if cla & 0x80 or cla == 0xFF:
            raise CardStatus(SW.CLA_NOT_SUPPORTED)
        if cla & 0x0C:
            raise CardStatus(SW.SECURE_MESSAGING_NOT_SUPPORTED)
        if cla & 0x03 or cla & 0x40:
            raise CardStatus(SW.LOGICAL_CHANNEL_NOT_SUPPORTED)
        handler = self.handlers.get(command.ins)
        if handler is None:
            self._drop_chain()
            raise CardStatus(SW.INS_NOT_SUPPORTED)
        if self.image.lifecycle == Lifecycle.TERMINATED and command.ins != Ins.SELECT:
            raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
        assembled = self._assemble_chain(command)
        if assembled is None:
            return b""
        return handler(self, assembled)

    def _assemble_chain(self, command: CommandApdu) -> CommandApdu | None:
        header = (command.ins, command.p1, command.p2)
        chained = bool(command.cla & CLA_CHAINING)
        session = self.session
        if session.chain_header is not None and session.chain_header != header:
            self._drop_chain()
            raise CardStatus(SW.LAST_COMMAND_EXPECTED)
        if chained:
            if command.ins not in CHAINABLE:
                raise CardStatus(SW.COMMAND_CHAINING_NOT_SUPPORTED)
            if len(session.chain_data) + len(command.data) > MAX_CHAIN_BYTES:
                self._drop_chain()
                raise CardStatus(SW.WRONG_LENGTH)
            session.chain_header = header
            session.chain_data += command.data
            return None
        if session.chain_header is None:
            return command
        data = bytes(session.chain_data) + command.data
        self._drop_chain()
        return CommandApdu(
            command.cla, command.ins, command.p1, command.p2, data, command.ne, True
        )

    def _drop_chain(self) -> None:
        self.session.chain_header = None
        self.session.chain_data = bytearray()

    def random(self, length: int) -> bytes:
        return secrets.token_bytes(length)


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


for _module in (files, security, pins, data, signature, lifecycle, biometric):
    SimulatedChip.handlers.update({int(ins): fn for ins, fn in _module.HANDLERS.items()})
