"""Sign a document with the card, and verify a detached signature.

Signing asks for PIN2 only when the card's signature key is active, verifies it and
signs while the card is held exclusively, and lets the card forget PIN2 when the flow
ends. Verifying needs no card; it runs on the worker like everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum, auto

from cryptography import x509

from apdu.client import NidCard
from apdu.constants import PinRef, PinState
from apdu.signature_client import SignatureStatus
from kiosk.flows.base import Flow, Handler
from kiosk.flows.card import CardFlow, CardOpener
from kiosk.flows.events import Event, PinEntered, Start
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import SecretPrompt
from kiosk.flows.runner import Runner
from signing.card_signer import CardDigestSigner
from signing.cms import sign_detached
from signing.cms_verify import VerificationResult, verify_detached
from signing.trust import StatusLookup


class SignState(Enum):
    READY = auto()
    LOOKING = auto()
    ASKING_PIN2 = auto()
    SIGNING = auto()


@dataclass(frozen=True)
class _Signable:
    status: SignatureStatus
    certificate: x509.Certificate | None
    pin2_state: PinState
    pin2_tries: int


class SignDocumentFlow(CardFlow):
    """Ends DONE with the DER CMS (detached) as its value."""

    name = "sign-document"

    def __init__(self, runner: Runner, open_card: CardOpener, document: bytes, *,
                 wrong_attempts: int | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._document = document
        self._wrong_attempts = wrong_attempts
        self.certificate: x509.Certificate | None = None
        self.prompt: SecretPrompt | None = None
        super().__init__(runner, open_card, on_change)

    def initial_state(self) -> Enum:
        return SignState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {SignState.READY: {Start: self._look},
                SignState.ASKING_PIN2: {PinEntered: self._pin2_entered}}

    def _look(self, _event: Event) -> None:
        def work(card: NidCard) -> _Signable:
            status = card.signature_status()
            certificate = card.read_signature_certificate() if status.active else None
            pin2 = card.pin_status()[PinRef.PIN2]
            return _Signable(status, certificate, pin2.state, pin2.tries_left)

        self._card_job(SignState.LOOKING, work, self._seen)

    def _seen(self, found: _Signable) -> None:
        if not found.status.active or found.certificate is None:
            self._finish(Outcome(Ending.SIGNATURE_NOT_ACTIVE, detail=found.status))
            return
        if found.pin2_state is PinState.BLOCKED:
            self._finish(Outcome(Ending.SECRET_BLOCKED, ref=PinRef.PIN2, tries_left=0))
            return
        self.certificate = found.certificate
        self.prompt = SecretPrompt(PinRef.PIN2, found.pin2_tries, self._wrong_attempts)
        self._goto(SignState.ASKING_PIN2)

    def _pin2_entered(self, event: PinEntered) -> None:
        assert self.prompt is not None and self.certificate is not None
        certificate = self.certificate

        def sign(card: NidCard, pin2: str) -> bytes:
            self._hold_exclusively(card)
            card.verify_pin(PinRef.PIN2, pin2)
            return sign_detached(self._document, CardDigestSigner(card), certificate)

        self._check_secret(self.prompt, event, SignState.ASKING_PIN2, SignState.SIGNING, sign,
                           lambda cms: self._finish(Outcome(Ending.DONE, value=cms)),
                           lambda: Outcome(Ending.SECRET_BLOCKED, ref=PinRef.PIN2, tries_left=0))


class VerifyState(Enum):
    READY = auto()
    VERIFYING = auto()


class VerifySignatureFlow(Flow):
    """Ends DONE (value: the result) for a valid signature, SIGNATURE_INVALID otherwise."""

    name = "verify-signature"

    def __init__(self, runner: Runner, document: bytes, signature: bytes,
                 trust_anchors: Sequence[x509.Certificate], *,
                 crls: Sequence[x509.CertificateRevocationList] = (),
                 status_lookup: StatusLookup | None = None,
                 on_change: Callable[[Flow], None] | None = None) -> None:
        self._args = (document, signature, list(trust_anchors), list(crls), status_lookup)
        super().__init__(runner, on_change)

    def initial_state(self) -> Enum:
        return VerifyState.READY

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        return {VerifyState.READY: {Start: self._verify}}

    def _verify(self, _event: Event) -> None:
        document, signature, anchors, crls, lookup = self._args

        def work() -> VerificationResult:
            return verify_detached(document, signature, anchors, crls=crls,
                                   status_lookup=lookup)

        self._run(VerifyState.VERIFYING, work, self._verified)

    def _verified(self, result: VerificationResult) -> None:
        ending = Ending.DONE if result.valid else Ending.SIGNATURE_INVALID
        self._finish(Outcome(ending, value=result, detail=result))
