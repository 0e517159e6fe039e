"""Signature activation as one resumable transaction, for a card that reads genuine only.

card read and checked genuine against the CSCA anchors -> PIN1 -> (PIN2, when already
set: a redo) -> key pair generated on the card -> first PIN2 set and verified ->
PKCS#10 request signed by the card -> certificate issued -> written to the card ->
the card reports "signature active".

Nothing is generated, issued or recorded for a card that does not read genuine, and
the certificate's subject comes from the verified DG1 only. Any step can fail: the
card pulled out, the authority unreachable or refusing, a write refused. The card's
state says how far it got (no key / key without certificate / certified); the
journal (:mod:`signing.activation_journal`) keeps what the card cannot; the
authority answers a repeated request for the same card and key with the certificate
it issued, and revokes the old certificate of a redo in the same transaction that
records the new one. So a resumed activation never leaves two live certificates, and
never none once it completes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from apdu.client import NidCard
from apdu.constants import SW
from apdu.errors import (
    ApduError,
    CardError,
    CardRemovedError,
    NoCardError,
    NotVerifiedError,
    PinBlockedError,
    PinFormatError,
    TransportError,
    WrongPinError,
)
from apdu.pins import PinRef, PinState
from apdu.profile import Lifecycle, SignatureAlgorithmRef, SignatureKeyState
from citizen.errors import CitizenDataError
from citizen.identity import Identity
from signing.activation_errors import ActivationError, ActivationProblem, Step
from signing.activation_journal import Journal, Notes
from signing.ca_base import CertificateAuthority
from signing.card_binding import key_id
from signing.card_signer import CardDigestSigner
from signing.csr import build_csr, subject_for
from signing.errors import CaError, CaRefusedError, CaUnavailableError, RefusalReason, SignerError
from signing.signer import SigningPublicKey

__all__ = ["ACTIVATION_FEE_TOMAN", "ActivationError", "ActivationProblem", "ActivationResult",
           "SignatureActivation", "Step"]

ACTIVATION_FEE_TOMAN = 40_000  # "signature activation", schedule approved 1402
_CERTIFIED_ELSEWHERE = (RefusalReason.ALREADY_CERTIFIED, RefusalReason.CARD_SERIAL_CONFLICT,
                        RefusalReason.NEWER_CARD_CERTIFIED)
_DELIVERED = (Lifecycle.ACTIVE, Lifecycle.SIGNATURE_ACTIVE)
T = TypeVar("T")


@dataclass(frozen=True)
class ActivationResult:
    certificate: x509.Certificate
    resumed: bool  # an earlier, interrupted attempt was continued
    already_active: bool = False


def _failure(step: Step, exc: Exception) -> ActivationError:
    """The activation error for what a step raised (the caller chains ``exc``)."""
    if isinstance(exc, (CardRemovedError, NoCardError)):
        return ActivationError(step, ActivationProblem.CARD_REMOVED, resumable=True)
    if isinstance(exc, TransportError):
        return ActivationError(step, ActivationProblem.CARD_UNREACHABLE, resumable=True)
    if isinstance(exc, WrongPinError):
        return ActivationError(step, ActivationProblem.WRONG_PIN, resumable=True,
                               pin=exc.reference, tries_left=exc.tries_left)
    if isinstance(exc, PinBlockedError):
        return ActivationError(step, ActivationProblem.PIN_BLOCKED, resumable=False,
                               pin=exc.reference)
    if isinstance(exc, PinFormatError):
        return ActivationError(step, ActivationProblem.PIN_FORMAT, resumable=True,
                               pin=exc.reference)
    if isinstance(exc, NotVerifiedError):
        return ActivationError(step, ActivationProblem.CARD_REFUSED, resumable=False,
                               status_word=SW.SECURITY_STATUS_NOT_SATISFIED)
    if isinstance(exc, ApduError):
        return ActivationError(step, ActivationProblem.CARD_REFUSED, resumable=False,
                               status_word=exc.sw)
    if isinstance(exc, CardError):
        return ActivationError(step, ActivationProblem.CARD_UNREADABLE, resumable=False)
    if isinstance(exc, SignerError):
        return ActivationError(step, ActivationProblem.BAD_CARD_SIGNATURE, resumable=False)
    if isinstance(exc, CaRefusedError):
        problem = ActivationProblem.ALREADY_CERTIFIED if exc.reason in _CERTIFIED_ELSEWHERE \
            else ActivationProblem.CA_REFUSED
        return ActivationError(step, problem, resumable=False, refusal=exc.reason,
                               serial=exc.serial)
    if isinstance(exc, CaUnavailableError):
        return ActivationError(step, ActivationProblem.CA_UNAVAILABLE, resumable=True,
                               unavailable=exc.reason)
    if isinstance(exc, CaError):
        return ActivationError(step, ActivationProblem.CA_UNAVAILABLE, resumable=True)
    if isinstance(exc, OSError):
        return ActivationError(step, ActivationProblem.JOURNAL_FAILED, resumable=False)
    raise exc


_EXPECTED = (CardError, SignerError, CaError, OSError)


class SignatureActivation:
    """Runs (or resumes) the activation of one card's signature key.

    ``trust_anchors``: the issuer's CSCA certificates; the card must read genuine
    against them. ``on_step`` is told each step as it starts (for a progress screen).
    """

    def __init__(self, card: NidCard, authority: CertificateAuthority, journal_dir: Path, *,
                 trust_anchors: Sequence[x509.Certificate],
                 algorithm: SignatureAlgorithmRef = SignatureAlgorithmRef.ECDSA_P256_SHA256,
                 on_step: Callable[[Step], None] | None = None) -> None:
        self.card = card
        self.authority = authority
        self.journal_dir = journal_dir
        self.trust_anchors = list(trust_anchors)
        self.algorithm = algorithm
        self.on_step = on_step
        self._current: Step | None = None

    def _step(self, step: Step, action: Callable[[], T]) -> T:
        if step is not self._current:
            self._current = step
            if self.on_step is not None:
                self.on_step(step)
        try:
            return action()
        except _EXPECTED as exc:
            raise _failure(step, exc) from exc

    def _genuine_identity(self) -> tuple[Identity, x509.Name]:
        """The verified identity and the subject built from it, or an ActivationError."""
        reading = self._step(Step.READ_CARD, lambda: self.card.read_identity(
            self.trust_anchors, photo=False))
        authenticity = reading.authenticity
        contents = getattr(reading, "contents", None)
        if not authenticity.genuine or contents is None:
            raise ActivationError(Step.READ_CARD, ActivationProblem.NOT_GENUINE, resumable=False,
                                  verdict=authenticity.verdict)
        if contents.lifecycle not in _DELIVERED:
            raise ActivationError(Step.READ_CARD, ActivationProblem.CARD_NOT_ACTIVE,
                                  resumable=False, lifecycle=contents.lifecycle)
        try:
            return contents.identity, subject_for(contents.identity)
        except CitizenDataError as exc:
            raise ActivationError(Step.READ_CARD, ActivationProblem.INVALID_IDENTITY,
                                  resumable=False, data_problem=exc.problem) from exc

    def run(self, pin1: str, pin2: str, redo: bool = False) -> ActivationResult:
        """Activate; ``pin2`` is the new PIN2 if none is set yet, else the current one.

        ``redo`` replaces a certified key (or one the authority says is certified
        already): the old certificate is revoked as superseded when the new one is
        issued. Raises :class:`ActivationError` and nothing else for expected failures.
        """
        card = self.card
        self._current = None
        identity, subject = self._genuine_identity()
        state = self._step(Step.READ_CARD, card.signature_status).state
        journal = Journal(self.journal_dir, identity)
        if state is SignatureKeyState.CERTIFIED and not redo:
            certificate = self._step(Step.READ_CARD, card.read_signature_certificate)
            if certificate is not None:
                self._step(Step.READ_CARD, journal.clear)  # a redo that never began
                return ActivationResult(certificate, resumed=False, already_active=True)
        notes = self._step(Step.READ_CARD, journal.load)
        self._step(Step.VERIFY_HOLDER, lambda: card.verify_pin(PinRef.PIN1, pin1))
        pin2_set = self._step(Step.VERIFY_HOLDER, card.pin_status)[PinRef.PIN2].state \
            is not PinState.NOT_SET
        if pin2_set:  # before GENERATE: a mistyped PIN2 must not cost a certified key
            self._step(Step.VERIFY_PIN2, lambda: card.verify_pin(PinRef.PIN2, pin2))
        supersede = redo or notes.redo
        public_key, resumed = self._key(state, notes, supersede, journal)
        if not pin2_set:
            self._step(Step.SET_PIN2, lambda: card.set_initial_pin2(pin2))
            self._step(Step.VERIFY_PIN2, lambda: card.verify_pin(PinRef.PIN2, pin2))
        certificate = self._certificate(identity, subject, public_key, journal, supersede)
        self._step(Step.WRITE_CERTIFICATE, lambda: card.write_signature_certificate(certificate))
        if self._step(Step.WRITE_CERTIFICATE, card.signature_status).state \
                is not SignatureKeyState.CERTIFIED:
            raise ActivationError(Step.WRITE_CERTIFICATE,
                                  ActivationProblem.CERTIFICATE_NOT_ACCEPTED, resumable=False)
        self._step(Step.WRITE_CERTIFICATE, journal.clear)
        return ActivationResult(certificate, resumed=resumed)

    def _key(self, state: SignatureKeyState, notes: Notes, supersede: bool,
             journal: Journal) -> tuple[SigningPublicKey, bool]:
        """The key to certify: the one generated before (resuming) or a new one."""
        card = self.card
        if state is SignatureKeyState.GENERATED:
            public_key = self._step(Step.GENERATE_KEY, card.read_signature_public_key)
            if not (notes.refused and notes.key == key_id(public_key)):
                return public_key, True
        # remember a redo before the old key is destroyed, and forget notes on older keys
        self._step(Step.GENERATE_KEY, lambda: journal.save(Notes(redo=True)) if supersede
                   else journal.clear())
        public_key = self._step(Step.GENERATE_KEY, lambda: card.generate_signature_key(
            self.algorithm, redo=state is SignatureKeyState.CERTIFIED))
        return public_key, False

    def _certificate(self, identity: Identity, subject: x509.Name, public_key: SigningPublicKey,
                     journal: Journal, supersede: bool) -> x509.Certificate:
        """The journal's certificate for this key, or one the authority issues now."""
        key = key_id(public_key)
        notes = self._step(Step.BUILD_REQUEST, journal.load)
        if notes.key == key and notes.certificate_pem:
            kept = self._checked(notes.certificate_pem.encode(), key)
            if kept is not None:
                return kept
        signer = self._step(Step.BUILD_REQUEST, lambda: CardDigestSigner(self.card, public_key))
        request = self._step(Step.BUILD_REQUEST, lambda: build_csr(signer, subject))
        try:
            certificate = self._step(Step.ISSUE, lambda: self.authority.issue(
                request, identity=identity, supersede=supersede))
        except ActivationError as exc:
            if exc.problem is ActivationProblem.CA_REFUSED:  # the next attempt: a fresh key
                self._step(Step.ISSUE, lambda: journal.save(
                    Notes(key=key, refused=True, redo=supersede)))
            raise
        pem = certificate.public_bytes(serialization.Encoding.PEM)
        if self._checked(pem, key) is None:
            raise ActivationError(Step.ISSUE, ActivationProblem.BAD_CERTIFICATE, resumable=False)
        self._step(Step.ISSUE, lambda: journal.save(
            Notes(key=key, certificate_pem=pem.decode("ascii"), redo=supersede)))
        return certificate

    def _checked(self, pem: bytes, key: str) -> x509.Certificate | None:
        """The certificate if it certifies ``key`` and this authority issued it."""
        try:
            certificate = x509.load_pem_x509_certificate(pem)
            if key_id(certificate.public_key()) != key:
                return None
            certificate.verify_directly_issued_by(self.authority.certificate)
        except (ValueError, TypeError, InvalidSignature):
            return None
        return certificate
