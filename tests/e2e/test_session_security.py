"""What another local program can do with the card around a nidkiosk session, through pcscd.

The other program (``pcsc_peer.py``, bare pyscard, as an attacker would write it) runs
in its own process and keeps a shared connection open, so pcscd never powers the card
off between sessions: whatever state the card keeps, it would find.
"""

import hashlib
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from apdu.errors import CardBusyError, CardTimeoutError, TransportError
from apdu.pcsc import open_card
from apdu.pins import PinRef
from apdu.profile import ATR
from apdu.transport import Deadlines, Protocol
from simulators.vpcd import CONTROL_SILENCE
from tests.apdu.activated import PIN2, activate_signature
from tests.conftest import KNOWN_PINS, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow

PEER = Path(__file__).with_name("pcsc_peer.py")
READER = "Virtual PCD 00 00"
OK, W_RESET_CARD, PROTO_MISMATCH = "00000000", "80100068", "8010000F"
SELECT = "00A4040C07D364004E494401"
ASK_PIN1 = "00200081"
DIGEST = hashlib.sha256(b"a contract").digest()
MSE_ECDSA = "002241B606840102800101"
PSO = "002A9E9A20" + DIGEST.hex() + "00"


def wait_unused(timeout: float = 10.0) -> None:
    """Until no program holds a connection to the card in reader 0."""
    from smartcard import scard

    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            rv, states = scard.SCardGetStatusChange(context, 0,
                                                    [(READER, scard.SCARD_STATE_UNAWARE)])
            if rv == scard.SCARD_S_SUCCESS and not states[0][1] & scard.SCARD_STATE_INUSE:
                return
            time.sleep(0.02)
    finally:
        scard.SCardReleaseContext(context)
    raise AssertionError(f"{READER} stayed in use")


