"""What an authority knows about one certificate: good, revoked (when, why), or unknown.

Its own module so that verifying a signature needs neither the authority nor its
database.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from cryptography import x509


@enum.unique
class CertificateState(enum.Enum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # not issued by this authority, as far as it knows


@dataclass(frozen=True)
class CertificateStatus:
    """An OCSP-like answer; ``revoked_at`` and ``reason`` are set only when revoked."""

    state: CertificateState
    revoked_at: dt.datetime | None = None
    reason: x509.ReasonFlags | None = None

    @classmethod
    def good(cls) -> CertificateStatus:
        return cls(CertificateState.GOOD)

    @classmethod
    def unknown(cls) -> CertificateStatus:
        return cls(CertificateState.UNKNOWN)

    @classmethod
    def revoked(cls, at: dt.datetime, reason: x509.ReasonFlags) -> CertificateStatus:
        return cls(CertificateState.REVOKED, at, reason)

    def revoked_by(self, moment: dt.datetime) -> bool:
        """Whether the certificate counts as revoked at ``moment``."""
        return (self.state is CertificateState.REVOKED and self.revoked_at is not None
                and self.revoked_at <= moment)
