"""Signature activation against the in-process chip: genuine cards only, resumable at every step."""

from __future__ import annotations

import dataclasses
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509

from apdu.authenticity import Verdict
from apdu.constants import Ins
from apdu.pins import PinRef, PinState
from apdu.profile import Lifecycle, SignatureKeyState
from citizen.errors import DataProblem
from citizen.identity import Identity
from signing.activation import (
    ActivationError,
    ActivationProblem,
    SignatureActivation,
    Step,
)
from signing.ca import Fault, LocalCertificateAuthority
from signing.csr import build_csr, subject_for
from signing.errors import RefusalReason, UnavailableReason
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.status import CertificateState
from simulators.card import CardImage
from simulators.forgery import Forgery, forge
from simulators.issuer import IssuerPki
from simulators.personalize import personalize
from simulators.personas import generate_persona
from tests.conftest import KNOWN_PINS, CardFactory
from tests.signing.cards import CardInReader, deliver

PIN1, PIN2 = KNOWN_PINS.pin1, "975310"
SEED = 140


@pytest.fixture(scope="module")
def genuine_image(cards: CardFactory) -> CardImage:
    return cards.image(SEED)


@pytest.fixture
def anchors(issuer: IssuerPki) -> list[x509.Certificate]:
    return [issuer.csca]


def in_reader(cards: CardFactory, image: CardImage, delivered: bool = True) -> CardInReader:
    reader = CardInReader(cards.file(SEED, image))
    if delivered:
        deliver(reader.insert())
    return reader


def activation(reader: CardInReader, ca: LocalCertificateAuthority, journal: Path,
               anchors: list[x509.Certificate], **options: object) -> SignatureActivation:
    return SignatureActivation(reader.insert(), ca, journal, trust_anchors=anchors,
                               **options)  # type: ignore[arg-type]


def live(ca: LocalCertificateAuthority, identity: Identity) -> list[x509.Certificate]:
    return [c.certificate for c in ca.certificates_of_card(identity.card_serial)
            if c.status.state is CertificateState.GOOD]


def identity_of(image: CardImage) -> Identity:
    from apdu import datagroups
    from apdu.profile import DATA_GROUP_FILES, DataGroup

    return datagroups.decode_identity(image.files[DATA_GROUP_FILES[DataGroup.IDENTITY].fid])


def journal_files(journal: Path) -> list[Path]:
    return sorted(journal.glob("*")) if journal.exists() else []


# -- only genuine cards ------------------------------------------------------------------


@pytest.mark.parametrize("kind, verdict", [
    (Forgery.DATA_TAMPERED, Verdict.DATA_TAMPERED),
    (Forgery.SECURITY_OBJECT_TAMPERED, Verdict.SECURITY_OBJECT_INVALID),
    (Forgery.UNKNOWN_ISSUER, Verdict.UNKNOWN_ISSUER),
    (Forgery.EXPIRED_SIGNER, Verdict.SIGNER_EXPIRED),
    (Forgery.CLONED_CHIP, Verdict.CLONED_CHIP),
], ids=lambda v: getattr(v, "name", ""))
def test_a_card_that_is_not_genuine_gets_nothing(
    cards: CardFactory, issuer: IssuerPki, genuine_image: CardImage,
    anchors: list[x509.Certificate], ca: LocalCertificateAuthority, tmp_path: Path,
    kind: Forgery, verdict: Verdict,
) -> None:
    """Issue 8: a clone with another person's data, edited data and a foreign issuer were
    all certified. Now: no key, no PIN2, no certificate, no journal."""
    reader = in_reader(cards, forge(genuine_image, kind, issuer))
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path / "journal", anchors).run(PIN1, PIN2)
    assert (stopped.value.step, stopped.value.problem) == (Step.READ_CARD,
                                                           ActivationProblem.NOT_GENUINE)
    assert stopped.value.verdict is verdict and not stopped.value.resumable
    card = reader.insert()
    assert card.signature_status().state is SignatureKeyState.NONE
    assert card.pin_status()[PinRef.PIN2].state is PinState.NOT_SET
    assert live(ca, identity_of(genuine_image)) == []
    assert not (tmp_path / "journal").exists()


