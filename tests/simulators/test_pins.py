"""PIN commands on the chip: every state answers with its status word."""

import pytest

from apdu.command import CommandApdu
from apdu.pins import PinRef, encode_pin
from apdu.profile import NID_AID, Lifecycle
from simulators.card.pins import HOLDER_VERIFIED, effective_lifecycle, tries_left
from simulators.personalize import PinLetter

LETTER = PinLetter("246810", "13579024")


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


@pytest.fixture
def chip(cards):
    persona_image = cards.image(50)
    from simulators.personalize import personalize
    from simulators.personas import generate_persona

    persona = generate_persona(50)
    image = personalize(persona.identity, persona.address, persona.photo_jpeg, cards.issuer,
                        pins=LETTER)
    chip = cards.chip(image=image)
    chip.process(CommandApdu(0, 0xA4, 4, 0x0C, NID_AID).encode())
    assert persona_image.files  # the factory still works alongside
    return chip


def verify(chip, ref, pin=None, p1=0):
    data = encode_pin(pin, ref) if pin else b""
    return sw(chip.process(CommandApdu(0, 0x20, p1, ref, data).encode()))


def test_verify_empty_reports_tries_and_spends_none(chip):
    for _ in range(5):
        assert verify(chip, PinRef.PIN1) == 0x63C3
    assert tries_left(chip.image, PinRef.PIN1) == 3


def test_wrong_pin_down_to_blocked_and_state_is_persisted(chip, cards):
    assert verify(chip, PinRef.PIN1, "111222") == 0x63C2
    assert verify(chip, PinRef.PIN1, "111222") == 0x63C1
    assert verify(chip, PinRef.PIN1, "111222") == 0x6983
    assert verify(chip, PinRef.PIN1, LETTER.pin1) == 0x6983  # right PIN, but blocked
    assert verify(chip, PinRef.PIN1) == 0x6983
    chip.store.reload()
    assert tries_left(chip.image, PinRef.PIN1) == 0


def test_correct_pin_restores_the_counter_and_verifies_the_session(chip):
    assert verify(chip, PinRef.PIN1, "111222") == 0x63C2
    assert verify(chip, PinRef.PIN1, LETTER.pin1) == 0x9000
    assert verify(chip, PinRef.PIN1) == 0x9000
    assert verify(chip, PinRef.PIN1, p1=0xFF) == 0x9000  # reset verification status
    assert verify(chip, PinRef.PIN1) == 0x63C3


def test_verified_state_is_dropped_on_power_loss_reset_and_deselect(chip):
    assert verify(chip, PinRef.PIN1, LETTER.pin1) == 0x9000
    chip.power_off()
    chip.process(CommandApdu(0, 0xA4, 4, 0x0C, NID_AID).encode())
    assert verify(chip, PinRef.PIN1) == 0x63C3
    assert verify(chip, PinRef.PIN1, LETTER.pin1) == 0x9000
    chip.process(bytes.fromhex("00A4000C023F00"))  # leave the application
    chip.process(CommandApdu(0, 0xA4, 4, 0x0C, NID_AID).encode())
    assert verify(chip, PinRef.PIN1) == 0x63C3


def test_pin2_is_not_usable_before_activation(chip):
    assert verify(chip, PinRef.PIN2) == 0x6984
    assert verify(chip, PinRef.PIN2, "123987") == 0x6984
    change = CommandApdu(0, 0x24, 0, PinRef.PIN2,
                         encode_pin("123987", PinRef.PIN2) * 2).encode()
    assert sw(chip.process(change)) == 0x6984


@pytest.mark.parametrize("data, expected", [
    (b"12", 0x6700),                          # not a PIN block
    (b"12ab\xff\xff\xff\xff", 0x6A80),        # letters
    (b"12\xff\xff\xff\xff\xff\xff", 0x6A80),  # too short a PIN
])
def test_malformed_pin_blocks_spend_no_try(chip, data, expected):
    assert sw(chip.process(CommandApdu(0, 0x20, 0, PinRef.PIN1, data).encode())) == expected
    assert tries_left(chip.image, PinRef.PIN1) == 3


def test_unknown_reference_and_bad_p1(chip):
    assert sw(chip.process(CommandApdu(0, 0x20, 0, 0x85).encode())) == 0x6A88
    assert sw(chip.process(CommandApdu(0, 0x20, 0x01, 0x81).encode())) == 0x6A86
    assert sw(chip.process(CommandApdu(0, 0x2C, 0x07, 0x81).encode())) == 0x6A86


def test_reset_by_finger_needs_a_match_first(chip):
    new = encode_pin("975310", PinRef.PIN1)
    assert sw(chip.process(CommandApdu(0, 0x2C, 0x02, 0x81, new).encode())) == 0x6982
    chip.session.verified.add(HOLDER_VERIFIED)
    assert sw(chip.process(CommandApdu(0, 0x2C, 0x02, 0x81, new).encode())) == 0x9000
    assert sw(chip.process(CommandApdu(0, 0x2C, 0x02, 0x81, new).encode())) == 0x6982  # once


def test_used_up_puk_blocks_the_pin_services(chip):
    wrong = encode_pin("00000000", PinRef.PUK) + encode_pin("975310", PinRef.PIN1)
    answers = [sw(chip.process(CommandApdu(0, 0x2C, 0, 0x81, wrong).encode())) for _ in range(11)]
    assert answers[:9] == [0x63C0 | n for n in range(9, 0, -1)]
    assert answers[9:] == [0x6983, 0x6983]
    assert effective_lifecycle(chip.image) is Lifecycle.BLOCKED
    change = encode_pin(LETTER.pin1, PinRef.PIN1) + encode_pin("975310", PinRef.PIN1)
    assert sw(chip.process(CommandApdu(0, 0x24, 0, 0x81, change).encode())) == 0x6985
    assert verify(chip, PinRef.PIN1, LETTER.pin1) == 0x9000  # PIN1 itself still works
