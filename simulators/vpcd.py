"""The bridge from a simulated chip into the ``vsmartcard-vpcd`` reader of a real pcscd.

vpcd (server mode) listens on TCP port 35963 + slot; a card "inserts" by connecting
and "removes" by closing. Framing: 2-byte big-endian length, then the payload. vpcd
sends control codes as 1-byte payloads (00 power off, 01 power on, 02 reset, 04 ATR
request, which alone wants an answer), and a command APDU as its bytes, so a 1-byte
APDU looks exactly like a control code (``vicc_transmit`` in vsmartcard's vpcd.c).

What follows tells them apart. After an APDU vpcd sends nothing until it has the
answer (it holds its I/O lock, and pcscd's presence poll waits on it); after power on
or reset it asks for the ATR at once (same driver call); after power off pcscd's poll
asks for it within 0.4 s. So a 00, 01 or 02 takes effect at once (each only drops
volatile state, harmless if it was an APDU), and if vpcd then stays silent for
``CONTROL_SILENCE`` seconds it was an APDU: the chip answers it (6700). Any other
1-byte payload is an APDU. A 1-byte APDU 04 cannot be told from an ATR request: it
gets the ATR. No client can leave vpcd waiting for an answer that never comes.

Speed comes from how the socket is used: vpcd does not set TCP_NODELAY, so when a
frame leaves it in two segments its second half waits for our ACK, which Linux
delays up to 40 ms. We send each answer in one segment and set TCP_QUICKACK after
every receive, which takes a round trip from ~25 ms to tens of microseconds.
"""

from __future__ import annotations

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass

from simulators.card.chip import SimulatedChip
from simulators.card.store import PowerLoss

logger = logging.getLogger("nidkiosk.sim.vpcd")

VPCD_BASE_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0x00, 0x01, 0x02, 0x04
UNANSWERED_CONTROLS = (CTRL_OFF, CTRL_ON, CTRL_RESET)
# silence after 00/01/02 that proves it was an APDU: 5x pcscd's poll period
CONTROL_SILENCE = 2.0
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


