"""An activation interrupted anywhere resumes to exactly one live certificate, redo included."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509

from apdu.constants import Ins
from apdu.pins import PinRef
from apdu.profile import SignatureKeyState
from signing.activation import ActivationError, ActivationProblem, Step
from signing.ca import Fault, LocalCertificateAuthority
from signing.csr import build_csr, subject_for
from signing.errors import RefusalReason, UnavailableReason
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.status import CertificateState
from simulators.card import CardImage
from tests.conftest import KNOWN_PINS, CardFactory
from tests.signing.cards import (
    CardInReader,
    Pull,
    activation,
    at,
    at_write,
    identity_of,
    in_reader,
    journal_files,
    live,
)

PIN1, PIN2 = KNOWN_PINS.pin1, "975310"


PULLS: dict[str, tuple[Step, Pull, SignatureKeyState]] = {  # step, pull, key state after
    "chip-authentication": (Step.READ_CARD, at(Ins.INTERNAL_AUTHENTICATE),
                            SignatureKeyState.NONE),
    "verify-pin1": (Step.VERIFY_HOLDER, at(Ins.VERIFY, 0x81), SignatureKeyState.NONE),
    "generate": (Step.GENERATE_KEY, at(Ins.GENERATE_ASYMMETRIC_KEY_PAIR),
                 SignatureKeyState.NONE),
    "generated-unanswered": (Step.GENERATE_KEY, at_write("generate.key:after"),
                             SignatureKeyState.GENERATED),
    "set-pin2": (Step.SET_PIN2, at(Ins.CHANGE_REFERENCE_DATA), SignatureKeyState.GENERATED),
    "pin2-set-unanswered": (Step.SET_PIN2, at_write("change.initial:after"),
                            SignatureKeyState.GENERATED),
    "verify-pin2": (Step.VERIFY_PIN2, at(Ins.VERIFY, 0x82), SignatureKeyState.GENERATED),
    "sign-request": (Step.BUILD_REQUEST, at(Ins.PERFORM_SECURITY_OPERATION),
                     SignatureKeyState.GENERATED),
    "write-certificate": (Step.WRITE_CERTIFICATE, at(Ins.PUT_DATA), SignatureKeyState.GENERATED),
    "written-unanswered": (Step.WRITE_CERTIFICATE, at_write("certificate.write:after"),
                           SignatureKeyState.CERTIFIED),
}


@pytest.mark.parametrize("where", list(PULLS))
def test_card_pulled_at_each_step_then_resumed(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path, where: str,
) -> None:
    step, pull, state_after = PULLS[where]
    reader = in_reader(cards, genuine_image)
    journal = tmp_path / "journal"
    run = activation(reader, ca, journal, anchors)
    pull(reader)
    with pytest.raises(ActivationError) as stopped:
        run.run(PIN1, PIN2)
    assert (stopped.value.step, stopped.value.problem) == (step, ActivationProblem.CARD_REMOVED)
    assert stopped.value.resumable
    identity = identity_of(genuine_image)
    assert reader.insert().signature_status().state is state_after
    assert len(live(ca, identity)) <= 1

    result = activation(reader, ca, journal, anchors).run(PIN1, PIN2)
    card = reader.insert()
    assert card.signature_status().active
    assert card.read_signature_certificate() == result.certificate
    assert live(ca, identity) == [result.certificate]  # one, and only one
    assert len(ca.certificates_of_card(identity.card_serial)) == 1  # never issued twice
    assert journal_files(journal) == []


@pytest.mark.parametrize("fault", [Fault.UNAVAILABLE, Fault.REFUSE])
def test_authority_unreachable_or_refusing(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path, fault: Fault,
) -> None:
    reader = in_reader(cards, genuine_image)
    ca.fail_next(fault)
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2)
    error = stopped.value
    assert error.step is Step.ISSUE
    if fault is Fault.UNAVAILABLE:
        assert error.problem is ActivationProblem.CA_UNAVAILABLE and error.resumable
        assert error.unavailable is UnavailableReason.UNREACHABLE
    else:
        assert error.problem is ActivationProblem.CA_REFUSED
        assert error.refusal is RefusalReason.INJECTED
    first_key = reader.insert().read_signature_public_key()
    result = activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2)
    second_key = reader.insert().read_signature_public_key()
    assert (first_key == second_key) is (fault is Fault.UNAVAILABLE)
    assert result.certificate.public_key() == second_key
    assert result.resumed is (fault is Fault.UNAVAILABLE)


def test_issued_but_not_written_is_not_issued_twice_even_without_the_journal(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    identity = identity_of(genuine_image)
    for kiosk in ("same-kiosk", "other-kiosk"):
        reader = in_reader(cards, genuine_image)
        run = activation(reader, ca, tmp_path / "a" / kiosk, anchors)
        reader.pull_when(lambda c: c.ins == Ins.PUT_DATA)
        with pytest.raises(ActivationError):
            run.run(PIN1, PIN2)
        (issued,) = live(ca, identity)
        if kiosk == "same-kiosk":  # the journal has it: the authority is not even asked
            ca.fail_next(Fault.UNAVAILABLE)
            result = activation(reader, ca, tmp_path / "a" / kiosk, anchors).run(PIN1, PIN2)
            ca.clear_faults()
        else:  # another kiosk, no journal: the authority answers with what it issued
            result = activation(reader, ca, tmp_path / "b", anchors).run(PIN1, PIN2)
        assert result.resumed and result.certificate == issued
        assert live(ca, identity) == [issued]
        ca.revoke(issued.serial_number)  # next round starts from a card with no live one


# -- redo: the old certificate is superseded, never two live and never none -----------------

REDO_PULLS: dict[str, Callable[[CardInReader, LocalCertificateAuthority], None]] = {
    "before-generate": lambda r, ca: at(Ins.GENERATE_ASYMMETRIC_KEY_PAIR)(r),
    "generated-unanswered": lambda r, ca: at_write("generate.key:after")(r),
    "sign-request": lambda r, ca: at(Ins.PERFORM_SECURITY_OPERATION)(r),
    "authority-down": lambda r, ca: ca.fail_next(Fault.UNAVAILABLE),
    "write-certificate": lambda r, ca: at(Ins.PUT_DATA)(r),
}


@pytest.mark.parametrize("ask_redo_again", [True, False], ids=["redo-again", "plain-resume"])
@pytest.mark.parametrize("where", list(REDO_PULLS))
def test_an_interrupted_redo_resumes_to_exactly_one_live_certificate(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path, where: str, ask_redo_again: bool,
) -> None:
    identity = identity_of(genuine_image)
    reader = in_reader(cards, genuine_image)
    journal = tmp_path / "journal"
    old = activation(reader, ca, journal, anchors).run(PIN1, PIN2).certificate
    run = activation(reader, ca, journal, anchors)
    REDO_PULLS[where](reader, ca)
    with pytest.raises(ActivationError) as stopped:
        run.run(PIN1, PIN2, redo=True)
    assert stopped.value.resumable
    (current,) = live(ca, identity)  # never two, never none
    assert (current == old) is (where != "write-certificate")  # replaced once issued

    result = activation(reader, ca, journal, anchors).run(PIN1, PIN2, redo=ask_redo_again)
    if where == "before-generate" and not ask_redo_again:
        assert result.already_active and result.certificate == old  # nothing had changed
        assert live(ca, identity) == [old]
        return
    assert result.certificate != old
    assert live(ca, identity) == [result.certificate]
    status = ca.status(old)
    assert status.state is CertificateState.REVOKED
    assert status.reason is x509.ReasonFlags.superseded
    assert reader.insert().read_signature_certificate() == result.certificate
    assert journal_files(journal) == []


def test_a_wrong_pin2_stops_a_redo_before_the_key_is_replaced(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    reader = in_reader(cards, genuine_image)
    old = activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2).certificate
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run(PIN1, "864200", redo=True)
    assert (stopped.value.step, stopped.value.problem, stopped.value.pin) == (
        Step.VERIFY_PIN2, ActivationProblem.WRONG_PIN, PinRef.PIN2)
    card = reader.insert()
    assert card.signature_status().active and card.read_signature_certificate() == old


def test_a_card_certified_elsewhere_needs_an_explicit_redo(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    identity = identity_of(genuine_image)
    elsewhere_key = SoftwareSigner.generate(SignatureAlgorithm.ECDSA_P256_SHA256)
    elsewhere = ca.issue(build_csr(elsewhere_key, subject_for(identity)), identity=identity)
    reader = in_reader(cards, genuine_image)
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2)
    error = stopped.value
    assert (error.step, error.problem, error.refusal, error.serial) == (
        Step.ISSUE, ActivationProblem.ALREADY_CERTIFIED, RefusalReason.ALREADY_CERTIFIED,
        elsewhere.serial_number)
    assert live(ca, identity) == [elsewhere]
    result = activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2, redo=True)
    assert result.resumed  # the key generated before the refusal is the one certified
    assert live(ca, identity) == [result.certificate]
    assert ca.status(elsewhere).reason is x509.ReasonFlags.superseded
