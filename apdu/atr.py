"""Just enough ATR parsing (ISO/IEC 7816-3 / 7816-4 section 12) to learn what the card can do.

The client asks one question of the ATR: may it use extended lengths and chaining?
A malformed ATR is not fatal: it just means "assume nothing".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardCapabilities:
    extended_length: bool = False
    command_chaining: bool = False
    aid: bytes = b""


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR, or empty when it cannot be parsed."""
    if len(atr) < 2 or atr[0] not in (0x3B, 0x3F):
        return b""
    t0 = atr[1]
    count = t0 & 0x0F
    y = t0 >> 4
    pos = 2
    while True:
        for bit in (0x1, 0x2, 0x4):  # TA, TB, TC
            if y & bit:
                pos += 1
        if not y & 0x8:
            break
        if pos >= len(atr):
            return b""
        td = atr[pos]
        pos += 1
        y = td >> 4
    end = pos + count
    return atr[pos:end] if end <= len(atr) else b""


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
        if tag == 0x7 and length >= 3:
            chaining = bool(value[2] & 0x80)
            extended = bool(value[2] & 0x40)
        elif tag == 0x4:
            aid = value
        pos += 1 + length
    return CardCapabilities(extended, chaining, aid)
