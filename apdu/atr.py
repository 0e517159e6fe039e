"""Just enough ATR parsing (ISO/IEC 7816-3 / 7816-4 section 12) to learn what the card can do.

The client asks one question of the ATR: may it use extended lengths and chaining?
A malformed ATR is not fatal: it just means "assume nothing".
"""

from __future__ import annotations

from dataclasses import dataclass

# compact-TLV tag numbers in the historical bytes (ISO/IEC 7816-4 section 12.1.1)
TAG_CARD_CAPABILITIES = 0x7
TAG_APPLICATION_IDENTIFIER = 0xF


@dataclass(frozen=True)
class CardCapabilities:
    extended_length: bool = False
    command_chaining: bool = False
    aid: bytes = b""


@dataclass(frozen=True)
class ParsedAtr:
    """The structure of an ATR: protocols offered (first is the default), historical bytes."""

    protocols: tuple[int, ...]
    historical: bytes
    tck_valid: bool


def parse_atr(atr: bytes) -> ParsedAtr | None:
    """The ATR's structure, or None when its interface bytes do not add up."""
    if len(atr) < 2 or atr[0] not in (0x3B, 0x3F):
        return None
    t0 = atr[1]
    count = t0 & 0x0F
    y = t0 >> 4
    pos = 2
    protocols: list[int] = []
    while True:
        for bit in (0x1, 0x2, 0x4):  # TA, TB, TC
            if y & bit:
                pos += 1
        if not y & 0x8:
            break
        if pos >= len(atr):
            return None
        td = atr[pos]
        pos += 1
        y = td >> 4
        if td & 0x0F not in protocols:
            protocols.append(td & 0x0F)
    end = pos + count
    if end > len(atr):
        return None
    offered = tuple(t for t in protocols if t != 15) or (0,)  # T=15: global bytes, not a protocol
    # TCK is absent when only T=0 is indicated (T=15 counts: 7816-3 section 8.2.5);
    # otherwise the XOR of T0..TCK is zero
    tck_valid = True
    if set(protocols) - {0}:
        if len(atr) != end + 1:
            tck_valid = False
        else:
            check = 0
            for byte in atr[1:]:
                check ^= byte
            tck_valid = check == 0
    return ParsedAtr(offered, atr[pos:end], tck_valid)


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR, or empty when it cannot be parsed."""
    parsed = parse_atr(atr)
    return parsed.historical if parsed else b""


def capabilities(atr: bytes) -> CardCapabilities:
    """Card capabilities from compact-TLV historical bytes (category indicator 80)."""
    hist = historical_bytes(atr)
    if not hist or hist[0] != 0x80:
        return CardCapabilities()
    extended = chaining = False
    aid = b""
    pos = 1
    while pos < len(hist):
        tag, length = hist[pos] >> 4, hist[pos] & 0x0F
        value = hist[pos + 1 : pos + 1 + length]
        if len(value) != length:
            break
        if tag == TAG_CARD_CAPABILITIES and length >= 3:
            chaining = bool(value[2] & 0x80)
            extended = bool(value[2] & 0x40)
        elif tag == TAG_APPLICATION_IDENTIFIER:
            aid = value
        pos += 1 + length
    return CardCapabilities(extended, chaining, aid)
