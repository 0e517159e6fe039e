from apdu.atr import capabilities, historical_bytes
from apdu.profile import ATR, NID_AID


def test_our_atr_announces_extended_length_and_the_aid():
    caps = capabilities(ATR)
    assert caps.extended_length and caps.command_chaining and caps.aid == NID_AID
    checksum = 0
    for byte in ATR[1:]:
        checksum ^= byte
    assert checksum == 0  # TCK makes the XOR of T0..TCK zero


def test_unknown_or_broken_atrs_promise_nothing():
    assert not capabilities(bytes.fromhex("3B8F8001")).extended_length
    assert historical_bytes(b"\x3b") == b""
    assert not capabilities(bytes.fromhex("3B00")).extended_length
