"""Signature activation and signing end to end, with openssl as the judge."""

import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from apdu.command import CommandApdu
from apdu.constants import Ins
from apdu.pcsc import open_card
from apdu.pins import PinRef
from apdu.profile import SignatureKeyState
from signing.activation import ActivationError, ActivationProblem, SignatureActivation, Step
from signing.ca import Fault, LocalCertificateAuthority
from signing.card_signer import CardDigestSigner
from signing.csr import build_csr, subject_for
from signing.errors import UnavailableReason
from simulators.card import CardStore, PowerLoss, SimulatedChip
from tests.conftest import KNOWN_PINS, NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow
PIN2 = "975310"


def openssl(*args):
    return subprocess.run(["openssl", *args], capture_output=True, text=True, timeout=30)


def delivered(reader0, cards, seed):
    """A card handed over at the office (ACTIVE), in reader 0; returns its image path."""
    path = cards.file(seed)
    chip = SimulatedChip(CardStore.open(path))
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    with open_card(0) as card:
        card.verify_pin(PinRef.PIN1, KNOWN_PINS.pin1)
        card.activate_card()
    return path, chip


def reinsert(reader0, path):
    reader0.readers[0].remove()
    wait_for_card(0, present=False)
    chip = SimulatedChip(CardStore.open(path))
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    return chip


def activation(card, ca, journal, issuer):
    """The activation as the kiosk runs it: genuine cards only, against the test CSCA."""
    return SignatureActivation(card, ca, journal, trust_anchors=[issuer.csca])


@pytest.fixture
def ca(tmp_path):
    with LocalCertificateAuthority(tmp_path / "ca") as authority:
        yield authority


def test_openssl_accepts_request_certificate_and_signature(reader0, cards, issuer, ca, tmp_path):
    delivered(reader0, cards, 100)
    with open_card(0) as card:
        result = activation(card, ca, tmp_path / "journal", issuer).run(KNOWN_PINS.pin1, PIN2)
        identity = card.read_contents(photo=False).identity
        signer = CardDigestSigner(card)
        csr = build_csr(signer, subject_for(identity))  # a second request, for openssl
    pem = serialization.Encoding.PEM
    (tmp_path / "csr.der").write_bytes(csr)
    checked = openssl("req", "-verify", "-noout", "-inform", "DER",
                      "-in", str(tmp_path / "csr.der"))
    assert checked.returncode == 0 and "verify OK" in (checked.stdout + checked.stderr)
    (tmp_path / "ca.pem").write_bytes(ca.certificate.public_bytes(pem))
    (tmp_path / "cert.pem").write_bytes(result.certificate.public_bytes(pem))
    verified = openssl("verify", "-CAfile", str(tmp_path / "ca.pem"), str(tmp_path / "cert.pem"))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert identity.national_code in result.certificate.subject.rfc4514_string()


def cli(*args, stdin=""):
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_cli_activate_sign_and_verify(reader0, cards, tmp_path, home):
    delivered(reader0, cards, 101)
    before = cli("sign", "status")
    assert "no key" in before.stdout and "PIN2:          not set" in before.stdout
    document = tmp_path / "contract.txt"
    document.write_text("قرارداد اجاره — ۱۴۰۵/۰۹/۰۱\n", encoding="utf-8")
    refused = cli("sign", "file", str(document))
    assert refused.returncode == 3 and "not active" in refused.stderr
    assert "PIN2" not in refused.stderr.replace("not active", "")  # never asked for
    activated = cli("sign", "activate", stdin=f"{KNOWN_PINS.pin1}\n{PIN2}\n{PIN2}\n")
    assert activated.returncode == 0, activated.stderr
    assert "Signature active." in activated.stdout and "40,000 toman" in activated.stderr
    status = cli("sign", "status")
    assert "Signature key: active" in status.stdout and "ECDSA_P256_SHA256" in status.stdout
    signed = cli("sign", "file", str(document), stdin=f"{PIN2}\n")
    assert signed.returncode == 0, signed.stderr
    p7s = tmp_path / "contract.txt.p7s"
    ok = cli("sign", "verify", str(document), str(p7s))
    assert ok.returncode == 0 and "VALID" in ok.stdout
    ca_pem = tmp_path / "ca.pem"
    with LocalCertificateAuthority(home / "ca") as authority:
        ca_pem.write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    accepted = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", str(p7s),
                       "-content", str(document), "-CAfile", str(ca_pem),
                       "-out", "/dev/null")
    assert accepted.returncode == 0, accepted.stderr
    data = bytearray(document.read_bytes())
    data[5] ^= 0x01
    document.write_bytes(bytes(data))
    rejected = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", str(p7s),
                       "-content", str(document), "-CAfile", str(ca_pem),
                       "-out", "/dev/null")
    assert rejected.returncode != 0
    bad = cli("sign", "verify", str(document), str(p7s))
    assert bad.returncode == 4 and "INVALID" in bad.stdout
    wrong_pin = cli("sign", "file", str(tmp_path / "ca.pem"), stdin="111222\n")
    assert wrong_pin.returncode == 4 and "2 tries left" in wrong_pin.stderr


