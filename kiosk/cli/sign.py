"""``nidkiosk sign activate|status|file|verify``: the card's digital-signature service."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from apdu.constants import PinRef, PinState
from apdu.profile import SignatureAlgorithmRef
from kiosk import paths
from kiosk.cli.card import trust_anchors
from kiosk.cli.common import (
    EXIT_OK,
    EXIT_VERIFICATION,
    SecretInput,
    UsageError,
    add_card_options,
    ask_new_pin,
    card_opener,
    drive,
    err,
    exit_code,
    words,
)
from kiosk.cli.files import write_private_file
from kiosk.cli.pin import ask_secret, say_pin_ending
from kiosk.cli.words import Words
from kiosk.flows.activate_signature import ActivationState, SignatureActivationFlow
from kiosk.flows.base import Flow
from kiosk.flows.events import Confirm, Event, NewPinEntered, Start
from kiosk.flows.outcome import Ending
from kiosk.flows.runner import InlineRunner
from kiosk.flows.signature import SignDocumentFlow, VerifySignatureFlow
from signing.activation import ActivationResult
from signing.activation_errors import ActivationError
from signing.ca import LocalCertificateAuthority
from signing.ca_publish import load_certificates, load_crl
from signing.cms_verify import VerificationResult
from signing.errors import CaNotFoundError, TrustFileError
from signing.verification import VerificationProblem

T = TypeVar("T")
ALGORITHMS = {"ecdsa-p256": SignatureAlgorithmRef.ECDSA_P256_SHA256,
              "rsa-2048": SignatureAlgorithmRef.RSA2048_SHA256_PKCS1}


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sign = commands.add_parser("sign", help="digital signature: activate, sign, verify")
    sub = sign.add_subparsers(dest="sign_command", required=True)
    activate = sub.add_parser("activate", help="generate the key on the card and certify it")
    add_card_options(activate)
    activate.add_argument("--algorithm", choices=sorted(ALGORITHMS), default="ecdsa-p256")
    activate.add_argument("--redo", action="store_true",
                          help="replace an active signature key with a new one")
    activate.add_argument("--trust", metavar="PATH",
                          help="CSCA certificate(s) the card must chain to (default: trust store)")
    activate.set_defaults(func=cmd_activate)
    status = sub.add_parser("status", help="key, certificate and PIN2 state")
    add_card_options(status)
    status.set_defaults(func=cmd_status)
    file = sub.add_parser("file", help="sign a document (writes DOC.p7s, detached CMS)")
    add_card_options(file)
    file.add_argument("document")
    file.add_argument("--out", help="signature file (default: DOCUMENT.p7s)")
    file.set_defaults(func=cmd_sign_file)
    verify = sub.add_parser("verify", help="verify a detached CMS signature")
    verify.add_argument("document")
    verify.add_argument("signature")
    verify.add_argument("--trust", help="CA certificate(s), PEM (default: the local CA)")
    verify.add_argument("--crl", action="append", default=[], help="CRL file (PEM or DER)")
    verify.set_defaults(func=cmd_verify)


def authority() -> LocalCertificateAuthority:
    return LocalCertificateAuthority(paths.ca_dir())


def cmd_activate(args: argparse.Namespace) -> int:
    anchors = trust_anchors(args.trust)
    secrets = SecretInput()
    w = words()
    with authority() as ca:
        flow = SignatureActivationFlow(
            InlineRunner(), card_opener(args), ca, paths.run_dir() / "activations", anchors,
            algorithm=ALGORITHMS[args.algorithm], redo=args.redo, wrong_attempts=1)

        def answer(f: Flow) -> Event:
            assert isinstance(f, SignatureActivationFlow)
            if f.state is ActivationState.CONFIRMING:
                fee = f.fee_toman
                err(w.say("sign.activation_fee", fee=f"{fee:,}", fee_fa=Words("fa").number(fee)))
                if f.resuming:
                    err(w.say("sign.resuming"))
                return Confirm()
            if f.state is ActivationState.ASKING_NEW_PIN2:
                assert f.new_pin2 is not None
                if f.new_pin2.problem is None:
                    err(w.say("sign.choose_pin2"))
                return NewPinEntered(*ask_new_pin(secrets, f.new_pin2))
            assert f.prompt is not None
            return ask_secret(secrets, f.prompt, "pin.ask")

        outcome = drive(flow, answer)
    if outcome.ending is Ending.ALREADY_ACTIVE:
        print(w.say(Ending.ALREADY_ACTIVE))
        return EXIT_OK
    if isinstance(outcome.detail, ActivationError) and outcome.ending in (
            Ending.ACTIVATION_STOPPED, Ending.CARD_REMOVED, Ending.NOT_GENUINE):
        error = outcome.detail
        err(w.say("sign.stopped", step=w.say(error.step), why=activation_problem(error)))
        return exit_code(outcome)
    if not outcome.ok:
        say_pin_ending(outcome, flow.situation)
        return exit_code(outcome)
    result = outcome.value
    assert isinstance(result, ActivationResult)
    certificate = result.certificate
    print(w.say("sign.active") + (w.say("sign.resumed") if result.resumed else ""))
    print(w.say("sign.certificate_for", subject=certificate.subject.rfc4514_string()))
    print(w.say("sign.valid_until", day=certificate.not_valid_after_utc.date().isoformat()))
    return EXIT_OK


def activation_problem(error: ActivationError) -> str:
    w = words()
    return w.say(error.problem, sw=f"{error.status_word or 0:04X}",
                 pin=w.pin(error.pin) if error.pin else "PIN",
                 tries=w.tries(error.tries_left or 0),
                 why=error.refusal.value if error.refusal else "?")


def cmd_status(args: argparse.Namespace) -> int:
    opener = card_opener(args)
    card = opener()
    try:
        status = card.signature_status()
        certificate = card.read_signature_certificate()
        pin2 = card.pin_status()[PinRef.PIN2]
    finally:
        card.close()
    w = words()
    print(w.say("status.key", state=w.say(status.state)))
    if status.algorithm is not None:
        print(w.say("status.algorithm", name=status.algorithm.name))
    if certificate is not None:
        print(w.say("status.certificate", subject=certificate.subject.rfc4514_string(),
                    issuer=certificate.issuer.rfc4514_string(),
                    start=certificate.not_valid_before_utc.date().isoformat(),
                    end=certificate.not_valid_after_utc.date().isoformat()))
    pin2_text = w.say("status.pin2_set", tries=w.tries(pin2.tries_left)) \
        if pin2.state is PinState.USABLE else w.say(pin2.state)
    print(w.say("status.pin2", state=pin2_text))
    return EXIT_OK


def cmd_sign_file(args: argparse.Namespace) -> int:
    document = Path(args.document)
    if not document.is_file():
        raise UsageError(f"no document at {document}")
    out = Path(args.out) if args.out else document.with_name(document.name + ".p7s")
    if not out.parent.is_dir():
        raise UsageError(f"cannot write the signature: no directory {out.parent}")
    try:
        content = document.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {document}: {exc.strerror}") from exc
    secrets = SecretInput()
    flow = SignDocumentFlow(InlineRunner(), card_opener(args), content, wrong_attempts=1)

    def answer(f: Flow) -> Event:
        assert isinstance(f, SignDocumentFlow) and f.prompt is not None
        return ask_secret(secrets, f.prompt, "pin.ask")

    outcome = drive(flow, answer)
    if not outcome.ok:
        say_pin_ending(outcome, None)
        return exit_code(outcome)
    assert isinstance(outcome.value, bytes)
    write_private_file(out, outcome.value)
    print(words().say("sign.signed", path=out))
    return EXIT_OK


def _trust_file(loader: Callable[[Path], T], option: str, path: Path) -> T:
    try:
        return loader(path)
    except TrustFileError as exc:
        raise UsageError(f"{option} {path}: {exc.problem.value.replace('-', ' ')}") from exc


def problem_text(problem: VerificationProblem) -> str:
    w = words()
    moment = f"{problem.moment:%Y-%m-%d %H:%M} UTC" if problem.moment else "?"
    return w.say(problem.cause, role=w.say(problem.role) if problem.role else "",
                 moment=moment, reason=problem.reason.value if problem.reason else "unspecified")


def cmd_verify(args: argparse.Namespace) -> int:
    document, signature = Path(args.document), Path(args.signature)
    for path in (document, signature):
        if not path.is_file():
            raise UsageError(f"no file at {path}")
    crls = [_trust_file(load_crl, "--crl", Path(p)) for p in args.crl]
    content, cms = document.read_bytes(), signature.read_bytes()
    if args.trust:
        anchors = _trust_file(load_certificates, "--trust", Path(args.trust))
        flow = VerifySignatureFlow(InlineRunner(), content, cms, anchors, crls=crls)
        outcome = drive(flow, lambda _f: Start())
    else:
        try:
            ca = LocalCertificateAuthority.open_existing(paths.ca_dir(), read_only=True)
        except CaNotFoundError as exc:
            raise UsageError(words().say("sign.no_ca", path=paths.ca_dir())) from exc
        with ca:
            flow = VerifySignatureFlow(InlineRunner(), content, cms, [ca.certificate],
                                       crls=crls, status_lookup=ca.status)
            outcome = drive(flow, lambda _f: Start())
    result = outcome.value
    assert isinstance(result, VerificationResult)
    return print_verification(result)


def print_verification(result: VerificationResult) -> int:
    w = words()
    signer = result.signer_subject.rfc4514_string() if result.signer_subject else "?"
    if result.valid:
        print(w.say("sign.valid", signer=signer))
        if result.signing_time:
            print(w.say("sign.signed_at", moment=result.signing_time.isoformat()))
        print(w.say("sign.revocation_good"))
        return EXIT_OK
    if result.valid_if_not_revoked:
        print(w.say("sign.unconfirmed", signer=signer))
        return EXIT_VERIFICATION
    failure = w.say(result.failure) if result.failure else "?"
    print(w.say("sign.invalid", failure=failure))
    for problem in result.problems:
        print(f"  - {problem_text(problem)}")
    return EXIT_VERIFICATION
