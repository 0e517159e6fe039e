"""``nidkiosk sign activate|status|file|verify``: the card's digital-signature service."""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography import x509

from apdu.constants import PinRef, PinState
from apdu.profile import SignatureAlgorithmRef, SignatureKeyState
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
from kiosk.flows.activate_signature import ActivationState, SignatureActivationFlow
from kiosk.flows.base import Flow
from kiosk.flows.events import Confirm, Event, NewPinEntered, Start
from kiosk.flows.outcome import Ending
from kiosk.flows.runner import InlineRunner
from kiosk.flows.signature import SignDocumentFlow, VerifySignatureFlow
from signing.activation import ActivationError, ActivationResult
from signing.ca import LocalCertificateAuthority
from signing.cms_verify import VerificationResult

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
                err(f"Signature activation: {fee:,} toman ({w.number(fee)} تومان).")
                if f.resuming:
                    err("Continuing an activation that did not finish.")
                return Confirm()
            if f.state is ActivationState.ASKING_NEW_PIN2:
                assert f.new_pin2 is not None
                if f.new_pin2.problem is None:
                    err("Choose your signature PIN (PIN2), 6 to 8 digits.")
                return NewPinEntered(*ask_new_pin(secrets, f.new_pin2))
            assert f.prompt is not None
            return ask_secret(secrets, f.prompt, "pin.ask")

        outcome = drive(flow, answer)
    if outcome.ending is Ending.ALREADY_ACTIVE:
        print(w.say(Ending.ALREADY_ACTIVE))
        return EXIT_OK
    if outcome.ending in (Ending.ACTIVATION_STOPPED, Ending.CARD_REMOVED) \
            and isinstance(outcome.detail, ActivationError):
        error = outcome.detail
        err(f"Activation stopped ({error.step.value}): {error}")
        return exit_code(outcome)
    if not outcome.ok:
        say_pin_ending(outcome, flow.situation)
        return exit_code(outcome)
    result = outcome.value
    assert isinstance(result, ActivationResult)
    certificate = result.certificate
    print("Signature active." + (" (an interrupted activation was completed)"
                                 if result.resumed else ""))
    print(f"  certificate for {certificate.subject.rfc4514_string()}")
    print(f"  valid until {certificate.not_valid_after_utc.date().isoformat()}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    opener = card_opener(args)
    card = opener()
    try:
        status = card.signature_status()
        certificate = card.read_signature_certificate()
        pin2 = card.pin_status()[PinRef.PIN2]
    finally:
        card.close()
    names = {SignatureKeyState.NONE: "no key (signature not activated)",
             SignatureKeyState.GENERATED: "key generated, no certificate (activation unfinished)",
             SignatureKeyState.CERTIFIED: "active"}
    print(f"Signature key: {names[status.state]}")
    if status.algorithm is not None:
        print(f"Algorithm:     {status.algorithm.name}")
    if certificate is not None:
        print(f"Certificate:   {certificate.subject.rfc4514_string()}")
        print(f"  issued by    {certificate.issuer.rfc4514_string()}")
        print(f"  valid        {certificate.not_valid_before_utc.date()} to "
              f"{certificate.not_valid_after_utc.date()}")
    pin2_text = {PinState.NOT_SET: "not set", PinState.BLOCKED: "BLOCKED"}.get(
        pin2.state, f"set, {pin2.tries_left} tries left")
    print(f"PIN2:          {pin2_text}")
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
    print(f"signed: {out}")
    return EXIT_OK


def _load_certificates(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except (ValueError, OSError) as exc:
        raise UsageError(f"--trust {path}: not a readable certificate "
                         f"({type(exc).__name__})") from exc


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    try:
        data = path.read_bytes()
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except (ValueError, OSError) as exc:
        raise UsageError(f"--crl {path}: not a readable CRL ({type(exc).__name__})") from exc


def cmd_verify(args: argparse.Namespace) -> int:
    document, signature = Path(args.document), Path(args.signature)
    for path in (document, signature):
        if not path.is_file():
            raise UsageError(f"no file at {path}")
    crls = [_load_crl(Path(p)) for p in args.crl]
    if args.trust:
        anchors = _load_certificates(Path(args.trust))
        flow = VerifySignatureFlow(InlineRunner(), document.read_bytes(), signature.read_bytes(),
                                   anchors, crls=crls)
        outcome = drive(flow, lambda _f: Start())
    else:
        with authority() as ca:
            flow = VerifySignatureFlow(InlineRunner(), document.read_bytes(),
                                       signature.read_bytes(), [ca.certificate], crls=crls,
                                       status_lookup=ca.status)
            outcome = drive(flow, lambda _f: Start())
    result = outcome.value
    assert isinstance(result, VerificationResult)
    if result.valid:
        signer = result.signer_subject.rfc4514_string() if result.signer_subject else "?"
        print(f"VALID signature by {signer}")
        if result.signing_time:
            print(f"  signed at {result.signing_time.isoformat()}")
        return EXIT_OK
    print(f"INVALID signature ({result.failure.value if result.failure else 'unknown'}):")
    for problem in result.problems:
        print(f"  - {problem}")
    return EXIT_VERIFICATION
