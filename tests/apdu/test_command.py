import pytest

from apdu.command import CommandApdu, ResponseApdu
from apdu.errors import ApduFormatError, WrongSecretError


@pytest.mark.parametrize("apdu, encoded", [
    (CommandApdu(0, 0xA4, 4, 0x0C), "00A4040C"),
    (CommandApdu(0, 0xB0, 0x81, 0, ne=256), "00B0810000"),
    (CommandApdu(0, 0xB0, 0x81, 0, ne=65536), "00B08100000000"),
    (CommandApdu(0, 0x20, 0, 0x81, b"1234"), "002000810431323334"),
    (CommandApdu(0, 0x88, 0, 1, b"\xaa" * 2, ne=256), "0088000102AAAA00"),
    (CommandApdu(0, 0x88, 0, 1, b"\xaa" * 2, ne=300), "00880001000002AAAA012C"),
    (CommandApdu(0, 0x2A, 0x9E, 0x9A, b"\x01" * 300), "002A9E9A00012C" + "01" * 300),
])
def test_encode_decode_every_case(apdu, encoded):
    assert apdu.encode().hex().upper() == encoded
    decoded = CommandApdu.decode(bytes.fromhex(encoded))
    assert (decoded.cla, decoded.ins, decoded.p1, decoded.p2, decoded.data, decoded.ne) == (
        apdu.cla, apdu.ins, apdu.p1, apdu.p2, apdu.data, apdu.ne)


@pytest.mark.parametrize("raw", ["00A404", "00A4040C05A0", "00A4040C02A0A0A0A0",
                                 "00A4040C03A0A0", "00B081000000", "0020008100000005",
                                 "0020008100000231"])
def test_malformed_commands(raw):
    with pytest.raises(ApduFormatError):
        CommandApdu.decode(bytes.fromhex(raw))


def test_field_ranges_are_checked():
    with pytest.raises(ApduFormatError, match="CLA"):
        CommandApdu(0x100, 0, 0, 0)
    with pytest.raises(ApduFormatError, match="Ne"):
        CommandApdu(0, 0, 0, 0, ne=0)


def test_response_check_maps_status_words():
    assert ResponseApdu.decode(b"\x01\x90\x00").check() == b"\x01"
    with pytest.raises(WrongSecretError) as info:
        ResponseApdu.decode(b"\x63\xc2").check("VERIFY PIN1")
    assert info.value.tries_left == 2
    assert "63C2" in str(info.value) and "VERIFY PIN1" in str(info.value)
    with pytest.raises(ApduFormatError):
        ResponseApdu.decode(b"\x90")
