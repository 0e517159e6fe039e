"""The card client: typed calls in, typed results and errors out. It never prompts.

Later features (PINs, fingerprints, signature keys) extend :class:`NidCard`. It works
over any :class:`~apdu.transport.Transport` and imports without pyscard: connecting
through PC/SC is :func:`apdu.pcsc.open_card`.

A session's verified state must not outlive it: :meth:`NidCard.close` drops every
verification the session made and resets the card, and :meth:`NidCard.exclusive` holds
the card for one secret-bearing operation and resets it before letting go.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from cryptography import x509

from apdu import datagroups, tlv
from apdu.atr import capabilities
from apdu.authenticity import assess
from apdu.biometric_client import BiometricOperations
from apdu.chip_auth import load_chip_key, verify_chip_answer
from apdu.command import EXTENDED_MAX_NE, SHORT_MAX_NE, CommandApdu, ResponseApdu
from apdu.constants import SW, Ins
from apdu.errors import ApduError, CardError, ProfileError, TlvError, TransportError, error_for_sw
from apdu.pin_client import PinOperations
from apdu.problems import Problem, ProblemKind, SodPart
from apdu.processors import TransportProcessor, build_stack
from apdu.profile import (
    CHIP_AUTH_CHALLENGE_LENGTH,
    DATA_GROUP_FILES,
    EF_SOD,
    NID_AID,
    DataGroup,
    ElementaryFile,
    KeyRef,
    Lifecycle,
    Tag,
)
from apdu.reading import CardContents, CardFiles, IdentityReading, decode_contents
from apdu.signature_client import SignatureOperations
from apdu.transport import Transport

MAX_FILE_SIZE = 65536
# instructions after which a reference may be verified -> the VERIFY that drops it (P1 FF)
_VERIFYING = {
    Ins.VERIFY: Ins.VERIFY,
    Ins.CHANGE_REFERENCE_DATA: Ins.VERIFY,
    Ins.RESET_RETRY_COUNTER: Ins.VERIFY,
    Ins.VERIFY + 1: Ins.VERIFY + 1,  # VERIFY with a finger
}

__all__ = ["CardContents", "CardFiles", "IdentityReading", "NidCard"]


class NidCard(PinOperations, BiometricOperations, SignatureOperations):
    """A session with one national ID card, over any transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        caps = capabilities(transport.info.atr)
        self.extended = caps.extended_length
        self._stack = build_stack(transport, caps.extended_length)
        self._bottom = _find_bottom(self._stack)
        self._signature_environment = None
        self._touched: set[tuple[int, int]] = set()  # (VERIFY INS, reference) to drop at the end
        self._exclusive_depth = 0
        self._closed = False

    # -- session lifetime ------------------------------------------------------
    @contextmanager
    def exclusive(self) -> Iterator[NidCard]:
        """Hold the card for this session alone while a secret is in play.

        Inside the block no other program can exchange an APDU with the card (over
        PC/SC theirs wait), so nothing gets between a VERIFY and the operation it
        unlocks. Leaving the block, normally or by any exception, drops every
        verification and warm-resets the card while still holding it: the security
        status never outlives the block, and later commands start from a fresh card
        (the application is selected again by each operation). Re-entrant: only the
        outermost block holds and resets. May raise ``CardBusyError`` on entry.
        """
        if self._exclusive_depth:
            self._exclusive_depth += 1
            try:
                yield self
            finally:
                self._exclusive_depth -= 1
            return
        self.transport.begin_exclusive()
        self._exclusive_depth = 1
        self._signature_environment = None  # the card may have been reset before: set it anew
        try:
            yield self
        finally:
            self._exclusive_depth = 0
            try:
                self.forget_verifications()
            finally:
                self.transport.end_exclusive(reset=True)
                self._signature_environment = None

    def forget_verifications(self) -> None:
        """VERIFY with P1 FF for every reference this session may have verified.

        The card's own way to drop a security status: a few short APDUs, and nothing
        when the session verified nothing. Best effort, never raises; the reset that
        ends a session or an exclusive block is what guarantees it.
        """
        touched, self._touched = sorted(self._touched), set()
        if not touched or not self.transport.usable:
            return
        try:
            self.send(CommandApdu(0x00, Ins.SELECT, 0x04, 0x0C, NID_AID), "SELECT NID")
            for ins, reference in touched:
                self.send(CommandApdu(0x00, ins, 0xFF, reference), "VERIFY (reset status)")
        except CardError:
            pass

    def close(self) -> None:
        """End the session: drop its verifications, then disconnect resetting the card.

        Idempotent and never raises, also after the card was pulled or a deadline
        passed; use ``with`` so that it runs when the caller raises or is interrupted.
        """
        if self._closed:
            return
        self._closed = True
        try:
            self.forget_verifications()
        finally:
            self.transport.close()

    def __enter__(self) -> NidCard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def apdu_count(self) -> int:
        """Command APDUs actually exchanged with the card so far."""
        return self._bottom.exchanges

    # -- plumbing ------------------------------------------------------------
    def send(self, command: CommandApdu, what: str) -> ResponseApdu:
        if command.ins in _VERIFYING and command.p1 != 0xFF:
            # anything that may leave a reference verified is dropped at the end
            self._touched.add((_VERIFYING[command.ins], command.p2))
        return self._stack.send(command)

    def call(self, command: CommandApdu, what: str) -> bytes:
        """Send and return the data, raising the typed error for any status but 9000."""
        return self.send(command, what).check(what)

    # -- application ---------------------------------------------------------
    def select_application(self) -> None:
        response = self.send(CommandApdu(0x00, Ins.SELECT, 0x04, 0x0C, NID_AID), "SELECT NID")
        if response.sw == SW.SELECTED_FILE_DEACTIVATED:
            raise error_for_sw(response.sw, b"", "SELECT NID (the card is terminated)")
        response.check("SELECT NID")

    def lifecycle(self) -> Lifecycle:
        data = self.call(
            CommandApdu(0x00, Ins.GET_DATA, Tag.LIFECYCLE >> 8, Tag.LIFECYCLE & 0xFF, ne=256),
            "GET DATA lifecycle",
        )
        try:
            value = tlv.decode_single(data, Tag.LIFECYCLE).value
            return Lifecycle(value[0])
        except (TlvError, ValueError, IndexError) as exc:
            raise ProfileError(f"lifecycle data object is malformed: {exc}") from exc

    def read_file(self, ef: ElementaryFile) -> bytes:
        """Read a whole EF by its short identifier: one APDU with extended Le when possible."""
        chunk_ne = EXTENDED_MAX_NE if self.extended else SHORT_MAX_NE
        content = bytearray()
        first = CommandApdu(0x00, Ins.READ_BINARY, 0x80 | ef.sfi, 0x00, ne=chunk_ne)
        command = first
        while True:
            response = self.send(command, f"READ BINARY {ef.name}")
            if response.sw not in (SW.OK, SW.END_OF_FILE):
                if response.sw == SW.WRONG_P1P2 and content:
                    break  # offset == size on cards that answer 6B00 there
                raise error_for_sw(response.sw, b"", f"READ BINARY {ef.name}")
            content += response.data
            if response.sw == SW.END_OF_FILE or len(response.data) < min(chunk_ne, 256):
                break
            if len(content) >= MAX_FILE_SIZE:
                raise ProfileError(f"{ef.name} is larger than {MAX_FILE_SIZE} bytes")
            offset = len(content)
            if offset > 0x7FFF:
                raise ProfileError(f"{ef.name} is too large to read with short APDUs")
            command = CommandApdu(0x00, Ins.READ_BINARY, offset >> 8, offset & 0xFF, ne=chunk_ne)
        return bytes(content)

    def authenticate_chip(self, dg15: bytes) -> list[Problem]:
        """INTERNAL AUTHENTICATE with a fresh challenge, checked with DG15's key.

        No problems means the chip holds the private key; DG15 itself is tied to the
        issuer by passive authentication. Only transport errors escape.
        """
        key = load_chip_key(dg15)
        if isinstance(key, Problem):
            return [key]  # no need to talk to a chip whose key we cannot use
        challenge = secrets.token_bytes(CHIP_AUTH_CHALLENGE_LENGTH)
        command = CommandApdu(0x00, Ins.INTERNAL_AUTHENTICATE, 0x00, KeyRef.CHIP_AUTH,
                              challenge, ne=256)
        try:
            answer = self.call(command, "INTERNAL AUTHENTICATE")
        except TransportError:
            raise
        except ApduError as exc:
            return [Problem(ProblemKind.CHIP_AUTH_REFUSED, status_word=exc.sw)]
        except CardError:  # a response that is not even an APDU
            return [Problem(ProblemKind.CHIP_AUTH_MALFORMED)]
        problem = verify_chip_answer(key, challenge, answer)
        return [problem] if problem else []

    def read_contents(self, photo: bool = True) -> CardContents:
        """Read and decode the data groups WITHOUT checking them: for tools and tests.

        A face shows ``read_identity(...).contents``, which exists only for a genuine
        card. Raises the card's error, or DataGroupError for a group that does not decode.
        """
        self.select_application()
        groups = _groups(photo)
        raw = {int(g): self.read_file(DATA_GROUP_FILES[g]) for g in groups}
        return CardContents(
            identity=datagroups.decode_identity(raw[DataGroup.IDENTITY]),
            address=datagroups.decode_address(raw[DataGroup.ADDRESS]),
            photo_jpeg=datagroups.decode_photo(raw[DataGroup.PHOTO]) if photo else None,
            lifecycle=self.lifecycle(),
        )

    def read_files(self, photo: bool = True) -> CardFiles:
        """Select the application and read what an identity check needs, trusting nothing.

        A file the card refuses or garbles becomes a problem in its slot. Raises only
        transport errors, and the card's error when the NID application cannot be
        selected (not an NID card, or a terminated one): then there is nothing to check.
        """
        self.select_application()
        groups: dict[int, bytes | Problem] = {}
        for group in _groups(photo):
            groups[int(group)] = self._read_untrusted(
                DATA_GROUP_FILES[group], functools.partial(_group_unreadable, int(group)))
        sod = self._read_untrusted(EF_SOD, _sod_unreadable)
        return CardFiles(groups=groups, sod=sod, lifecycle=self._lifecycle_untrusted())

    def _read_untrusted(self, ef: ElementaryFile,
                        problem: Callable[[int | None], Problem]) -> bytes | Problem:
        """The file, or the problem for the status word that refused it (None: garbled)."""
        try:
            return self.read_file(ef)
        except TransportError:
            raise
        except ApduError as exc:
            return problem(exc.sw)
        except CardError:  # too long, or a response that is not an APDU
            return problem(None)

    def _lifecycle_untrusted(self) -> Lifecycle | Problem:
        try:
            return self.lifecycle()
        except TransportError:
            raise
        except ApduError as exc:
            return Problem(ProblemKind.LIFECYCLE_MALFORMED, status_word=exc.sw)
        except CardError:
            return Problem(ProblemKind.LIFECYCLE_MALFORMED)

    def read_identity(
        self,
        trust_anchors: list[x509.Certificate],
        photo: bool = True,
        now: dt.datetime | None = None,
    ) -> IdentityReading:
        """Read the card, check it (passive and chip authentication), then decode.

        Whatever the card returns, the answer is a reading with a verdict; only transport
        errors escape (and the card's error when it has no selectable NID application).
        ``contents`` is None unless the verdict is GENUINE.
        """
        files = self.read_files(photo)
        dg15 = files.groups[DataGroup.CHIP_AUTH_KEY]
        chip_problems = self.authenticate_chip(dg15) if isinstance(dg15, bytes) else []
        decoded, decode_problems = decode_contents(files)
        report = assess(files, trust_anchors, chip_problems,
                        chip_authenticated=isinstance(dg15, bytes) and not chip_problems,
                        decode_problems=decode_problems, now=now)
        return IdentityReading(report, decoded if report.genuine else None, files,
                               self.apdu_count)


def _group_unreadable(group: int, status_word: int | None) -> Problem:
    kind = ProblemKind.GROUP_MISSING if status_word is not None else ProblemKind.GROUP_MALFORMED
    return Problem(kind, group=group, status_word=status_word)


def _sod_unreadable(status_word: int | None) -> Problem:
    return Problem(ProblemKind.SOD_MALFORMED, part=SodPart.FILE, status_word=status_word)


def _groups(photo: bool) -> list[DataGroup]:
    groups = [DataGroup.IDENTITY, DataGroup.ADDRESS, DataGroup.CHIP_AUTH_KEY]
    if photo:
        groups.insert(1, DataGroup.PHOTO)
    return groups


def _find_bottom(stack: object) -> TransportProcessor:
    node = stack
    while not isinstance(node, TransportProcessor):
        node = node.delegate  # type: ignore[attr-defined]
    return node