CARD_STEPS = {  # where the card is pulled: the command it is pulled during (new order)
    Step.VERIFY_HOLDER: Ins.VERIFY,
    Step.GENERATE_KEY: Ins.GENERATE_ASYMMETRIC_KEY_PAIR,
    Step.SET_PIN2: Ins.CHANGE_REFERENCE_DATA,
    Step.BUILD_REQUEST: Ins.PERFORM_SECURITY_OPERATION,
    Step.WRITE_CERTIFICATE: Ins.PUT_DATA,
}


@pytest.mark.parametrize("step", list(CARD_STEPS), ids=lambda s: s.name)
def test_card_pulled_at_each_step_then_resumed(reader0, cards, issuer, ca, tmp_path, step):
    path, chip = delivered(reader0, cards, 102)

    def pull(command: CommandApdu) -> None:
        if command.ins == CARD_STEPS[step] and not (step is Step.VERIFY_HOLDER and
                                                     not command.data):
            raise PowerLoss(step.name)

    chip.command_hook = pull
    journal = tmp_path / "journal"
    with open_card(0) as card:
        with pytest.raises(ActivationError) as stopped:
            activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
    assert stopped.value.step is step and stopped.value.resumable
    assert stopped.value.problem is ActivationProblem.CARD_REMOVED
    reinsert(reader0, path)
    with open_card(0) as card:
        state = card.signature_status().state
        expected = SignatureKeyState.NONE if step in (Step.VERIFY_HOLDER, Step.GENERATE_KEY) \
            else SignatureKeyState.GENERATED
        assert state is expected
        result = activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
        assert result.resumed == (expected is SignatureKeyState.GENERATED)
        assert card.signature_status().active
        on_card = card.read_signature_public_key().public_numbers()
        assert result.certificate.public_key().public_numbers() == on_card
    assert not list(journal.glob("*.json"))


@pytest.mark.parametrize("fault", [Fault.UNAVAILABLE, Fault.REFUSE])
def test_authority_unreachable_or_refusing(reader0, cards, issuer, ca, tmp_path, fault):
    delivered(reader0, cards, 103)
    journal = tmp_path / "journal"
    with open_card(0) as card:
        ca.fail_next(fault)
        with pytest.raises(ActivationError) as stopped:
            activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
        assert stopped.value.step is Step.ISSUE
        assert card.signature_status().state is SignatureKeyState.GENERATED
        first_key = card.read_signature_public_key().public_numbers()
        if fault is Fault.UNAVAILABLE:
            assert stopped.value.problem is ActivationProblem.CA_UNAVAILABLE
            assert stopped.value.unavailable is UnavailableReason.UNREACHABLE
        else:
            assert stopped.value.problem is ActivationProblem.CA_REFUSED
        result = activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
        second_key = card.read_signature_public_key().public_numbers()
        assert (first_key == second_key) == (fault is Fault.UNAVAILABLE)
        assert result.certificate.public_key().public_numbers() == second_key


def test_certificate_issued_but_not_written_is_not_issued_twice(reader0, cards, issuer, ca,
                                                                tmp_path):
    path, chip = delivered(reader0, cards, 104)
    chip.command_hook = lambda c: (_ for _ in ()).throw(PowerLoss("pulled")) \
        if c.ins == Ins.PUT_DATA else None
    journal = tmp_path / "journal"
    with open_card(0) as card:
        with pytest.raises(ActivationError):
            activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
    reinsert(reader0, path)
    with open_card(0) as card:
        ca.fail_next(Fault.UNAVAILABLE)  # would fail if a second issue were attempted
        result = activation(card, ca, journal, issuer).run(KNOWN_PINS.pin1, PIN2)
        assert result.resumed and card.signature_status().active
