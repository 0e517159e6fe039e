"""Strict BER-TLV (ISO/IEC 7816-4 section 6.3, ITU-T X.690 definite lengths).

Multi-byte tags and lengths are supported; anything malformed raises
:class:`~apdu.errors.TlvError` with the offset, never an ``IndexError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from apdu.errors import TlvError

MAX_TAG_BYTES = 4
MAX_LENGTH_BYTES = 4


def tag_is_constructed(tag: int) -> bool:
    """Bit 6 of a tag's first byte marks a constructed data object."""
    first = tag
    while first > 0xFF:
        first >>= 8
    return bool(first & 0x20)


def encode_tag(tag: int) -> bytes:
    """The tag's bytes; a number that is not a well-formed BER tag raises TlvError."""
    if tag < 0:
        raise TlvError(f"negative tag {tag}")
    encoded = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    parsed, end = _read_tag(encoded, 0)
    if end != len(encoded) or parsed != tag:
        raise TlvError(f"{tag:X} is not a well-formed BER-TLV tag")
    return encoded


def encode_length(length: int) -> bytes:
    if length < 0:
        raise TlvError(f"negative length {length}")
    if length < 0x80:
        return bytes([length])
    body = length.to_bytes((length.bit_length() + 7) // 8, "big")
    if len(body) > MAX_LENGTH_BYTES:
        raise TlvError(f"length {length} too large")
    return bytes([0x80 | len(body)]) + body


@dataclass(frozen=True)
class Tlv:
    """One data object: a tag and its value bytes."""

    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        return tag_is_constructed(self.tag)

    def children(self) -> list[Tlv]:
        """The data objects nested in a constructed object's value."""
        if not self.constructed:
            raise TlvError(f"tag {self.tag:X} is primitive, it has no children")
        return decode_all(self.value)

    def encode(self) -> bytes:
        return encode_tag(self.tag) + encode_length(len(self.value)) + self.value

    def __repr__(self) -> str:
        return f"Tlv(tag=0x{self.tag:X}, len={len(self.value)})"


def build(tag: int, value: bytes | Iterable[Tlv]) -> Tlv:
    """A data object from bytes, or a constructed one from children."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Tlv(tag, bytes(value))
    return Tlv(tag, b"".join(child.encode() for child in value))


def _read_tag(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise TlvError("missing tag", offset)
    start = offset
    tag = data[offset]
    offset += 1
    if tag in (0x00, 0xFF):
        raise TlvError(f"invalid tag byte {tag:02X}", start)
    if tag & 0x1F == 0x1F:
        while True:
            if offset >= len(data):
                raise TlvError("tag runs past the end of the data", start)
            byte = data[offset]
            offset += 1
            tag = (tag << 8) | byte
            if offset - start > MAX_TAG_BYTES:
                raise TlvError("tag longer than four bytes", start)
            if not byte & 0x80:
                break
    return tag, offset


def _read_length(data: bytes, offset: int) -> tuple[int, int]:
    if offset >= len(data):
        raise TlvError("missing length", offset)
    first = data[offset]
    start = offset
    offset += 1
    if first < 0x80:
        return first, offset
    count = first & 0x7F
    if count == 0:
        raise TlvError("indefinite length is not allowed", start)
    if count > MAX_LENGTH_BYTES:
        raise TlvError(f"length field of {count} bytes", start)
    if offset + count > len(data):
        raise TlvError("length field runs past the end of the data", start)
    length = int.from_bytes(data[offset : offset + count], "big")
    return length, offset + count


def decode_one(data: bytes, offset: int = 0) -> tuple[Tlv, int]:
    """Decode one data object at ``offset``; returns it and the next offset."""
    start = offset
    tag, offset = _read_tag(data, offset)
    length, offset = _read_length(data, offset)
    end = offset + length
    if end > len(data):
        raise TlvError(
            f"tag {tag:X} declares {length} bytes, only {len(data) - offset} remain", start
        )
    return Tlv(tag, bytes(data[offset:end])), end


def iter_decode(data: bytes) -> Iterator[Tlv]:
    offset = 0
    while offset < len(data):
        tlv, offset = decode_one(data, offset)
        yield tlv


def decode_all(data: bytes) -> list[Tlv]:
    """All data objects in ``data``, which must be consumed exactly."""
    return list(iter_decode(data))


def decode_single(data: bytes, expected_tag: int | None = None) -> Tlv:
    """Exactly one data object filling ``data`` (trailing bytes are an error)."""
    tlv, end = decode_one(data)
    if end != len(data):
        raise TlvError(f"{len(data) - end} trailing bytes after tag {tlv.tag:X}", end)
    if expected_tag is not None and tlv.tag != expected_tag:
        raise TlvError(f"expected tag {expected_tag:X}, found {tlv.tag:X}", 0)
    return tlv


def find(children: Iterable[Tlv], tag: int) -> Tlv | None:
    for child in children:
        if child.tag == tag:
            return child
    return None


def require(children: Iterable[Tlv], tag: int) -> Tlv:
    found = find(children, tag)
    if found is None:
        raise TlvError(f"required tag {tag:X} is missing")
    return found
