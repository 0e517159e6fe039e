"""A card with an active signature key (PIN2 set, key certified), made in-process.

Shared by the session tests here and through pcscd (tests/e2e/test_session_security.py).
"""

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from apdu.client import NidCard
from apdu.pins import PinRef
from apdu.profile import SignatureAlgorithmRef
from apdu.transport import DirectTransport
from simulators.card import SimulatedChip
from tests.conftest import KNOWN_PINS

PIN2 = "975310"


def _certificate_for(public_key) -> x509.Certificate:  # noqa: ANN001
    ca_key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test")])
    now = dt.datetime.now(dt.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(public_key).serial_number(1).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(ca_key, hashes.SHA256()))


def activate_signature(chip: SimulatedChip) -> None:
    """Deliver the card and activate its ECDSA signature key with PIN2, then power it off."""
    card = NidCard(DirectTransport(chip.process, chip.atr))
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    card.activate_card()
    card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
    public = card.generate_signature_key(SignatureAlgorithmRef.ECDSA_P256_SHA256)
    card.set_initial_pin2(PIN2)
    card.write_signature_certificate(_certificate_for(public))
    chip.power_off()
