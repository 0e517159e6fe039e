"""Small composable processors between the card client and the transport.

Each wraps a ``delegate`` and does one job: formatting to bytes (short or extended),
command chaining, response chaining (61xx / GET RESPONSE) and Le correction (6Cxx).
Secure messaging would slot in the same way.
"""

from __future__ import annotations

import abc

from apdu.command import SHORT_MAX_NC, SHORT_MAX_NE, CommandApdu, ResponseApdu
from apdu.constants import CLA_CHAINING, SW_MORE_DATA, SW_WRONG_LE, Ins
from apdu.errors import ApduFormatError
from apdu.trace import trace_exchange
from apdu.transport import Protocol, Transport

MAX_RESPONSE_CHAIN = 1024  # GET RESPONSE rounds before we call the card broken


class ApduProcessor(abc.ABC):
    @abc.abstractmethod
    def send(self, command: CommandApdu) -> ResponseApdu: ...


class TransportProcessor(ApduProcessor):
    """Encodes to bytes, transmits, decodes, and traces each real exchange."""

    def __init__(self, transport: Transport, extended: bool) -> None:
        self.transport = transport
        self.extended = extended
        self.exchanges = 0

    def send(self, command: CommandApdu) -> ResponseApdu:
        if not self.extended:
            if len(command.data) > SHORT_MAX_NC:
                raise ApduFormatError("command data too long for a short APDU: chain it")
            command = command.short_form()
            if (command.ne or 0) > SHORT_MAX_NE:
                command = command.with_ne(SHORT_MAX_NE)
        self.exchanges += 1
        response = ResponseApdu.decode(self.transport.transmit(command.encode()))
        trace_exchange(command, response)
        return response


class CommandChainingProcessor(ApduProcessor):
    """Splits data longer than one short APDU into a chain (CLA bit 0x10).

    Used only when the card or the link cannot take extended lengths.
    """

    def __init__(self, delegate: ApduProcessor, enabled: bool) -> None:
        self.delegate = delegate
        self.enabled = enabled

    def send(self, command: CommandApdu) -> ResponseApdu:
        if not self.enabled or len(command.data) <= SHORT_MAX_NC:
            return self.delegate.send(command)
        data = command.data
        chunks = [data[i : i + SHORT_MAX_NC] for i in range(0, len(data), SHORT_MAX_NC)]
        for chunk in chunks[:-1]:
            part = CommandApdu(
                command.cla | CLA_CHAINING, command.ins, command.p1, command.p2, chunk,
                sensitive=command.sensitive,
            )
            response = self.delegate.send(part)
            if not response.ok:
                return response
        last = CommandApdu(
            command.cla, command.ins, command.p1, command.p2, chunks[-1], command.ne,
            sensitive=command.sensitive,
        )
        return self.delegate.send(last)


class ResponseChainingProcessor(ApduProcessor):
    """Follows 61xx with GET RESPONSE and re-issues on 6Cxx with the exact Le."""

    def __init__(self, delegate: ApduProcessor) -> None:
        self.delegate = delegate

    def send(self, command: CommandApdu) -> ResponseApdu:
        response = self.delegate.send(command)
        if response.sw1 == SW_WRONG_LE:
            response = self.delegate.send(command.with_ne(response.sw2 or SHORT_MAX_NE))
        data = bytearray(response.data)
        rounds = 0
        while response.sw1 == SW_MORE_DATA:
            rounds += 1
            if rounds > MAX_RESPONSE_CHAIN:
                raise ApduFormatError("card keeps answering 61xx: response chain too long")
            get_response = CommandApdu(
                command.cla & ~CLA_CHAINING & 0xFF, Ins.GET_RESPONSE, 0, 0,
                ne=response.sw2 or SHORT_MAX_NE,
            )
            response = self.delegate.send(get_response)
            data += response.data
        return ResponseApdu(bytes(data), response.sw)


def build_stack(transport: Transport, extended: bool) -> ApduProcessor:
    """The usual stack: chaining on top, response handling, formatting at the bottom.

    T=0 cannot carry extended APDUs (ISO/IEC 7816-3 case 4 goes through 61xx), so
    extended lengths are used only over T=1 or in-process.
    """
    use_extended = extended and transport.info.protocol != Protocol.T0
    bottom = TransportProcessor(transport, use_extended)
    return CommandChainingProcessor(ResponseChainingProcessor(bottom), not use_extended)