class Peer:
    """The other program: one command a line in, one answer a line out."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, str(PEER), READER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.resets_seen = 0
        assert self.answer(10) == OK

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float) -> str | None:
        """The next answer line, None when none came within ``timeout`` (it is blocked)."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline().strip() if ready else None

    def transmit(self, apdu: str, timeout: float = 10) -> tuple[str, bytes]:
        self.send(f"tx {apdu}")
        line = self.answer(timeout)
        assert line is not None, f"no answer to {apdu} within {timeout} s: the reader is wedged"
        rv, _, data = line.partition(" ")
        return rv, bytes.fromhex(data)

    def sw(self, apdu: str) -> int:
        """The status word, reconnecting if told the card was reset (an attacker would)."""
        rv, response = self.transmit(apdu)
        for _attempt in range(3):
            if rv == W_RESET_CARD:
                self.resets_seen += 1
            elif rv != PROTO_MISMATCH:  # seen once while pcscd was resetting for a dead client
                break
            self.send("reconnect")
            assert self.answer(10) == OK
            rv, response = self.transmit(apdu)
        assert rv == OK, rv
        return int.from_bytes(response[-2:], "big")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.send("quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@pytest.fixture
def peer(reader0, cards):
    """A card in reader 0 (``peer.chip``) and the other program connected to it."""
    chip = cards.chip(95)
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    other = Peer()
    other.chip = chip
    yield other
    reader0.readers[0].thaw()
    other.close()


def test_pin1_verification_ends_with_the_session(peer):
    with open_card(0) as card:
        assert card.transport.info.protocol is Protocol.T1 and card.transport.info.atr == ATR
        card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
        assert peer.sw(SELECT) == 0x9000  # shared meanwhile: a read-only look is allowed
    assert peer.sw(SELECT) == 0x9000
    assert peer.sw(ASK_PIN1) == 0x63C3  # not verified, and no try spent (was 9000)
    assert peer.resets_seen == 1  # pcscd told the other program the card was reset


def test_pin2_and_a_signature_end_with_the_session(reader0, cards):
    chip = cards.chip(96)
    activate_signature(chip)
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    other = Peer()
    try:
        with open_card(0) as card:
            card.verify_pin(PinRef.PIN2, PIN2)
            assert len(card.sign_digest(DIGEST)) == 64
        assert other.sw(SELECT) == 0x9000
        assert other.sw(MSE_ECDSA) == 0x9000
        assert other.sw(PSO) == 0x6982  # no signature without PIN2 (was 9000 and a signature)
    finally:
        other.close()


def test_exclusive_block_keeps_the_other_program_waiting(peer):
    with open_card(0) as card:
        with card.exclusive():
            card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
            peer.send(f"tx {ASK_PIN1}")
            assert peer.answer(0.8) is None  # its SCardTransmit waits inside pcscd
            assert card.tries_left(PinRef.PIN1) is None  # ours go through: verified
        # released: the waiting exchange returns, told the card was reset meanwhile
        assert peer.answer(10) == W_RESET_CARD
        assert card.tries_left(PinRef.PIN1) == 3  # our session goes on, on a fresh card
    peer.send("reconnect")
    assert peer.answer(10) == OK
    assert peer.sw(SELECT) == 0x9000 and peer.sw(ASK_PIN1) == 0x63C3


def test_exclusive_gives_up_when_another_program_holds_the_card(peer):
    card = open_card(0, Deadlines(acquire=1.0))
    peer.send("begin")
    assert peer.answer(10) == OK
    started = time.monotonic()
    with pytest.raises(CardBusyError) as busy, card.exclusive():
        pass
    assert 1.0 <= time.monotonic() - started < 2.0 and busy.value.deadline == 1.0
    with pytest.raises(TransportError):
        card.select_application()  # given up: fails at once
    started = time.monotonic()
    card.close()
    assert time.monotonic() - started < 0.5
    with pytest.raises(CardTimeoutError) as late:  # pcscd holds new connections back too
        open_card(0, Deadlines(connect=1.0))
    assert late.value.operation == "connect"
    peer.send("end")
    assert peer.answer(10) == OK
    peer.close()
    wait_unused()  # our abandoned requests went through, then released (and reset) the card
    with open_card(0) as again:
        assert again.tries_left(PinRef.PIN1) == 3


def test_a_card_that_stops_answering_gives_a_timeout(peer, reader0):
    card = open_card(0, Deadlines(exchange=1.0))
    card.select_application()
    reader0.readers[0].freeze()
    started = time.monotonic()
    with pytest.raises(CardTimeoutError) as timeout:
        card.tries_left(PinRef.PIN1)
    assert 1.0 <= time.monotonic() - started < 1.5
    assert (timeout.value.operation, timeout.value.deadline) == ("transmit", 1.0)
    started = time.monotonic()
    with pytest.raises(CardTimeoutError):
        card.select_application()  # the connection is dead: no second wait
    card.close()  # queues the reset behind the stuck exchange, does not wait for it
    assert time.monotonic() - started < 0.2
    reader0.readers[0].thaw()  # the card answers again; the stuck exchange ends
    peer.close()
    wait_unused()  # and the reset queued behind it was done
    with open_card(0) as again:
        assert again.tries_left(PinRef.PIN1) == 3


def test_a_per_command_deadline_overrides_the_default(peer, reader0):
    with open_card(0, Deadlines(exchange=30.0)) as card:
        card.select_application()
        reader0.readers[0].freeze()
        started = time.monotonic()
        with pytest.raises(CardTimeoutError):
            card.transport.transmit(bytes.fromhex(ASK_PIN1), timeout=0.5)
        assert time.monotonic() - started < 1.0
    reader0.readers[0].thaw()


def test_closing_after_the_card_was_pulled_raises_nothing(peer, reader0):
    card = open_card(0)
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    reader0.readers[0].remove()
    wait_for_card(0, present=False)
    card.close()
    reader0.readers[0].insert(peer.chip)
    wait_for_card(0)
    with pytest.raises(ValueError), open_card(0) as card:  # the caller's error, not ours
        with card.exclusive():
            card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
            reader0.readers[0].remove()
            wait_for_card(0, present=False)
            raise ValueError


@pytest.mark.parametrize("apdu", ["05", "FF", "00A4", "00A404", "00", "01", "02"])
def test_short_apdus_are_answered_and_the_reader_stays_usable(peer, apdu):
    started = time.monotonic()
    rv, response = peer.transmit(apdu, timeout=CONTROL_SILENCE + 5)
    assert (rv, response) == (OK, b"\x67\x00")
    assert time.monotonic() - started < CONTROL_SILENCE + 1
    with open_card(0) as card:  # another client, without re-inserting the card
        assert card.tries_left(PinRef.PIN1) == 3


def test_a_one_byte_apdu_04_gets_the_atr(peer):
    # vpcd frames it exactly like its ATR request: no way to tell them apart
    assert peer.transmit("04") == (OK, ATR)
    assert peer.sw(SELECT) == 0x9000


def test_many_sessions_in_parallel_threads_each_reset_cleanly(peer):
    errors = []

    def session() -> None:
        try:
            for _ in range(5):
                with open_card(0) as card, card.exclusive():
                    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
                    assert card.tries_left(PinRef.PIN1) is None
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=session) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert peer.sw(SELECT) == 0x9000 and peer.sw(ASK_PIN1) == 0x63C3



HOLDER = """
import sys, time
from apdu.pcsc import open_card
from apdu.pins import PinRef
with open_card(0) as card:
    if sys.argv[1] == "exclusive":
        card.transport.begin_exclusive()  # held until the process ends
    card.verify_pin(PinRef.PIN1, sys.argv[2])
    print("verified", flush=True)
    time.sleep(60)
"""


def hold(where: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, where, KNOWN_PINS.pin1], cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "verified"
    return holder


def test_an_interrupted_session_leaves_nothing_verified(peer):
    holder = hold("shared")
    assert peer.sw(SELECT) == 0x9000 and peer.sw(ASK_PIN1) == 0x9000  # meanwhile: shared
    holder.send_signal(signal.SIGINT)  # KeyboardInterrupt: the with block closes the card
    assert holder.wait(10) != 0
    assert peer.sw(SELECT) == 0x9000 and peer.sw(ASK_PIN1) == 0x63C3


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_a_process_killed_inside_an_exclusive_block_leaves_nothing_verified(peer, how):
    holder = hold("exclusive")
    peer.send(f"tx {ASK_PIN1}")
    assert peer.answer(0.5) is None  # held out while the holder lives
    holder.send_signal(how)  # no Python runs: pcscd resets the card of a dying lock holder
    holder.wait(10)
    assert peer.answer(10) == W_RESET_CARD
    peer.send("reconnect")
    assert peer.answer(10) == OK
    assert peer.sw(SELECT) == 0x9000 and peer.sw(ASK_PIN1) == 0x63C3
