"""One exception tree for the signing package, with data on attributes.

Every error derives from :class:`SigningError` and carries enums and values, not
sentences: the faces word them (Persian and English). ``str(error)`` is a short,
stable tag for logs and never carries key material or PINs.
"""

from __future__ import annotations

import enum
from pathlib import Path


class SigningError(Exception):
    """Base of every error raised by ``signing``."""


@enum.unique
class SignerProblem(enum.Enum):
    """Why the key holder (card or software key) could not be used."""

    UNSUPPORTED_KEY = "unsupported-key"  # not ECDSA P-256 or RSA-2048
    BAD_DIGEST = "bad-digest"  # not a 32-byte SHA-256 digest
    MALFORMED_SIGNATURE = "malformed-signature"  # not r||s / DER of the expected size
    SIGNATURE_DOES_NOT_VERIFY = "signature-does-not-verify"  # the holder signed wrongly
    NO_KEY = "no-key"  # the card has no signature key
    CERTIFICATE_FOR_ANOTHER_KEY = "certificate-for-another-key"


class SignerError(SigningError):
    """The key holder failed or returned something unusable; ``problem`` says how."""

    def __init__(self, problem: SignerProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class CaError(SigningError):
    """The certificate authority could not do what was asked."""


@enum.unique
class UnavailableReason(enum.Enum):
    """Why the authority could not be used right now."""

    UNREACHABLE = "unreachable"  # a remote authority (or an injected outage) did not answer
    STORE_UNOPENABLE = "store-unopenable"  # its directory or database cannot be opened
    STORE_DAMAGED = "store-damaged"  # key or certificate in the store unreadable
    STORE_FAILED = "store-failed"  # a database operation failed (locked, disk full, ...)
    READ_ONLY = "read-only"  # opened read-only (a relying party): it cannot issue or sign
    NO_SERIAL = "no-serial"  # no unique serial number could be allocated


class CaUnavailableError(CaError):
    """The authority cannot be used now; trying again later may work."""

    def __init__(self, reason: UnavailableReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class CaNotFoundError(CaError):
    """No authority lives in ``directory`` (and opening an existing one never creates)."""

    def __init__(self, directory: Path) -> None:
        super().__init__("no-authority")
        self.directory = directory


@enum.unique
class RefusalReason(enum.Enum):
    """Why an authority said no; stable values the UI can word."""

    MALFORMED_REQUEST = "malformed-request"  # not a DER PKCS#10 request
    BAD_SIGNATURE = "bad-signature"  # the request's self-signature does not verify
    WEAK_HASH = "weak-hash"  # the request is not signed with SHA-2
    UNSUPPORTED_KEY = "unsupported-key"  # a key the card cannot have
    NO_SUBJECT = "no-subject"  # no identity given and the request names nobody
    SUBJECT_MISMATCH = "subject-mismatch"  # the request names another national code
    INVALID_IDENTITY = "invalid-identity"  # the identity cannot be certified (bad national code)
    VALIDITY_EMPTY = "validity-empty"  # expired card, or not_after already past
    ALREADY_CERTIFIED = "already-certified"  # this card has a live certificate already
    CARD_SERIAL_CONFLICT = "card-serial-conflict"  # the card serial is certified for another person
    NEWER_CARD_CERTIFIED = "newer-card-certified"  # the holder's newer card is certified
    UNKNOWN_CERTIFICATE = "unknown-certificate"  # revoking a serial this authority never issued
    INVALID_REASON = "invalid-reason"  # removeFromCRL: only meaningful in delta CRLs
    INJECTED = "injected"  # a refusal injected by a test


class CaRefusedError(CaError):
    """The authority was reached and refused; ``serial`` names the certificate in the way."""

    def __init__(self, reason: RefusalReason, serial: int | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.serial = serial


@enum.unique
class TrustFileProblem(enum.Enum):
    """Why a file of certificates or CRLs given by a relying party cannot be used."""

    MISSING = "missing"  # no such file or directory
    UNREADABLE = "unreadable"  # permissions, a directory where a file was expected, ...
    NOT_CERTIFICATES = "not-certificates"  # neither PEM nor DER certificates
    NOT_A_CRL = "not-a-crl"  # neither a PEM nor a DER CRL
    EMPTY = "empty"  # a PEM file without a single certificate


class TrustFileError(SigningError):
    """A trust-anchor or CRL file is unusable; ``path`` and ``problem`` say which and why."""

    def __init__(self, path: Path, problem: TrustFileProblem) -> None:
        super().__init__(problem.value)
        self.path = path
        self.problem = problem


@enum.unique
class SettingsProblem(enum.Enum):
    """What is wrong with the settings an authority is created with."""

    PUBLICATION_URL = "publication-url"  # not an http(s) URL of a directory
    POLICY_OID = "policy-oid"  # an extra policy that is not a dotted OID
    QSCD_WITHOUT_QUALIFIED = "qscd-without-qualified"  # QcSSCD claimed outside a qualified service


class CaSettingsError(CaError):
    """The authority's settings are unusable; ``problem`` says which one."""

    def __init__(self, problem: SettingsProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


class SerialFormatError(SigningError):
    """``text`` is not a certificate serial number (hex, as ``openssl x509 -serial`` prints)."""

    def __init__(self, text: str) -> None:
        super().__init__("serial-format")
        self.text = text


class PublishError(SigningError):
    """A published file (certificate, CRL) could not be written at ``path``."""

    def __init__(self, path: Path) -> None:
        super().__init__("unwritable")
        self.path = path
