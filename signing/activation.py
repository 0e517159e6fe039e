"""Signature activation as one resumable transaction.

holder verified (PIN1) -> PIN2 set -> key pair generated on the card -> PKCS#10 request
signed by the card -> certificate issued by the authority -> written to the card ->
the card reports "signature active".

Any step can fail: the card pulled out, the authority unreachable or refusing, a write
refused. The card's own state says how far it got (no key / key without certificate /
certified), and a small journal keeps a certificate that was issued but not yet written,
so the next attempt resumes where it stopped or, after a refusal, cleanly redoes the key.
"""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from apdu import datagroups
from apdu.atomic import write_atomically
from apdu.client import NidCard
from apdu.errors import ApduError, PinError, TransportError
from apdu.pins import PinRef, PinState
from apdu.profile import DATA_GROUP_FILES, DataGroup, SignatureAlgorithmRef, SignatureKeyState
from signing.ca import CertificateAuthority
from signing.card_signer import CardDigestSigner
from signing.csr import build_csr, subject_for
from signing.errors import CaRefusedError, CaUnavailableError, SigningError

ACTIVATION_FEE_TOMAN = 40_000  # "signature activation", schedule approved 1402


class Step(enum.Enum):
    VERIFY_HOLDER = "verify PIN1"
    SET_PIN2 = "set PIN2"
    VERIFY_PIN2 = "verify PIN2"
    GENERATE_KEY = "generate the key pair on the card"
    BUILD_REQUEST = "have the card sign the certificate request"
    ISSUE = "have the certificate issued"
    WRITE_CERTIFICATE = "write the certificate to the card"


class ActivationError(SigningError):
    """Activation stopped at ``step``; ``resumable`` says a new attempt will continue."""

    def __init__(self, step: Step, message: str, resumable: bool = True) -> None:
        super().__init__(message)
        self.step = step
        self.resumable = resumable


@dataclass(frozen=True)
class ActivationResult:
    certificate: x509.Certificate
    resumed: bool  # an earlier, interrupted attempt was continued
    already_active: bool = False


def _spki_hash(key: object) -> str:
    der = key.public_bytes(serialization.Encoding.DER,  # type: ignore[attr-defined]
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


class Journal:
    """What the kiosk remembers between attempts, per card: the issued-but-unwritten
    certificate, or that the authority refused the current key."""

    def __init__(self, directory: Path, card_serial: str) -> None:
        self.path = directory / f"activation-{card_serial}.json"

    def load(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}

    def save(self, **entries: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(entries).encode("utf-8"))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


class SignatureActivation:
    """Runs (or resumes) the activation of one card's signature key."""

    def __init__(self, card: NidCard, authority: CertificateAuthority, journal_dir: Path,
                 algorithm: SignatureAlgorithmRef = SignatureAlgorithmRef.ECDSA_P256_SHA256):
        self.card = card
        self.authority = authority
        self.journal_dir = journal_dir
        self.algorithm = algorithm

    def _step(self, step: Step, action):  # noqa: ANN001, ANN202
        try:
            return action()
        except PinError:
            raise  # the caller words wrong or blocked PINs itself
        except TransportError as exc:
            raise ActivationError(step, f"the card was removed while trying to "
                                        f"{step.value}: insert it and activate again to "
                                        "continue where it stopped") from exc
        except CaUnavailableError as exc:
            raise ActivationError(step, "the certificate authority could not be reached; "
                                        "the card keeps its new key: activate again later "
                                        "to continue") from exc
        except CaRefusedError as exc:
            raise ActivationError(step, f"{exc}; the next attempt starts again with a fresh "
                                        "key") from exc
        except ApduError as exc:
            raise ActivationError(step, f"the card refused to {step.value}: {exc}") from exc

    def run(self, pin1: str, pin2: str, redo: bool = False) -> ActivationResult:
        """Activate; ``pin2`` is the new PIN2 if none is set yet, else the current one."""
        card = self.card
        card.select_application()
        identity = datagroups.decode_identity(
            card.read_file(DATA_GROUP_FILES[DataGroup.IDENTITY]))
        journal = Journal(self.journal_dir, identity.card_serial)
        state = card.signature_status().state
        if state is SignatureKeyState.CERTIFIED and not redo:
            certificate = card.read_signature_certificate()
            assert certificate is not None
            return ActivationResult(certificate, resumed=False, already_active=True)
        self._step(Step.VERIFY_HOLDER, lambda: card.verify_pin(PinRef.PIN1, pin1))
        if card.pin_status()[PinRef.PIN2].state is PinState.NOT_SET:
            self._step(Step.SET_PIN2, lambda: card.set_initial_pin2(pin2))
        self._step(Step.VERIFY_PIN2, lambda: card.verify_pin(PinRef.PIN2, pin2))
        notes = journal.load()
        resumed = state is SignatureKeyState.GENERATED and not notes.get("refused")
        if state is SignatureKeyState.GENERATED and not notes.get("refused") and not redo:
            public_key = self._step(Step.GENERATE_KEY, card.read_signature_public_key)
        else:
            public_key = self._step(Step.GENERATE_KEY, lambda: card.generate_signature_key(
                self.algorithm, redo=state is SignatureKeyState.CERTIFIED))
            journal.clear()
            notes = {}
        key_id = _spki_hash(public_key)
        certificate = None
        if notes.get("key") == key_id and notes.get("certificate"):
            certificate = x509.load_pem_x509_certificate(notes["certificate"].encode())
        if certificate is None:
            signer = CardDigestSigner(card, public_key)
            request = self._step(Step.BUILD_REQUEST,
                                 lambda: build_csr(signer, subject_for(identity)))
            try:
                certificate = self._step(Step.ISSUE, lambda: self.authority.issue(
                    request, identity=identity))
            except ActivationError as exc:
                if isinstance(exc.__cause__, CaRefusedError):
                    journal.save(key=key_id, refused="yes")
                raise
            journal.save(key=key_id, certificate=certificate.public_bytes(
                serialization.Encoding.PEM).decode())
        self._step(Step.WRITE_CERTIFICATE, lambda: card.write_signature_certificate(certificate))
        if card.signature_status().state is not SignatureKeyState.CERTIFIED:
            raise ActivationError(Step.WRITE_CERTIFICATE,
                                  "the card did not report the signature as active")
        journal.clear()
        return ActivationResult(certificate, resumed=resumed)
