"""Command and response APDUs (ISO/IEC 7816-4 section 5.1), cases 1-4, short and extended.

``ne`` is the number of bytes expected (Ne), not the encoded Le byte: ``None`` means
no Le field, 256 is a short ``Le=00`` and 65536 an extended ``Le=0000``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from apdu.constants import SW
from apdu.errors import ApduFormatError, error_for_sw

SHORT_MAX_NC = 255
SHORT_MAX_NE = 256
EXTENDED_MAX_NC = 65535
EXTENDED_MAX_NE = 65536


@dataclass(frozen=True)
class CommandApdu:
    """A command APDU; ``sensitive`` marks data that traces must mask (PINs, keys)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    ne: int | None = None
    extended: bool = False
    sensitive: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ApduFormatError(f"{name.upper()} must be one byte, got {value}")
        if len(self.data) > EXTENDED_MAX_NC:
            raise ApduFormatError(f"command data of {len(self.data)} bytes is too long")
        if self.ne is not None and not 1 <= self.ne <= EXTENDED_MAX_NE:
            raise ApduFormatError(f"Ne must be 1..65536, got {self.ne}")

    @property
    def needs_extended(self) -> bool:
        return len(self.data) > SHORT_MAX_NC or (self.ne or 0) > SHORT_MAX_NE

    @property
    def case(self) -> int:
        return 1 + (self.ne is not None) + 2 * bool(self.data)

    def encode(self) -> bytes:
        """Encode, in extended form when asked or when the lengths need it."""
        header = bytes((self.cla, self.ins, self.p1, self.p2))
        extended = self.extended or self.needs_extended
        body = b""
        if self.data:
            nc = len(self.data)
            body += (b"\x00" + nc.to_bytes(2, "big")) if extended else bytes([nc])
            body += self.data
        if self.ne is not None:
            if extended:
                le = (self.ne % EXTENDED_MAX_NE).to_bytes(2, "big")
                body += le if self.data else b"\x00" + le
            else:
                body += bytes([self.ne % SHORT_MAX_NE])
        return header + body

    @classmethod
    def decode(cls, raw: bytes) -> CommandApdu:
        """Parse a command APDU strictly; malformed length fields raise ApduFormatError."""
        raw = bytes(raw)
        if len(raw) < 4:
            raise ApduFormatError(f"a command APDU has at least 4 bytes, got {len(raw)}")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, ne=body[0] or SHORT_MAX_NE)
        if body[0] != 0:
            nc = body[0]
            if len(body) == 1 + nc:
                return cls(cla, ins, p1, p2, body[1:])
            if len(body) == 2 + nc:
                return cls(cla, ins, p1, p2, body[1:-1], ne=body[-1] or SHORT_MAX_NE)
            raise ApduFormatError(f"short Lc={nc} does not match {len(body) - 1} bytes of body")
        if len(body) == 3:
            le = int.from_bytes(body[1:3], "big")
            return cls(cla, ins, p1, p2, ne=le or EXTENDED_MAX_NE, extended=True)
        if len(body) < 3:
            raise ApduFormatError("truncated extended length field")
        nc = int.from_bytes(body[1:3], "big")
        if nc == 0:
            raise ApduFormatError("extended Lc of zero")
        if len(body) == 3 + nc:
            return cls(cla, ins, p1, p2, body[3:], extended=True)
        if len(body) == 5 + nc:
            le = int.from_bytes(body[-2:], "big")
            return cls(cla, ins, p1, p2, body[3:-2], ne=le or EXTENDED_MAX_NE, extended=True)
        raise ApduFormatError(f"extended Lc={nc} does not match {len(body) - 3} bytes of body")

    def with_ne(self, ne: int | None) -> CommandApdu:
        return CommandApdu(
            self.cla, self.ins, self.p1, self.p2, self.data, ne, self.extended, self.sensitive
        )

    def short_form(self) -> CommandApdu:
        return CommandApdu(
            self.cla, self.ins, self.p1, self.p2, self.data, self.ne, False, self.sensitive
        )


@dataclass(frozen=True)
class ResponseApdu:
    """A response: data and the status word."""

    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        return self.sw == SW.OK

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def decode(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ApduFormatError(f"a response APDU has at least 2 bytes, got {len(raw)}")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def check(self, command: str = "") -> bytes:
        """The data, or the error the status word means."""
        if self.sw != SW.OK:
            raise error_for_sw(self.sw, self.data, command)
        return self.data
