"""Signature activation, signing a document and verifying it, through the flows."""

import subprocess

import pytest
from cryptography.hazmat.primitives import serialization

from apdu.constants import PinRef
from apdu.profile import SignatureKeyState
from kiosk.flows.activate_signature import ActivationState, SignatureActivationFlow
from kiosk.flows.events import Confirm, NewPinEntered, PinEntered, Start
from kiosk.flows.outcome import Ending
from kiosk.flows.signature import SignDocumentFlow, SignState, VerifySignatureFlow
from signing.ca import Fault, LocalCertificateAuthority
from tests.conftest import KNOWN_PINS
from tests.kiosk.flows.conftest import Step
from tests.kiosk.flows.harness import check_every_path

PIN2 = "975310"
DOCUMENT = "قرارداد اجاره، ۱۴۰۵".encode()


def activation(runner, reader, authority, tmp_path, anchors, **kw):
    return SignatureActivationFlow(runner, reader.open, authority, tmp_path / "journal",
                                   anchors, **kw)


ACTIVATE = [Step(Start()), Step(Confirm()), Step(PinEntered(KNOWN_PINS.pin1)),
            Step(NewPinEntered(PIN2, PIN2))]


def activate(runner, reader, authority, tmp_path, anchors):
    flow = activation(runner, reader, authority, tmp_path, anchors)
    for step in ACTIVATE:
        flow.send(step.event)
    assert flow.outcome.ending is Ending.DONE, flow.outcome
    return flow.outcome.value


def test_activation_every_path(card, reader, runner, tmp_path, anchors):
    authorities = []

    def fresh() -> SignatureActivationFlow:
        # each card of the harness has the same serial: one authority each, as if new cards
        directory = tmp_path / f"run-{len(authorities)}"
        authorities.append(LocalCertificateAuthority(directory / "ca"))
        return activation(runner, reader, authorities[-1], directory, anchors)

    try:
        check_every_path(fresh, card.insert, reader, ACTIVATE)
    finally:
        for authority in authorities:
            authority.close()


def test_activation_asks_in_order_and_says_the_fee(card, reader, runner, authority, tmp_path,
                                                   anchors):
    card.insert()
    flow = activation(runner, reader, authority, tmp_path, anchors)
    flow.send(Start())
    assert flow.state is ActivationState.CONFIRMING and flow.fee_toman == 40_000
    assert not flow.resuming and flow.prompt.tries_left == 3
    flow.send(Confirm())
    flow.send(PinEntered("111222"))
    assert flow.state is ActivationState.ASKING_PIN1 and flow.prompt.tries_left == 2
    flow.send(PinEntered(KNOWN_PINS.pin1))
    assert flow.state is ActivationState.ASKING_NEW_PIN2 and flow.new_pin2.min_length == 6
    flow.send(NewPinEntered("123456", "123456"))  # a run of digits: asked again
    assert flow.state is ActivationState.ASKING_NEW_PIN2
    flow.send(NewPinEntered(PIN2, PIN2))
    assert flow.outcome.ending is Ending.DONE
    again = activation(runner, reader, authority, tmp_path, anchors)
    again.send(Start())
    assert again.outcome.ending is Ending.ALREADY_ACTIVE


def test_activation_refused_on_an_undelivered_card(card, reader, runner, authority, tmp_path,
                                                   anchors):
    card.insert(delivered=False)
    flow = activation(runner, reader, authority, tmp_path, anchors)
    flow.send(Start())
    assert flow.outcome.ending is Ending.NOT_DELIVERED


def test_activation_stopped_by_the_authority_then_resumed(card, reader, runner, authority,
                                                          tmp_path, anchors):
    chip = card.insert()
    authority.fail_next(Fault.UNAVAILABLE)
    flow = activation(runner, reader, authority, tmp_path, anchors)
    for step in ACTIVATE:
        flow.send(step.event)
    assert flow.outcome.ending is Ending.ACTIVATION_STOPPED
    assert flow.outcome.detail.resumable
    retry = activation(runner, reader, authority, tmp_path, anchors)
    retry.send(Start())
    assert retry.resuming
    retry.send(Confirm())
    retry.send(PinEntered(KNOWN_PINS.pin1))
    if retry.state is ActivationState.ASKING_PIN2:
        retry.send(PinEntered(PIN2))
    else:
        retry.send(NewPinEntered(PIN2, PIN2))
    assert retry.outcome.ending is Ending.DONE
    assert chip.image.counters["sig.state"] == SignatureKeyState.CERTIFIED


def test_sign_every_path_and_openssl_verifies(card, reader, runner, authority, tmp_path, anchors):
    card.insert()
    activate(runner, reader, authority, tmp_path, anchors)
    chip = reader.chip
    steps = [Step(Start()), Step(PinEntered(PIN2))]
    check_every_path(lambda: SignDocumentFlow(runner, reader.open, DOCUMENT),
                     lambda: reader.insert(chip) or chip, reader, steps)
    flow = SignDocumentFlow(runner, reader.open, DOCUMENT)
    flow.send(Start())
    assert flow.state is SignState.ASKING_PIN2 and flow.prompt.tries_left == 3
    flow.send(PinEntered(PIN2))
    signature = flow.outcome.value
    assert not chip.session.verified  # PIN2 does not outlive the signature
    (tmp_path / "doc").write_bytes(DOCUMENT)
    (tmp_path / "doc.p7s").write_bytes(signature)
    (tmp_path / "ca.pem").write_bytes(authority.certificate.public_bytes(
        serialization.Encoding.PEM))
    checked = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER",
                              "-in", tmp_path / "doc.p7s", "-content", tmp_path / "doc",
                              "-CAfile", tmp_path / "ca.pem", "-out", "/dev/null"],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    unchecked = VerifySignatureFlow(runner, DOCUMENT, signature, [authority.certificate])
    unchecked.send(Start())
    assert unchecked.outcome.ending is Ending.SIGNATURE_INVALID  # revocation not checked
    assert unchecked.outcome.value.valid_if_not_revoked
    verify = VerifySignatureFlow(runner, DOCUMENT, signature, [authority.certificate],
                                 crls=[authority.crl()])
    verify.send(Start())
    assert verify.outcome.ending is Ending.DONE
    tampered = VerifySignatureFlow(runner, DOCUMENT + b"!", signature, [authority.certificate])
    tampered.send(Start())
    assert tampered.outcome.ending is Ending.SIGNATURE_INVALID


def test_sign_never_asks_pin2_before_activation(card, reader, runner):
    card.insert()
    flow = SignDocumentFlow(runner, reader.open, DOCUMENT)
    flow.send(Start())
    assert flow.outcome.ending is Ending.SIGNATURE_NOT_ACTIVE


def test_wrong_pin2_down_to_blocked(card, reader, runner, authority, tmp_path, anchors):
    card.insert()
    activate(runner, reader, authority, tmp_path, anchors)
    flow = SignDocumentFlow(runner, reader.open, DOCUMENT)
    flow.send(Start())
    for left in (2, 1):
        flow.send(PinEntered("000000"))
        assert flow.prompt.tries_left == left and flow.state is SignState.ASKING_PIN2
    flow.send(PinEntered("000000"))
    assert flow.outcome.ending is Ending.SECRET_BLOCKED and flow.outcome.ref is PinRef.PIN2


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01\x01", b"not a signature"])
def test_verify_garbage_is_invalid(runner, authority, garbage):
    flow = VerifySignatureFlow(runner, DOCUMENT, garbage, [authority.certificate])
    flow.send(Start())
    assert flow.outcome.ending is Ending.SIGNATURE_INVALID