class _FrameReader:
    """Reads length-prefixed frames from a socket, re-arming quick ACKs as it goes."""

    def __init__(self, sock: socket.socket, quickack: bool = True) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.quickack = quickack and _QUICKACK is not None

    def _fill(self, deadline: float | None) -> bool:
        if deadline is None:
            chunk = self.sock.recv(65538)
        else:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65538)
            finally:
                self.sock.settimeout(None)
        if self.quickack and _QUICKACK is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        if not chunk:
            return False
        self.buffer += chunk
        return True

    def frame(self, timeout: float | None = None) -> bytes | None:
        """The next payload, None when vpcd closed; ``TimeoutError`` after ``timeout`` s
        without a whole frame (a partial one stays buffered)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 2:
                (length,) = struct.unpack_from(">H", self.buffer)
                if len(self.buffer) >= 2 + length:
                    payload = bytes(self.buffer[2 : 2 + length])
                    del self.buffer[: 2 + length]
                    return payload
            if not self._fill(deadline):
                return None


@dataclass
class SlotStatus:
    port: int
    inserted: bool
    connected: bool
    label: str
    commands: int
    frozen: bool = False  # the "card stops answering" fault is on


class VpcdSlot:
    """One virtual reader slot: holds at most one chip and keeps it plugged in."""

    def __init__(self, port: int, host: str = "127.0.0.1", quickack: bool = True,
                 control_silence: float = CONTROL_SILENCE) -> None:
        self.port = port
        self.host = host
        self.quickack = quickack  # off only to measure what it is worth
        self.control_silence = control_silence
        self._chip: SimulatedChip | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = False
        self._thawed = threading.Event()  # cleared by freeze(): commands get no answer
        self._thawed.set()
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"vpcd-{port}", daemon=True)
        self._thread.start()

    @property
    def chip(self) -> SimulatedChip | None:
        return self._chip

    def insert(self, chip: SimulatedChip) -> None:
        """Put a card into the reader (replacing any card already there)."""
        self.remove()
        with self._lock:
            self._chip = chip
        self._wake.set()

    def remove(self) -> None:
        """Pull the card out: vpcd sees the connection close."""
        with self._lock:
            self._chip = None
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        while self.connected.is_set() and time.monotonic() < deadline:
            time.sleep(0.005)

    def freeze(self) -> None:
        """Fault: the card stops answering. The next command is held unanswered until
        ``thaw`` (then answered) or until the card is pulled."""
        self._thawed.clear()

    def thaw(self) -> None:
        self._thawed.set()

    def stop(self) -> None:
        self._stopping = True
        self.remove()
        self._wake.set()
        self._thread.join(timeout=5)

    def status(self) -> SlotStatus:
        chip = self._chip
        return SlotStatus(
            self.port, chip is not None, self.connected.is_set(),
            chip.image.label if chip else "", chip.commands if chip else 0,
            not self._thawed.is_set(),
        )

    def _run(self) -> None:
        while not self._stopping:
            chip = self._chip
            if chip is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2)
            except OSError:
                time.sleep(0.1)  # pcscd not up yet, or restarting
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._chip is not chip:
                    sock.close()
                    continue
                self._sock = sock
            self.connected.set()
            try:
                self._serve(sock, chip)
            finally:
                with self._lock:
                    self._sock = None
                sock.close()
                chip.power_off()
                self.connected.clear()

    def _serve(self, sock: socket.socket, chip: SimulatedChip) -> None:
        reader = _FrameReader(sock, self.quickack)
        ambiguous: bytes | None = None  # a 00/01/02 that may yet prove to be an APDU
        while True:
            try:
                payload = reader.frame(self.control_silence if ambiguous is not None else None)
            except TimeoutError:
                command, ambiguous = ambiguous or b"", None  # vpcd waits: it was an APDU
                answer = self._answer(chip, command)
            except OSError:
                return
            else:
                if payload is None:
                    return
                ambiguous = None
                if len(payload) == 1 and payload[0] in UNANSWERED_CONTROLS:
                    self._control(chip, payload[0])
                    ambiguous = payload
                    continue
                if payload == bytes([CTRL_ATR]):
                    answer = chip.atr
                else:
                    answer = self._answer(chip, payload)
            if answer is None:
                return
            try:
                sock.sendall(struct.pack(">H", len(answer)) + answer)
            except OSError:
                return

    def _answer(self, chip: SimulatedChip, command: bytes) -> bytes | None:
        """The chip's response; None when the card dropped out (power cut, pulled)."""
        if not self._thawed.is_set():  # frozen: answer nothing until thawed or pulled
            while not self._thawed.wait(0.05):
                if self._chip is not chip or self._stopping:
                    return None
        try:
            return chip.process(command)
        except PowerLoss:
            logger.info("power cut injected on port %d: card drops out", self.port)
            with self._lock:
                if self._chip is chip:
                    self._chip = None
            return None

    @staticmethod
    def _control(chip: SimulatedChip, code: int) -> None:
        if code == CTRL_ON:
            chip.power_on()
        elif code == CTRL_RESET:
            chip.reset()
        elif code == CTRL_OFF:
            chip.power_off()


class VirtualReaders:
    """The two slots the vpcd driver offers ("Virtual PCD 00 00" and "00 01")."""

    def __init__(self, slots: int = 2, host: str = "127.0.0.1", base_port: int = VPCD_BASE_PORT,
                 quickack: bool = True) -> None:
        self.slots = [VpcdSlot(base_port + i, host, quickack) for i in range(slots)]

    def __getitem__(self, index: int) -> VpcdSlot:
        if not 0 <= index < len(self.slots):
            raise IndexError(f"reader slot {index} does not exist (0..{len(self.slots) - 1})")
        return self.slots[index]

    def stop(self) -> None:
        for slot in self.slots:
            slot.stop()
