"""The signature key on the chip: generation rules, signing conditions, certificate checks."""

import datetime as dt
import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils
from cryptography.x509.oid import NameOID

from apdu.client import NidCard
from apdu.command import CommandApdu
from apdu.errors import NotVerifiedError, SignatureNotActiveError
from apdu.pins import PinRef
from apdu.profile import NID_AID, Lifecycle, SignatureAlgorithmRef, SignatureKeyState
from apdu.transport import DirectTransport
from tests.conftest import KNOWN_PINS

PIN2 = "975310"


def sw(response: bytes) -> int:
    return int.from_bytes(response[-2:], "big")


def certificate_for(public_key) -> x509.Certificate:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(public_key).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(ca_key, hashes.SHA256()))


@pytest.fixture
def setup(cards):
    chip = cards.chip(80, persistent=False)
    card = NidCard(DirectTransport(chip.process, chip.atr))
    return chip, card


def run(chip, hex_apdu):
    chip.process(CommandApdu(0, 0xA4, 4, 0x0C, NID_AID).encode())
    return chip.process(bytes.fromhex(hex_apdu.replace(" ", "")))


GENERATE_EC = "00 46 80 00 08 AC 06 80 01 01 84 01 02 00"


def test_generation_needs_a_delivered_card_and_pin1(setup):
    chip, card = setup
    assert sw(run(chip, GENERATE_EC)) == 0x6985  # still PERSONALIZED
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert card.lifecycle() is Lifecycle.ACTIVE
    chip.process(bytes.fromhex("0020FF81"))  # drop PIN1 verification
    assert sw(run(chip, GENERATE_EC)) == 0x6982
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert sw(run(chip, "00 46 80 00 04 AC 02 80 01 00")) == 0x6A80  # unknown algorithm
    assert sw(run(chip, "00 46 82 00 00")) == 0x6A86
    assert sw(run(chip, "00 46 81 00 00")) == 0x6A88  # no key to read yet
    response = run(chip, GENERATE_EC)
    assert sw(response) == 0x9000 and response[:2] == b"\x7f\x49"


def test_certificate_then_regeneration_rules(setup):
    chip, card = setup
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    first = card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)
    second = card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)  # resume
    assert first.public_numbers() != second.public_numbers()
    stranger = certificate_for(ec.generate_private_key(ec.SECP256R1()).public_key())
    der = stranger.public_bytes(serialization.Encoding.DER)
    put = CommandApdu(0, 0xDA, 0x7F, 0x21, der).encode()
    assert sw(chip.process(put)) == 0x6A80  # not our key
    assert sw(chip.process(CommandApdu(0, 0xDA, 0x7F, 0x21, b"\x30\x03\x02\x01\x00").encode())) \
        == 0x6A80
    card.write_signature_certificate(certificate_for(second))
    assert card.signature_status().state is SignatureKeyState.CERTIFIED
    assert card.lifecycle() is Lifecycle.SIGNATURE_ACTIVE
    assert card.read_signature_certificate().public_key().public_numbers() == \
        second.public_numbers()
    assert sw(run(chip, GENERATE_EC)) == 0x6985  # no silent regeneration over an active key
    redo = card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256, redo=True)
    assert redo.public_numbers() != second.public_numbers()
    assert card.read_signature_certificate() is None
    assert card.lifecycle() is Lifecycle.ACTIVE


@pytest.mark.parametrize("algorithm", list(SignatureAlgorithmRef))
def test_signing_conditions_and_signatures_verify(setup, algorithm):
    chip, card = setup
    with pytest.raises(SignatureNotActiveError):
        card.sign_digest(b"\x00" * 32)
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    public = card.generate_signature_key(algorithm)
    card.set_initial_pin2(PIN2)
    assert sw(run(chip, "00 2A 9E 9A 20" + "00" * 32 + "00")) == 0x6985  # no MSE yet
    digest = hashlib.sha256(b"a document").digest()
    chip.process(bytes.fromhex("0020FF82"))
    with pytest.raises(NotVerifiedError):
        card.sign_digest(digest)
    card.verify_pin(PinRef.PIN2, PIN2)
    signature = card.sign_digest(digest)
    if algorithm is SignatureAlgorithmRef.ECDSA_P256_SHA256:
        der = utils.encode_dss_signature(int.from_bytes(signature[:32], "big"),
                                         int.from_bytes(signature[32:], "big"))
        public.verify(der, digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        assert sw(run(chip, "00 22 41 B6 06 84 01 02 80 01 01")) == 0x9000
        assert sw(chip.process(bytes.fromhex("002A9E9A10" + "00" * 16 + "00"))) == 0x6700
    else:
        public.verify(signature, digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))
        assert sw(run(chip, "00 22 41 B6 06 84 01 02 80 01 02")) == 0x9000
        assert sw(chip.process(bytes.fromhex("002A9E9A20" + "00" * 32 + "00"))) == 0x6A80


def test_the_private_key_is_never_readable(setup):
    chip, card = setup
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)
    secret = chip.image.secrets["sig.key"]
    scalar = serialization.load_der_private_key(secret, None).private_numbers().private_value
    needles = [scalar.to_bytes(32, "big")]  # (the DER tail is the public point: readable)
    answers = [run(chip, f"00 B0 {0x80 | sfi:02X} 00 00 00 00") for sfi in range(1, 31)]
    answers += [run(chip, f"00 CA {tag >> 8:02X} {tag & 0xFF:02X} 00")
                for tag in (0xDF20, 0xDF22, 0xBF21, 0x7F21)]
    answers.append(run(chip, "00 46 81 00 00"))
    assert not any(needle in answer for needle in needles for answer in answers)
    assert "sig.key" not in repr(chip.image)


def set_pin2(chip, pin=PIN2):
    """CHANGE REFERENCE DATA P1=01 (new PIN2 only), as the activation sends it."""
    return sw(run(chip, "00 24 01 82 08 " + pin.encode().ljust(8, b"\xff").hex()))


def test_pin2_is_chosen_only_while_the_signature_key_is_being_activated(setup):
    """Issue 8: PIN2 could be set on an undelivered card with nothing but PIN1."""
    chip, card = setup
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert set_pin2(chip) == 0x6985  # PERSONALIZED: not handed over yet
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert set_pin2(chip) == 0x6985  # delivered, but no signature key being activated
    card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)
    chip.process(bytes.fromhex("0020FF81"))  # drop PIN1 verification
    assert set_pin2(chip) == 0x6982  # key generated, but the holder is not verified
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    assert set_pin2(chip) == 0x9000
    assert set_pin2(chip, "864202") == 0x6985  # once set, only CHANGE with the old PIN2
    card.verify_pin(PinRef.PIN2, PIN2)


def test_pin2_cannot_be_chosen_after_the_key_is_certified(setup):
    chip, card = setup
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    key = card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)
    card.write_signature_certificate(certificate_for(key))  # (a chip that skipped PIN2)
    assert card.lifecycle() is Lifecycle.SIGNATURE_ACTIVE
    assert set_pin2(chip) == 0x6985
