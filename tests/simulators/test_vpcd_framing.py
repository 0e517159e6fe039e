"""The bridge speaks vpcd's framing: every APDU gets an answer, control codes none.

The test plays vpcd's side of the socket (a listening TCP port, as vpcd in server
mode), so no pcscd or root is needed; tests/e2e/test_session_security.py does the same
through a real pcscd.
"""

import socket
import struct
import time

import pytest

from apdu.command import CommandApdu
from apdu.profile import NID_AID
from simulators.vpcd import VpcdSlot
from tests.conftest import KNOWN_PINS

SILENCE = 0.3
SELECT = CommandApdu(0x00, 0xA4, 0x04, 0x0C, NID_AID).encode()
VERIFY_PIN1 = bytes.fromhex("0020008108") + KNOWN_PINS.pin1.encode() + b"\xff\xff"
ASK_PIN1 = bytes.fromhex("00200081")


class FakeVpcd:
    """vpcd's end of the connection: sends frames, reads answers."""

    def __init__(self, chip) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.slot = VpcdSlot(self.server.getsockname()[1], control_silence=SILENCE)
        self.slot.insert(chip)
        self.server.settimeout(5)
        self.sock, _ = self.server.accept()

    def send(self, payload: bytes) -> None:
        self.sock.sendall(struct.pack(">H", len(payload)) + payload)

    def answer(self, timeout: float = 5.0) -> bytes | None:
        """The next frame from the bridge, None if none came within ``timeout``."""
        self.sock.settimeout(timeout)
        try:
            header = self.sock.recv(2, socket.MSG_WAITALL)
        except TimeoutError:
            return None
        if len(header) < 2:
            raise ConnectionError("the bridge closed the connection")
        (length,) = struct.unpack(">H", header)
        return self.sock.recv(length, socket.MSG_WAITALL) if length else b""

    def exchange(self, payload: bytes) -> bytes | None:
        self.send(payload)
        return self.answer()

    def close(self) -> None:
        self.slot.stop()
        self.sock.close()
        self.server.close()


@pytest.fixture
def vpcd(cards):
    chip = cards.chip(90, persistent=False)
    fake = FakeVpcd(chip)
    yield fake, chip
    fake.close()


def test_control_codes_as_vpcd_sends_them(vpcd):
    fake, chip = vpcd
    fake.send(b"\x01")  # power on, then vpcd asks for the ATR at once
    assert fake.exchange(b"\x04") == chip.atr
    assert fake.exchange(SELECT)[-2:] == b"\x90\x00"
    assert fake.exchange(VERIFY_PIN1)[-2:] == b"\x90\x00"
    fake.send(b"\x02")  # reset: verified state gone
    assert fake.exchange(b"\x04") == chip.atr
    fake.exchange(SELECT)
    assert fake.exchange(ASK_PIN1)[-2:] == b"\x63\xc3"
    assert fake.exchange(VERIFY_PIN1)[-2:] == b"\x90\x00"
    fake.send(b"\x00")  # power off; pcscd's poll asks for the ATR soon after
    time.sleep(SILENCE / 3)
    assert fake.exchange(b"\x04") == chip.atr
    assert fake.answer(timeout=SILENCE * 2) is None  # nothing unasked for
    assert not chip.session.verified


@pytest.mark.parametrize("apdu", [b"\x05", b"\x03", b"\xff", b"\x00\xa4", b"\x00\xa4\x04"])
def test_short_apdus_get_a_status_word_at_once(vpcd, apdu):
    fake, _chip = vpcd
    started = time.monotonic()
    assert fake.exchange(apdu) == b"\x67\x00"
    assert time.monotonic() - started < SILENCE
    assert fake.exchange(SELECT)[-2:] == b"\x90\x00"


@pytest.mark.parametrize("apdu", [b"\x00", b"\x01", b"\x02"])
def test_a_one_byte_apdu_that_looks_like_control_is_answered_after_silence(vpcd, apdu):
    fake, _chip = vpcd
    started = time.monotonic()
    assert fake.exchange(apdu) == b"\x67\x00"  # vpcd said nothing more: it was an APDU
    assert SILENCE <= time.monotonic() - started < SILENCE + 1
    assert fake.exchange(SELECT)[-2:] == b"\x90\x00"
    assert fake.answer(timeout=SILENCE * 2) is None


def test_frozen_card_answers_nothing_until_thawed(vpcd):
    fake, _chip = vpcd
    fake.exchange(SELECT)
    fake.slot.freeze()
    assert fake.slot.status().frozen
    fake.send(ASK_PIN1)
    assert fake.answer(timeout=0.5) is None
    fake.slot.thaw()
    assert fake.answer()[-2:] == b"\x63\xc3"


def test_frozen_card_pulled_closes_the_connection(vpcd):
    fake, _chip = vpcd
    fake.slot.freeze()
    fake.send(SELECT)
    assert fake.answer(timeout=0.3) is None
    fake.slot.remove()
    with pytest.raises(ConnectionError):
        fake.answer(timeout=2)
    fake.slot.thaw()
