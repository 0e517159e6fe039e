"""Processor behaviour against a scripted card: the simulated chip never answers 61xx/6Cxx,
so these protocol paths are exercised with a small card written for them."""


import pytest

from apdu.command import CommandApdu
from apdu.errors import ApduFormatError
from apdu.processors import build_stack
from apdu.trace import TRAFFIC
from apdu.transport import CardInfo, DirectTransport, Protocol, Transport


class T0Card(Transport):
    """Answers like a T=0 card: case 4 responses come back through 61xx + GET RESPONSE,
    and a wrong Le gets 6Cxx."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.pending = b""
        self.log: list[bytes] = []

    @property
    def info(self) -> CardInfo:
        return CardInfo("scripted", b"", Protocol.T0)

    def transmit(self, command: bytes) -> bytes:
        self.log.append(command)
        apdu = CommandApdu.decode(command)
        if apdu.ins == 0xC0:
            chunk, self.pending = self.pending[: apdu.ne], self.pending[apdu.ne:]
            more = len(self.pending)
            return chunk + (bytes([0x61, min(more, 255) % 256]) if more else b"\x90\x00")
        if apdu.ins == 0xB0 and apdu.ne != 5:
            return b"\x6c\x05"
        if apdu.ins == 0xB0:
            return b"HELLO\x90\x00"
        if apdu.cla & 0x10:
            return b"\x90\x00"
        self.pending = self.payload
        return bytes([0x61, min(len(self.payload), 255) % 256])


def test_get_response_chain_is_followed():
    card = T0Card(bytes(range(256)) * 3)
    stack = build_stack(card, extended=True)  # T=0: extended is refused
    response = stack.send(CommandApdu(0, 0x88, 0, 0, b"\x01" * 8, ne=256))
    assert response.ok and response.data == bytes(range(256)) * 3
    assert all(len(c) <= 5 + 255 + 1 for c in card.log)


def test_wrong_le_is_reissued_with_the_exact_length():
    card = T0Card(b"")
    response = build_stack(card, extended=False).send(CommandApdu(0, 0xB0, 0, 0, ne=256))
    assert response.data == b"HELLO"
    assert card.log[-1][-1] == 5


def test_long_data_is_chained_when_extended_is_not_available():
    card = T0Card(b"ok")
    stack = build_stack(card, extended=False)
    response = stack.send(CommandApdu(0, 0x2A, 0x9E, 0x9A, b"\xab" * 600, ne=256))
    assert response.data == b"ok"
    chained = [c for c in card.log if c[0] & 0x10]
    assert len(chained) == 2 and card.log[2][0] == 0x00


def test_traffic_log_masks_sensitive_data(caplog):
    seen = []
    transport = DirectTransport(lambda raw: (seen.append(raw), b"\x90\x00")[1], b"")
    stack = build_stack(transport, extended=True)
    with caplog.at_level(TRAFFIC, logger="nidkiosk.apdu"):
        stack.send(CommandApdu(0, 0x20, 0, 0x81, b"123456", sensitive=True))
        stack.send(CommandApdu(0, 0xA4, 4, 0x0C, b"\xd3\x64"))
    text = caplog.text
    assert "123456" not in text and "313233343536" not in text
    assert "<6 bytes masked>" in text and "D364" in text


def test_response_chain_that_never_ends_is_an_error():
    class Endless(T0Card):
        def transmit(self, command: bytes) -> bytes:
            return b"\x00" * 10 + b"\x61\x0a"

    with pytest.raises(ApduFormatError, match="too long"):
        build_stack(Endless(b""), extended=False).send(CommandApdu(0, 0x88, 0, 0, b"x", ne=10))
