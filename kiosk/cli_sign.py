"""``nidkiosk sign activate|status|file|verify``: the card's digital-signature service."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cryptography import x509

from apdu.client import NidCard
from apdu.errors import PinBlockedError, WrongPinError
from apdu.pins import PinRef, PinState
from apdu.profile import Lifecycle, SignatureAlgorithmRef, SignatureKeyState
from kiosk import paths
from kiosk.cli_common import EXIT_CARD, EXIT_OK, EXIT_VERIFICATION, UsageError
from kiosk.formatting import persian_digits
from signing.activation import ACTIVATION_FEE_TOMAN, ActivationError, SignatureActivation
from signing.ca import LocalCertificateAuthority
from signing.card_signer import CardDigestSigner
from signing.cms import sign_detached
from signing.cms_verify import verify_detached
from signing.errors import CaError

ALGORITHMS = {"ecdsa-p256": SignatureAlgorithmRef.ECDSA_P256_SHA256,
              "rsa-2048": SignatureAlgorithmRef.RSA2048_SHA256_PKCS1}
NOT_ACTIVE = ("signing refused: the card's signature key is not active. Activate it with "
              "'nidkiosk sign activate' (the signature-activation service).")


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from kiosk.cli import add_card_options

    sign = commands.add_parser("sign", help="digital signature: activate, sign, verify")
    sub = sign.add_subparsers(dest="sign_command", required=True)
    activate = sub.add_parser("activate", help="generate the key on the card and certify it")
    add_card_options(activate)
    activate.add_argument("--algorithm", choices=sorted(ALGORITHMS), default="ecdsa-p256")
    activate.add_argument("--redo", action="store_true",
                          help="replace an active signature key with a new one")
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
    from kiosk.cli_pin import SecretInput, ask_new_pin, check_current, holder_of

    secrets = SecretInput()
    with NidCard.connect(args.reader) as card:
        if card.lifecycle() is Lifecycle.PERSONALIZED:
            print("This card has not been handed over yet: it is activated at the office "
                  "on delivery, after your fingerprint is checked.", file=sys.stderr)
            return EXIT_CARD
        status = card.signature_status()
        if status.active and not args.redo:
            print("The signature key is already active ('--redo' replaces it).")
            return EXIT_OK
        fee = persian_digits(f"{ACTIVATION_FEE_TOMAN:,}").replace(",", "٬")
        print(f"Signature activation: {ACTIVATION_FEE_TOMAN:,} toman ({fee} تومان).",
              file=sys.stderr)
        pins = card.pin_status()
        print(f"PIN1: {pins[PinRef.PIN1].tries_left} tries left.", file=sys.stderr)
        pin1 = check_current(secrets.ask("PIN1"))
        if pins[PinRef.PIN2].state is PinState.NOT_SET:
            print("Choose your signature PIN (PIN2), 6 to 8 digits.", file=sys.stderr)
            pin2 = ask_new_pin(secrets, PinRef.PIN2, holder_of(card))
        else:
            pin2 = check_current(secrets.ask("PIN2"))
        if status.state is SignatureKeyState.GENERATED:
            print("Continuing an activation that did not finish.", file=sys.stderr)
        try:
            with authority() as ca:
                result = SignatureActivation(card, ca, paths.run_dir() / "activations",
                                             ALGORITHMS[args.algorithm]).run(
                    pin1, pin2, redo=args.redo)
        except ActivationError as exc:
            print(f"Activation stopped ({exc.step.value}): {exc}", file=sys.stderr)
            return EXIT_CARD
        except (WrongPinError, PinBlockedError) as exc:
            print(f"Activation stopped: {exc}. Nothing was generated.", file=sys.stderr)
            return EXIT_VERIFICATION
        except CaError as exc:
            print(f"Activation stopped: {exc}", file=sys.stderr)
            return EXIT_CARD
    certificate = result.certificate
    print("Signature active." + (" (an interrupted activation was completed)"
                                 if result.resumed else ""))
    print(f"  certificate for {certificate.subject.rfc4514_string()}")
    print(f"  valid until {certificate.not_valid_after_utc.date().isoformat()}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    with NidCard.connect(args.reader) as card:
        status = card.signature_status()
        certificate = card.read_signature_certificate()
        pin2 = card.pin_status()[PinRef.PIN2]
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
    from kiosk.cli_pin import SecretInput, check_current

    document = Path(args.document)
    if not document.is_file():
        raise UsageError(f"no document at {document}")
    out = Path(args.out) if args.out else document.with_name(document.name + ".p7s")
    with NidCard.connect(args.reader) as card:
        if not card.signature_status().active:
            print(NOT_ACTIVE, file=sys.stderr)  # and PIN2 is never asked for
            return EXIT_CARD
        certificate = card.read_signature_certificate()
        assert certificate is not None
        print(f"PIN2: {card.pin_status()[PinRef.PIN2].tries_left} tries left.", file=sys.stderr)
        try:
            card.verify_pin(PinRef.PIN2, check_current(SecretInput().ask("PIN2")))
        except (WrongPinError, PinBlockedError) as exc:
            print(f"Not signed: {exc}.", file=sys.stderr)
            return EXIT_VERIFICATION
        signature = sign_detached(document.read_bytes(), CardDigestSigner(card), certificate)
    out.write_bytes(signature)
    print(f"signed: {out}")
    return EXIT_OK


def _load_certificates(path: Path) -> list[x509.Certificate]:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _load_crl(path: Path) -> x509.CertificateRevocationList:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def cmd_verify(args: argparse.Namespace) -> int:
    document, signature = Path(args.document), Path(args.signature)
    for path in (document, signature):
        if not path.is_file():
            raise UsageError(f"no file at {path}")
    crls = [_load_crl(Path(p)) for p in args.crl]
    if args.trust:
        anchors = _load_certificates(Path(args.trust))
        result = verify_detached(document.read_bytes(), signature.read_bytes(), anchors,
                                 crls=crls)
    else:
        with authority() as ca:
            result = verify_detached(document.read_bytes(), signature.read_bytes(),
                                     [ca.certificate], crls=crls, status_lookup=ca.status)
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