def test_a_genuine_card_is_certified_from_its_verified_data_in_the_new_order(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    reader = in_reader(cards, genuine_image)
    steps: list[Step] = []
    result = activation(reader, ca, tmp_path / "journal", anchors,
                        on_step=lambda s: steps.append(s) if s not in steps else None).run(
        PIN1, PIN2)
    assert steps == [Step.READ_CARD, Step.VERIFY_HOLDER, Step.GENERATE_KEY, Step.SET_PIN2,
                     Step.VERIFY_PIN2, Step.BUILD_REQUEST, Step.ISSUE, Step.WRITE_CERTIFICATE]
    identity = identity_of(genuine_image)
    assert result.certificate.subject == subject_for(identity)
    assert not result.resumed and not result.already_active
    assert live(ca, identity) == [result.certificate]
    card = reader.insert()
    assert card.lifecycle() is Lifecycle.SIGNATURE_ACTIVE
    assert card.read_signature_certificate() == result.certificate
    again = activation(reader, ca, tmp_path / "journal", anchors).run(PIN1, PIN2)
    assert again.already_active and again.certificate == result.certificate
    assert journal_files(tmp_path / "journal") == []


def test_an_undelivered_card_and_a_wrong_pin1_generate_nothing(
    cards: CardFactory, genuine_image: CardImage, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    reader = in_reader(cards, genuine_image, delivered=False)
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2)
    assert stopped.value.problem is ActivationProblem.CARD_NOT_ACTIVE
    assert stopped.value.lifecycle is Lifecycle.PERSONALIZED
    deliver(reader.insert())
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run("1111", PIN2)
    error = stopped.value
    assert (error.step, error.problem, error.pin, error.tries_left) == (
        Step.VERIFY_HOLDER, ActivationProblem.WRONG_PIN, PinRef.PIN1, 2)
    assert reader.insert().signature_status().state is SignatureKeyState.NONE


def test_a_genuine_card_with_an_invalid_national_code_is_refused(
    cards: CardFactory, issuer: IssuerPki, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path,
) -> None:
    persona = generate_persona(SEED + 1)
    code = persona.identity.national_code
    wrong = code[:9] + str((int(code[9]) + 1) % 10)
    image = personalize(dataclasses.replace(persona.identity, national_code=wrong),
                        persona.address, persona.photo_jpeg, issuer, pins=KNOWN_PINS)
    reader = in_reader(cards, image)
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, tmp_path, anchors).run(PIN1, PIN2)
    assert stopped.value.problem is ActivationProblem.INVALID_IDENTITY
    assert stopped.value.data_problem is DataProblem.NATIONAL_CODE_CHECK_DIGIT
    assert reader.insert().signature_status().state is SignatureKeyState.NONE


# -- the journal cannot be steered by card data --------------------------------------------


@pytest.mark.parametrize("serial", ["../../x", "/../../../../outside", "a/b"])
def test_the_journal_name_does_not_come_from_the_card(
    cards: CardFactory, issuer: IssuerPki, anchors: list[x509.Certificate],
    ca: LocalCertificateAuthority, tmp_path: Path, serial: str,
) -> None:
    """Issue 8: a card serial of ``../../..`` chose where the journal was written."""
    persona = generate_persona(SEED + 2)
    image = personalize(dataclasses.replace(persona.identity, card_serial=serial),
                        persona.address, persona.photo_jpeg, issuer, pins=KNOWN_PINS)
    reader = in_reader(cards, image)
    journal = tmp_path / "kiosk" / "run" / "journal"
    ca.fail_next(Fault.REFUSE)  # the refusal is recorded in the journal
    with pytest.raises(ActivationError) as stopped:
        activation(reader, ca, journal, anchors).run(PIN1, PIN2)
    assert stopped.value.refusal is RefusalReason.INJECTED
    (entry,) = journal_files(journal)
    assert entry.is_file() and entry.name.startswith("activation-") and ".." not in entry.name
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.stat().st_mode) == 0o700
    outside = [p for p in tmp_path.rglob("*") if journal not in p.parents and p != journal
               and not p.is_relative_to(tmp_path / "ca") and p not in journal.parents]
    assert outside == []


# -- resumable at every step ---------------------------------------------------------------

Pull = Callable[[CardInReader], None]


def at(ins: Ins, p2: int | None = None) -> Pull:
    def pull(reader: CardInReader) -> None:
        reader.pull_when(lambda c: c.ins == ins and (p2 is None or c.p2 == p2) and (
            ins != Ins.VERIFY or bool(c.data)))
    return pull


def at_write(label: str) -> Pull:
    return lambda reader: reader.pull_at_write(label)


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
