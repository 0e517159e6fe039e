"""One live signature certificate per card: the rule, as a pure decision.

The card's identity is its serial from DG1, which the kiosk has verified against the
issuer's signature (passive authentication) on a chip that proved it is the original
(chip authentication). The national code matters too:

* a live certificate for the same serial naming **another** national code means the
  issuer reused a serial or someone is lying: refuse, and never revoke a stranger's
  certificate because of it;
* a person holds one valid card at a time (a duplicate card voids the previous one), so
  certifying a newer card supersedes the certificates of the holder's older cards, and
  an older card is refused while a newer one is certified.

A second request for the same card and the same key (an activation resumed after the
certificate was issued but not written) gets the certificate already issued: issuing
is idempotent, so no kiosk's journal is needed to avoid a second live certificate.
With ``supersede`` (a redone or resumed activation: the card holds a new, uncertified
key, so the old key is gone) the card's other live certificates are revoked, reason
superseded, in the same transaction that records the new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from citizen.identity import Identity
from signing.errors import RefusalReason


@dataclass(frozen=True)
class CardBinding:
    """The card a certificate is for, from verified DG1."""

    card_serial: str
    national_code: str
    card_issued: dt.date  # Gregorian: which of a holder's cards is newer

    @classmethod
    def of(cls, identity: Identity) -> CardBinding:
        return cls(identity.card_serial, identity.national_code,
                   identity.issue_date.togregorian())


@dataclass(frozen=True)
class LiveCertificate:
    """An issued certificate that is neither revoked nor expired."""

    serial: int
    binding: CardBinding
    key_id: str
    certificate_der: bytes


@dataclass(frozen=True)
class Decision:
    """Issue (revoking ``revoke`` first), hand back ``reuse``, or refuse."""

    reuse: LiveCertificate | None = None
    revoke: tuple[int, ...] = ()
    refusal: RefusalReason | None = None
    in_the_way: int | None = None  # the serial that caused the refusal


def key_id(public_key: CertificatePublicKeyTypes) -> str:
    """SHA-256 of the SubjectPublicKeyInfo, hex: which key a certificate certifies."""
    der = public_key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def decide(binding: CardBinding, requested_key: str, live: Sequence[LiveCertificate],
           supersede: bool) -> Decision:
    """What to do with a request for ``binding``, given the live certificates of the
    same card serial or the same national code."""
    same_card = [c for c in live if c.binding.card_serial == binding.card_serial]
    for other in same_card:
        if other.binding.national_code != binding.national_code:
            return Decision(refusal=RefusalReason.CARD_SERIAL_CONFLICT, in_the_way=other.serial)
    same_key = [c for c in same_card if c.key_id == requested_key]
    if same_key:
        extra = tuple(c.serial for c in same_card if c is not same_key[0])
        return Decision(reuse=same_key[0], revoke=extra if supersede else ())
    if same_card and not supersede:
        return Decision(refusal=RefusalReason.ALREADY_CERTIFIED, in_the_way=same_card[0].serial)
    older_cards = []
    for other in live:
        if other.binding.card_serial == binding.card_serial \
                or other.binding.national_code != binding.national_code:
            continue
        if other.binding.card_issued >= binding.card_issued:
            return Decision(refusal=RefusalReason.NEWER_CARD_CERTIFIED, in_the_way=other.serial)
        older_cards.append(other.serial)
    return Decision(revoke=tuple(c.serial for c in same_card) + tuple(older_cards))
