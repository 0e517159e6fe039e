"""PIN operations of the card client: status, verify, change, unblock. No prompting here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu.command import CommandApdu, ResponseApdu
from apdu.constants import SW, Ins, Verification, retries_from_sw
from apdu.errors import (
    NotVerifiedError,
    PinBlockedError,
    PinNotSetError,
    PinServicesGoneError,
    WrongPinError,
    error_for_sw,
)
from apdu.pins import (
    CRD_NEW_ONLY,
    CRD_OLD_AND_NEW,
    RRC_PUK_AND_NEW_PIN,
    TAG_PIN_STATUS,
    PinRef,
    PinStatus,
    decode_status,
    encode_pin,
)

if TYPE_CHECKING:
    from apdu.session import CardSession as _Session
else:
    _Session = object


def _raise_for(response: ResponseApdu, ref: PinRef, what: str,
               secret: PinRef | None = None) -> None:
    """Turn a PIN command's status word into the typed error (``secret``: what was tried)."""
    tried = secret or ref
    sw = response.sw
    if sw == SW.OK:
        return
    if sw & 0xFFF0 == 0x63C0:
        raise WrongPinError(tried, retries_from_sw(sw) or 0)
    if sw == SW.AUTH_METHOD_BLOCKED:
        raise PinBlockedError(tried)
    if sw == SW.REFERENCE_DATA_NOT_USABLE:
        raise PinNotSetError(ref)
    if sw == SW.SECURITY_STATUS_NOT_SATISFIED:
        raise NotVerifiedError(Verification(ref.name.lower()) if ref is not PinRef.PUK
                               else Verification.PIN1)
    raise error_for_sw(sw, response.data, what)


class PinOperations(_Session):
    """Mixed into :class:`apdu.client.NidCard`."""

    def pin_status(self) -> dict[PinRef, PinStatus]:
        """Every reference's tries and state in one APDU, spending no try."""
        self.select_application()
        raw = self.call(CommandApdu(0x00, Ins.GET_DATA, TAG_PIN_STATUS >> 8,
                                    TAG_PIN_STATUS & 0xFF, ne=256), "GET DATA PIN status")
        return decode_status(raw)

    def tries_left(self, ref: PinRef) -> int | None:
        """VERIFY with no data: the tries left, spending none; None if verified already."""
        self.select_application()
        response = self.send(CommandApdu(0x00, Ins.VERIFY, 0x00, ref), f"VERIFY {ref.name}")
        if response.sw == SW.OK:
            return None
        left = retries_from_sw(response.sw)
        if left is None:
            _raise_for(response, ref, f"VERIFY {ref.name}")
        return left or 0

    def verify_pin(self, ref: PinRef, pin: str) -> None:
        command = CommandApdu(0x00, Ins.VERIFY, 0x00, ref, encode_pin(pin, ref), sensitive=True)
        self.select_application()
        _raise_for(self.send(command, f"VERIFY {ref.name}"), ref, f"VERIFY {ref.name}")

    def change_pin(self, ref: PinRef, old: str, new: str) -> None:
        data = encode_pin(old, ref) + encode_pin(new, ref)
        self.select_application()
        command = CommandApdu(0x00, Ins.CHANGE_REFERENCE_DATA, CRD_OLD_AND_NEW, ref, data,
                              sensitive=True)
        response = self.send(command, f"CHANGE REFERENCE DATA {ref.name}")
        if response.sw == SW.CONDITIONS_NOT_SATISFIED:
            raise PinServicesGoneError(ref)
        _raise_for(response, ref, f"CHANGE REFERENCE DATA {ref.name}")

    def set_initial_pin2(self, new: str) -> None:
        """First PIN2, during signature activation; PIN1 must be verified in this session."""
        self.select_application()
        command = CommandApdu(0x00, Ins.CHANGE_REFERENCE_DATA, CRD_NEW_ONLY, PinRef.PIN2,
                              encode_pin(new, PinRef.PIN2), sensitive=True)
        _raise_for(self.send(command, "CHANGE REFERENCE DATA PIN2"), PinRef.PIN2,
                   "CHANGE REFERENCE DATA PIN2")

    def unblock_pin(self, ref: PinRef, puk: str, new: str) -> None:
        """RESET RETRY COUNTER with the PUK and a new PIN."""
        data = encode_pin(puk, PinRef.PUK) + encode_pin(new, ref)
        self.select_application()
        command = CommandApdu(0x00, Ins.RESET_RETRY_COUNTER, RRC_PUK_AND_NEW_PIN, ref, data,
                              sensitive=True)
        response = self.send(command, f"RESET RETRY COUNTER {ref.name}")
        if response.sw == SW.AUTH_METHOD_BLOCKED:
            raise PinServicesGoneError(ref)
        _raise_for(response, ref, f"RESET RETRY COUNTER {ref.name}", secret=PinRef.PUK)
