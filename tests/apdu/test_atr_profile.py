"""The ATR says what the chip profile says: T=1 only, the AID under compact-TLV tag F."""

from apdu.atr import capabilities, historical_bytes, parse_atr
from apdu.profile import ATR, NID_AID


def test_our_atr_offers_t1_only_with_a_valid_check_byte():
    parsed = parse_atr(ATR)
    assert parsed is not None
    assert parsed.protocols == (1,)  # no T=0 offered first (TD1 used to say T=0)
    assert parsed.tck_valid
    assert ATR.hex(" ").upper() == "3B 8D 81 31 FE 45 80 F7 D3 64 00 4E 49 44 01 73 B4 01 C0 02"


def test_the_aid_is_under_the_application_identifier_tag():
    hist = historical_bytes(ATR)
    assert hist[0] == 0x80  # category: compact-TLV follows
    assert hist[1] == 0xF0 | len(NID_AID) and hist[2 : 2 + len(NID_AID)] == NID_AID
    assert capabilities(ATR).aid == NID_AID
    # tag 4 is "initial access data" (a READ BINARY to run after reset), not an AID
    initial_access = bytes.fromhex("3B8D8131FE458047") + NID_AID + bytes.fromhex("73B401C0")
    assert capabilities(initial_access).aid == b""


def test_protocols_default_and_check_byte():
    assert parse_atr(bytes.fromhex("3B00")).protocols == (0,)  # no TD1: T=0 by default
    two = bytes.fromhex("3B80800100")  # TD1 T=0, TD2 T=1: T=0 offered first
    check = 0
    for byte in two[1:-1]:
        check ^= byte
    two = two[:-1] + bytes([check])
    assert parse_atr(two).protocols == (0, 1) and parse_atr(two).tck_valid
    broken = ATR[:-1] + bytes([ATR[-1] ^ 0xFF])
    assert not parse_atr(broken).tck_valid
    assert parse_atr(ATR[:-1]).tck_valid is False  # TCK missing
    assert parse_atr(bytes.fromhex("3B80")) is None  # TD1 announced, absent
