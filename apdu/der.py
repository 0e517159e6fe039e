"""Is this DER? A strict walk over an encoding before asn1crypto reads it.

asn1crypto accepts BER: long-form lengths for short values, indefinite lengths,
padded integers, constructed strings. In the parts of EF.SOD that no signature
covers (headers, versions, the signer identifier) that would let one security
object have many encodings that all verify; DER has exactly one. The walk also
bounds nesting, so nothing downstream recurses deeper than a real security object.
"""

from __future__ import annotations

MAX_DEPTH = 32  # a real EF.SOD nests about 12 deep

_BOOLEAN, _INTEGER, _BIT_STRING, _NULL, _OID, _ENUMERATED = 0x01, 0x02, 0x03, 0x05, 0x06, 0x0A
_SEQUENCE_C, _SET_C = 0x30, 0x31


class NotDerError(ValueError):
    """The bytes are not one strict DER value; ``offset`` says where it went wrong."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} at offset {offset}")
        self.offset = offset


def check_der(data: bytes) -> None:
    """Raise NotDerError unless ``data`` is exactly one DER value, nested at most MAX_DEPTH."""
    ends: list[int] = []  # where each constructed value we are inside ends
    offset = 0
    while True:
        identifier, start, length = _header(data, offset, ends[-1] if ends else len(data))
        if identifier & 0x20:
            if identifier & 0xC0 == 0 and identifier not in (_SEQUENCE_C, _SET_C):
                raise NotDerError("constructed encoding of a primitive type", offset)
            if len(ends) >= MAX_DEPTH:
                raise NotDerError("nested too deep", offset)
            ends.append(start + length)
            offset = start
        else:
            if identifier & 0xC0 == 0:
                _primitive(identifier, data[start : start + length], offset)
            offset = start + length
        while ends and offset == ends[-1]:
            ends.pop()
        if not ends:
            break
    if offset != len(data):
        raise NotDerError("trailing bytes", offset)


def _header(data: bytes, offset: int, limit: int) -> tuple[int, int, int]:
    """(identifier octet, content start, content length) of the value at ``offset``."""
    if offset >= limit:
        raise NotDerError("missing identifier", offset)
    first = data[offset]
    position = offset + 1
    if first & 0x1F == 0x1F:  # high tag number: base-128, minimal, and at least 31
        if position >= limit or data[position] == 0x80:
            raise NotDerError("tag number not minimal", offset)
        number = 0
        while True:
            if position >= limit or position - offset > 4:
                raise NotDerError("tag number too long", offset)
            byte = data[position]
            position += 1
            number = (number << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        if number < 31:
            raise NotDerError("tag number not minimal", offset)
    if position >= limit:
        raise NotDerError("missing length", position)
    length = data[position]
    position += 1
    if length & 0x80:
        count = length & 0x7F
        if count == 0:
            raise NotDerError("indefinite length", position - 1)
        if count > 3 or position + count > limit:  # nothing on a card is 16 MB
            raise NotDerError("length field too long", position - 1)
        length = int.from_bytes(data[position : position + count], "big")
        if length < 0x80 or data[position] == 0:
            raise NotDerError("length not minimal", position - 1)
        position += count
    if position + length > limit:
        raise NotDerError("value runs past its container", offset)
    return first, position, length


def _primitive(tag: int, content: bytes, offset: int) -> None:
    if tag == _BOOLEAN and content not in (b"\x00", b"\xff"):
        raise NotDerError("BOOLEAN is not 00 or FF", offset)
    if tag in (_INTEGER, _ENUMERATED):
        if not content:
            raise NotDerError("empty INTEGER", offset)
        padded = content[0] == 0x00 and content[1:2] < b"\x80"
        if len(content) > 1 and (padded or (content[0] == 0xFF and content[1] >= 0x80)):
            raise NotDerError("INTEGER not minimal", offset)
    if tag == _NULL and content:
        raise NotDerError("NULL with content", offset)
    if tag == _OID and (not content or content[-1] & 0x80 or _padded_arc(content)):
        raise NotDerError("OBJECT IDENTIFIER not minimal", offset)
    if tag == _BIT_STRING:
        if not content or content[0] > 7 or (len(content) == 1 and content[0]):
            raise NotDerError("BIT STRING unused-bits octet", offset)
        if content[0] and content[-1] & ((1 << content[0]) - 1):
            raise NotDerError("BIT STRING padding bits set", offset)


def _padded_arc(content: bytes) -> bool:
    """An arc that starts with 0x80 (a leading zero septet) is not minimal."""
    start_of_arc = True
    for byte in content:
        if start_of_arc and byte == 0x80:
            return True
        start_of_arc = not byte & 0x80
    return False
