"""Match-on-card operations of the card client: what the card wants, and VERIFY with a finger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu.biometric_profile import (
    TAG_BIT_GROUP,
    BiometricInfo,
    biometric_data_template,
    decode_bit_group,
)
from apdu.command import CommandApdu
from apdu.constants import SW, Ins, Verification, retries_from_sw
from apdu.errors import (
    BiometricBlockedError,
    FingerNotMatchedError,
    NotVerifiedError,
    PinNotSetError,
    error_for_sw,
)
from apdu.pins import RRC_NEW_PIN_ONLY, PinRef, encode_pin

if TYPE_CHECKING:
    from apdu.session import CardSession as _Session
else:
    _Session = object

VERIFY_BIOMETRIC = Ins.VERIFY + 1  # odd INS: data in BER-TLV (ISO/IEC 7816-11)


class BiometricOperations(_Session):
    """Mixed into :class:`apdu.client.NidCard`."""

    def biometric_info(self) -> list[BiometricInfo]:
        """The enrolled fingers and how the card wants probes built (the BIT group)."""
        self.select_application()
        raw = self.call(CommandApdu(0x00, Ins.GET_DATA, TAG_BIT_GROUP >> 8, TAG_BIT_GROUP & 0xFF,
                                    ne=256), "GET DATA BIT")
        return decode_bit_group(raw)

    def finger_tries_left(self, reference: int) -> int | None:
        """Tries left for finger verification, spending none; None if matched already."""
        self.select_application()
        response = self.send(CommandApdu(0x00, VERIFY_BIOMETRIC, 0x00, reference),
                             "VERIFY finger")
        if response.sw == SW.OK:
            return None
        left = retries_from_sw(response.sw)
        if left is None:
            raise error_for_sw(response.sw, b"", "VERIFY finger")
        return left

    def verify_finger(self, reference: int, probe_template: bytes) -> None:
        """Send a compact card template; the card's matcher decides."""
        self.select_application()
        command = CommandApdu(0x00, VERIFY_BIOMETRIC, 0x00, reference,
                              biometric_data_template(probe_template), sensitive=True)
        response = self.send(command, "VERIFY finger")
        if response.sw == SW.OK:
            return
        if response.sw & 0xFFF0 == 0x63C0:
            raise FingerNotMatchedError(retries_from_sw(response.sw) or 0)
        if response.sw == SW.AUTH_METHOD_BLOCKED:
            raise BiometricBlockedError()
        raise error_for_sw(response.sw, b"", "VERIFY finger")

    def reset_pin_by_finger(self, ref: PinRef, new_pin: str) -> None:
        """"Forgot my PIN": after a finger match in this session, set a new PIN, no PUK."""
        data = encode_pin(new_pin, ref)
        self.select_application()
        command = CommandApdu(0x00, Ins.RESET_RETRY_COUNTER, RRC_NEW_PIN_ONLY, ref, data,
                              sensitive=True)
        response = self.send(command, f"RESET RETRY COUNTER {ref.name} by finger")
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise NotVerifiedError(Verification.FINGER)
        if response.sw == SW.REFERENCE_DATA_NOT_USABLE:
            raise PinNotSetError(ref)
        response.check(f"RESET RETRY COUNTER {ref.name}")
