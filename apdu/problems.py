"""What an identity read found wrong with a card, as data a face can word in any language.

Every problem is a :class:`Problem` with a :class:`ProblemKind` and the few facts that
kind needs (a data-group number, a part of the security object, an algorithm, a
date, a status word). Each kind belongs to one :class:`Verdict`; a reading's verdict is
the first, in the order of that enum, among its problems, so one card gets one
verdict however many things are wrong with it. The enum values are stable ids, never
sentences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum, unique


@unique
class Verdict(Enum):
    """One verdict per reading; when several checks fail, the first in this order wins."""

    GENUINE = "genuine"
    SECURITY_OBJECT_INVALID = "security-object-invalid"
    UNKNOWN_ISSUER = "unknown-issuer"
    SIGNER_EXPIRED = "signer-expired"
    DATA_TAMPERED = "data-tampered"
    CLONED_CHIP = "cloned-chip"
    DATA_MALFORMED = "data-malformed"


@unique
class SodPart(Enum):
    """Where in EF.SOD a structure is malformed (outside in)."""

    FILE = "file"  # EF.SOD refused (status_word) or garbled, or not one tag-77 object
    ENCODING = "encoding"  # not the one DER encoding of its parts: BER, extra elements
    CONTENT_INFO = "content-info"  # not a CMS ContentInfo holding SignedData
    SIGNED_DATA = "signed-data"  # not exactly one digest algorithm, or oddly encoded
    ENCAPSULATED_CONTENT = "encapsulated-content"  # not an LDS security object, or absent
    LDS_SECURITY_OBJECT = "lds-security-object"  # version, hash list, group numbers
    CERTIFICATES = "certificates"  # not exactly the document signer's certificate
    SIGNER_CERTIFICATE = "signer-certificate"  # the certificate does not parse (RFC 5280)
    SIGNER_INFO = "signer-info"  # not exactly one SignerInfo, or it does not parse
    SIGNER_IDENTIFIER = "signer-identifier"  # the SignerInfo names another certificate
    SIGNED_ATTRIBUTES = "signed-attributes"  # absent, repeated, empty SET, wrong type


@unique
class ProblemKind(Enum):
    """Each way a card can fail a check; see ``VERDICT_OF`` for the verdict it leads to."""

    # the security object itself
    SOD_MALFORMED = "sod-malformed"  # part: where
    WEAK_HASH = "weak-hash"  # algorithm, part: md5, sha1, sha224 and the like
    UNSUPPORTED_ALGORITHM = "unsupported-algorithm"  # algorithm (name or OID), part
    CONTENT_TYPE_MISMATCH = "content-type-mismatch"  # signed content type is not the LDS SO
    MESSAGE_DIGEST_MISMATCH = "message-digest-mismatch"  # signed digest != the content's
    SIGNATURE_INVALID = "signature-invalid"  # the document signer's signature is wrong
    # the issuer
    SIGNER_NOT_TRUSTED = "signer-not-trusted"  # no configured CSCA issued the signer
    TRUST_ANCHOR_EXPIRED = "trust-anchor-expired"  # until: the CSCA's end of validity
    TRUST_ANCHOR_NOT_YET_VALID = "trust-anchor-not-yet-valid"  # valid_from
    # the document signer's validity
    SIGNER_EXPIRED = "signer-expired"  # until
    SIGNER_NOT_YET_VALID = "signer-not-yet-valid"  # valid_from
    # the data groups against their signed hashes
    GROUP_HASH_MISMATCH = "group-hash-mismatch"  # group
    GROUP_NOT_SIGNED = "group-not-signed"  # group: read, but absent from the SO
    # chip authentication
    CHIP_KEY_MALFORMED = "chip-key-malformed"  # DG15 holds no usable public key
    CHIP_KEY_UNSUPPORTED = "chip-key-unsupported"  # algorithm: not ECDSA on a known curve
    CHIP_AUTH_REFUSED = "chip-auth-refused"  # status_word: INTERNAL AUTHENTICATE refused
    CHIP_AUTH_MALFORMED = "chip-auth-malformed"  # not a plain r||s of the key's size,
    # or not even a response APDU
    CHIP_AUTH_FAILED = "chip-auth-failed"  # the answer does not verify with DG15's key
    # data that does not follow the chip profile
    GROUP_MISSING = "group-missing"  # group, status_word: the card would not give it
    GROUP_MALFORMED = "group-malformed"  # group, field (None: the TLV itself, or the
    # card's answer was not a file at all): it does not decode as the profile says
    LIFECYCLE_MALFORMED = "lifecycle-malformed"  # status_word if refused: GET DATA DF20


VERDICT_OF: dict[ProblemKind, Verdict] = {
    ProblemKind.SOD_MALFORMED: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.WEAK_HASH: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.UNSUPPORTED_ALGORITHM: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.CONTENT_TYPE_MISMATCH: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.MESSAGE_DIGEST_MISMATCH: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.SIGNATURE_INVALID: Verdict.SECURITY_OBJECT_INVALID,
    ProblemKind.SIGNER_NOT_TRUSTED: Verdict.UNKNOWN_ISSUER,
    ProblemKind.TRUST_ANCHOR_EXPIRED: Verdict.UNKNOWN_ISSUER,
    ProblemKind.TRUST_ANCHOR_NOT_YET_VALID: Verdict.UNKNOWN_ISSUER,
    ProblemKind.SIGNER_EXPIRED: Verdict.SIGNER_EXPIRED,
    ProblemKind.SIGNER_NOT_YET_VALID: Verdict.SIGNER_EXPIRED,
    ProblemKind.GROUP_HASH_MISMATCH: Verdict.DATA_TAMPERED,
    ProblemKind.GROUP_NOT_SIGNED: Verdict.DATA_TAMPERED,
    ProblemKind.CHIP_KEY_MALFORMED: Verdict.CLONED_CHIP,
    ProblemKind.CHIP_KEY_UNSUPPORTED: Verdict.CLONED_CHIP,
    ProblemKind.CHIP_AUTH_REFUSED: Verdict.CLONED_CHIP,
    ProblemKind.CHIP_AUTH_MALFORMED: Verdict.CLONED_CHIP,
    ProblemKind.CHIP_AUTH_FAILED: Verdict.CLONED_CHIP,
    ProblemKind.GROUP_MISSING: Verdict.DATA_MALFORMED,
    ProblemKind.GROUP_MALFORMED: Verdict.DATA_MALFORMED,
    ProblemKind.LIFECYCLE_MALFORMED: Verdict.DATA_MALFORMED,
}


@dataclass(frozen=True)
class Problem:
    """One thing found wrong; only the facts its ``kind`` names are set."""

    kind: ProblemKind
    group: int | None = None  # data-group number
    part: SodPart | None = None  # where in the security object
    algorithm: str | None = None  # asn1crypto name ("sha1") or dotted OID if unknown
    field: str | None = None  # the data object of a group that does not decode
    until: dt.date | None = None  # end of a certificate's validity
    valid_from: dt.date | None = None  # start of a certificate's validity
    status_word: int | None = None  # the card's answer, when it refused

    @property
    def verdict(self) -> Verdict:
        return VERDICT_OF[self.kind]


def verdict_of(problems: Iterable[Problem]) -> Verdict:
    """GENUINE without problems, else the first verdict (in enum order) among them."""
    order = list(Verdict)
    found = [p.verdict for p in problems]
    return min(found, key=order.index) if found else Verdict.GENUINE
