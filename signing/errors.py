"""One exception tree for the signing package, with data on attributes.

Messages say what went wrong in plain words and never carry key material: the UI
maps the types to its own wording, logs may show ``str(error)`` as it is.
"""

from __future__ import annotations

import enum


class SigningError(Exception):
    """Base of every error raised by ``signing``."""


class SignerError(SigningError):
    """The key holder (card or software key) failed or returned something unusable."""


class CaError(SigningError):
    """The certificate authority could not do what was asked."""


class CaUnavailableError(CaError):
    """The authority cannot be reached or its store cannot be opened; try again later."""


@enum.unique
class RefusalReason(enum.Enum):
    """Why an authority said no; stable values the UI can word."""

    MALFORMED_REQUEST = "malformed-request"
    BAD_SIGNATURE = "bad-signature"
    UNSUPPORTED_KEY = "unsupported-key"
    POLICY = "policy"
    UNKNOWN_CERTIFICATE = "unknown-certificate"
    INJECTED = "injected"


class CaRefusedError(CaError):
    """The authority was reached and refused the request (bad CSR, policy, ...)."""

    def __init__(self, reason: RefusalReason, detail: str) -> None:
        super().__init__(f"the certificate authority refused: {detail}")
        self.reason = reason
        self.detail = detail
