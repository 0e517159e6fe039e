"""Signature activation against the in-process chip: only genuine cards, journal kept safe."""

from __future__ import annotations

import dataclasses
import stat
from pathlib import Path

import pytest
from cryptography import x509

from apdu.authenticity import Verdict
from apdu.pins import PinRef, PinState
from apdu.profile import Lifecycle, SignatureKeyState
from signing.activation import ActivationError, ActivationProblem, Step
from signing.ca import Fault, LocalCertificateAuthority
from signing.csr import subject_for
from signing.errors import RefusalReason
from simulators.card import CardImage
from simulators.forgery import Forgery, forge
from simulators.issuer import IssuerPki
from simulators.personalize import personalize
from simulators.personas import generate_persona
from tests.conftest import KNOWN_PINS, CardFactory
from tests.signing.cards import (
    SEED,
    activation,
    deliver,
    identity_of,
    in_reader,
    journal_files,
    live,
)

PIN1, PIN2 = KNOWN_PINS.pin1, "975310"


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
                        on_step=steps.append).run(
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


def test_a_signed_card_with_an_invalid_national_code_is_refused(
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
    # the issuer signed it, but DG1 breaks the profile: the reading is not genuine at all
    assert stopped.value.problem is ActivationProblem.NOT_GENUINE
    assert stopped.value.verdict is Verdict.DATA_MALFORMED
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
