"""A session's verified state ends with it: close, exceptions, interrupts, exclusive blocks.

In-process against the simulated chip; tests/e2e/test_session_security.py shows the
same from a second process through pcscd.
"""

import hashlib
import threading
import time

import pytest

from apdu.client import NidCard
from apdu.command import CommandApdu
from apdu.constants import Ins
from apdu.errors import CardRemovedError
from apdu.pins import PinRef
from apdu.profile import NID_AID
from apdu.transport import Deadlines, DirectTransport
from tests.apdu.activated import PIN2, activate_signature
from tests.conftest import KNOWN_PINS

SELECT = CommandApdu(0x00, Ins.SELECT, 0x04, 0x0C, NID_AID).encode()
DIGEST = hashlib.sha256(b"a document").digest()


def sw(chip, hex_apdu: str) -> int:
    """What another terminal would get: select, then the command, on the same card."""
    chip.process(SELECT)
    return int.from_bytes(chip.process(bytes.fromhex(hex_apdu))[-2:], "big")


@pytest.fixture
def chip(cards):
    return cards.chip(91, persistent=False, fingers=False)


def test_close_drops_the_verification(chip):
    card = NidCard(DirectTransport(chip.process, chip.atr))  # no reset: only VERIFY FF helps
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert sw(chip, "00200081") == 0x9000
    card.close()
    assert sw(chip, "00200081") == 0x63C3
    assert not chip.session.verified
    card.close()  # idempotent


@pytest.mark.parametrize("raised", [ValueError, KeyboardInterrupt])
def test_a_raising_or_interrupted_caller_leaves_nothing_verified(chip, raised):
    resets = []
    transport = DirectTransport(chip.process, chip.atr, reset=lambda: resets.append(chip.reset()))
    with pytest.raises(raised), NidCard(transport) as card:
        card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
        raise raised
    assert sw(chip, "00200081") == 0x63C3
    assert len(resets) == 1  # and the card was reset on the way out


def test_close_never_raises_when_the_card_was_pulled(chip):
    pulled = threading.Event()

    def process(raw: bytes) -> bytes:
        if pulled.is_set():
            raise CardRemovedError("transmit: the card was removed")
        return chip.process(raw)

    card = NidCard(DirectTransport(process, chip.atr))
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    pulled.set()
    card.close()


def test_a_read_only_session_spends_no_apdu_on_closing(chip):
    card = NidCard(DirectTransport(chip.process, chip.atr))
    card.select_application()
    before = chip.commands
    card.close()
    assert chip.commands == before


def test_exclusive_block_drops_verification_and_resets_on_exit(chip):
    resets = []
    card = NidCard(DirectTransport(chip.process, chip.atr, reset=lambda: resets.append(1)))
    with card.exclusive():
        card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
        with card.exclusive():  # re-entrant: the inner block neither resets nor clears
            pass
        assert resets == [] and sw(chip, "00200081") == 0x9000
    assert resets == [1]
    assert sw(chip, "00200081") == 0x63C3


def test_exclusive_keeps_other_threads_out(chip):
    card = NidCard(DirectTransport(chip.process, chip.atr))
    other = NidCard(card.transport)  # a second user of the same connection
    seen = []
    with card.exclusive():
        thread = threading.Thread(target=lambda: seen.append(other.tries_left(PinRef.PIN1)))
        thread.start()
        card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
        time.sleep(0.1)
        assert thread.is_alive() and seen == []
    thread.join(2)
    assert seen == [3]  # it ran after the block, when PIN1 was no longer verified


def test_signing_inside_exclusive_blocks_and_nothing_after(cards):
    chip = cards.chip(92, persistent=False)
    activate_signature(chip)
    card = NidCard(DirectTransport(chip.process, chip.atr, reset=chip.reset))
    for _ in range(2):  # the security environment is set again after each reset
        with card.exclusive():
            card.verify_pin(PinRef.PIN2, PIN2)
            assert len(card.sign_digest(DIGEST)) == 64
    assert sw(chip, "0022 41B6 06 840102 800101".replace(" ", "")) == 0x9000
    assert int.from_bytes(chip.process(bytes.fromhex("002A9E9A20") + DIGEST + b"\x00")[-2:],
                          "big") == 0x6982


def test_deadlines_per_instruction():
    deadlines = Deadlines(exchange=2.0)
    assert deadlines.for_command(SELECT) == 2.0
    assert deadlines.for_command(bytes.fromhex("00468000")) == 120.0  # key generation
    assert deadlines.for_command(b"\x00") == 2.0
    custom = Deadlines(slow={Ins.GENERATE_ASYMMETRIC_KEY_PAIR: 300.0})
    assert custom.for_command(bytes.fromhex("00468000")) == 300.0
    assert custom.for_command(bytes.fromhex("002A9E9A")) == 5.0
