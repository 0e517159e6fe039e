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
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography import x509

from apdu import datagroups, tlv
from apdu.atr import capabilities
from apdu.authenticity import AuthenticityReport, assess, verify_chip_signature
from apdu.biometric_client import BiometricOperations
from apdu.command import EXTENDED_MAX_NE, SHORT_MAX_NE, CommandApdu, ResponseApdu
from apdu.constants import SW, Ins
from apdu.errors import ApduError, CardError, ProfileError, TlvError, error_for_sw
from apdu.pin_client import PinOperations
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
from apdu.security_object import parse_sod
from apdu.signature_client import SignatureOperations
from apdu.transport import Transport
from citizen.identity import Address, Identity

MAX_FILE_SIZE = 65536
# instructions after which a reference may be verified -> the VERIFY that drops it (P1 FF)
_VERIFYING = {
    Ins.VERIFY: Ins.VERIFY,
    Ins.CHANGE_REFERENCE_DATA: Ins.VERIFY,
    Ins.RESET_RETRY_COUNTER: Ins.VERIFY,
    Ins.VERIFY + 1: Ins.VERIFY + 1,  # VERIFY with a finger
}


@dataclass(frozen=True)
class CardContents:
    """Everything read from the card, decoded, with the raw files kept for checking."""

    identity: Identity
    address: Address | None
    photo_jpeg: bytes | None
    lifecycle: Lifecycle
    raw_groups: dict[int, bytes]
    raw_sod: bytes


@dataclass(frozen=True)
class IdentityReading:
    """The result of ``read_identity``: contents plus the authenticity verdict."""

    contents: CardContents
    authenticity: AuthenticityReport
    apdu_count: int


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

    @classmethod
    def connect(cls, reader: str | int | None = None) -> NidCard:
        """Deprecated alias of :func:`apdu.pcsc.open_card`, until the CLI drives the flows."""
        warnings.warn("NidCard.connect is deprecated: use apdu.pcsc.open_card",
                      DeprecationWarning, stacklevel=2)
        from apdu.pcsc import open_card  # lazily: this module must import without pyscard

        return open_card(reader)

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

    def authenticate_chip(self, spki_der: bytes) -> bool:
        """INTERNAL AUTHENTICATE with a fresh challenge; True when DG15's key verifies it."""
        challenge = secrets.token_bytes(CHIP_AUTH_CHALLENGE_LENGTH)
        command = CommandApdu(0x00, Ins.INTERNAL_AUTHENTICATE, 0x00, KeyRef.CHIP_AUTH,
                              challenge, ne=256)
        try:
            signature = self.call(command, "INTERNAL AUTHENTICATE")
        except ApduError:
            return False
        return verify_chip_signature(spki_der, challenge, signature)

    def read_contents(self, photo: bool = True) -> CardContents:
        """Read every data group and the security object, and decode them."""
        self.select_application()
        groups = [DataGroup.IDENTITY, DataGroup.ADDRESS, DataGroup.CHIP_AUTH_KEY]
        if photo:
            groups.insert(1, DataGroup.PHOTO)
        raw = {int(g): self.read_file(DATA_GROUP_FILES[g]) for g in groups}
        raw_sod = self.read_file(EF_SOD)
        lifecycle = self.lifecycle()
        return CardContents(
            identity=datagroups.decode_identity(raw[DataGroup.IDENTITY]),
            address=datagroups.decode_address(raw[DataGroup.ADDRESS]),
            photo_jpeg=datagroups.decode_photo(raw[DataGroup.PHOTO]) if photo else None,
            lifecycle=lifecycle,
            raw_groups=raw,
            raw_sod=raw_sod,
        )

    def read_identity(
        self,
        trust_anchors: list[x509.Certificate],
        photo: bool = True,
        now: dt.datetime | None = None,
    ) -> IdentityReading:
        """Read the identity and check it: passive and chip authentication."""
        contents = self.read_contents(photo)
        spki = datagroups.decode_chip_key(contents.raw_groups[DataGroup.CHIP_AUTH_KEY])
        chip_ok = self.authenticate_chip(spki)
        try:
            sod = parse_sod(contents.raw_sod)
        except ProfileError as exc:
            report = assess(exc, contents.raw_groups, trust_anchors, chip_ok, now)
        else:
            report = assess(sod, contents.raw_groups, trust_anchors, chip_ok, now)
        return IdentityReading(contents, report, self.apdu_count)


def _find_bottom(stack: object) -> TransportProcessor:
    node = stack
    while not isinstance(node, TransportProcessor):
        node = node.delegate  # type: ignore[attr-defined]
    return node

