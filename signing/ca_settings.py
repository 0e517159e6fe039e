"""What the local authority claims in the certificates it issues, and where it publishes.

Policy identifiers. nidkiosk has no registered enterprise number, so its arc is a UUID
arc (ITU-T X.667 / RFC 4122: ``2.25.<UUID as an integer>``), unique without
registration; the project owns everything under it:

* ``2.25.307454154253709278833960113930475060362`` (UUID
  e74d8427-0444-4cf3-a042-d3228502bc8a): nidkiosk
* ``… .1``: certificate policies; ``… .1.1``: signature certificates for the
  holder of a national card, key generated on and never leaving the card (version 1).

ETSI policies (EN 319 411-1 NCP+, EN 319 411-2 QCP-n-qscd) state conformance to
audited requirements; a local test authority meets none of them and claims none by
default. An operator whose authority is assessed adds the OID in ``extra_policies``.

qcStatements (EN 319 412-5, RFC 3739): always the semantics identifier for natural
persons (EN 319 412-1 5.1.3, because the subject's serialNumber is ``PNOIR-…``) and
QcType esign (the certificate is for electronic signatures). QcCompliance (an EU
qualified certificate) and QcSSCD (the key is in a *certified* qualified signature
creation device) are claims about legal status and certification, not about where
the key happens to be, so they appear only when configured.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from signing.errors import CaSettingsError, SettingsProblem

NIDKIOSK_ARC = "2.25.307454154253709278833960113930475060362"
HOLDER_SIGNATURE_POLICY = f"{NIDKIOSK_ARC}.1.1"
ETSI_NCP_PLUS = "0.4.0.2042.1.2"  # EN 319 411-1, requires an SSCD: only if assessed
DEFAULT_PUBLICATION_URL = "http://ca.nidkiosk.invalid/"  # RFC 2606: configure a real one
CA_CERTIFICATE_FILE = "signature-ca.cer"  # DER, as RFC 5280 4.2.2.1 wants for caIssuers
CRL_FILE = "signature-ca.crl"  # DER, as RFC 5280 4.2.1.13 wants for HTTP distribution
_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class CaSettings:
    """Decided when the authority is created and stored with it, so every kiosk issues alike."""

    publication_url: str = DEFAULT_PUBLICATION_URL
    extra_policies: tuple[str, ...] = ()
    qualified: bool = False  # QcCompliance: only for an EU-qualified service
    key_on_qscd: bool = False  # QcSSCD: only for a certified card product

    def __post_init__(self) -> None:
        parts = urlsplit(self.publication_url)
        if parts.scheme not in _SCHEMES or not parts.netloc or parts.query or parts.fragment:
            raise CaSettingsError(SettingsProblem.PUBLICATION_URL)
        if not self.publication_url.endswith("/"):
            object.__setattr__(self, "publication_url", self.publication_url + "/")
        for oid in self.extra_policies:
            arcs = oid.split(".")
            if len(arcs) < 2 or not all(arc.isascii() and arc.isdigit() for arc in arcs):
                raise CaSettingsError(SettingsProblem.POLICY_OID)
        if self.key_on_qscd and not self.qualified:
            raise CaSettingsError(SettingsProblem.QSCD_WITHOUT_QUALIFIED)

    @property
    def crl_url(self) -> str:
        return self.publication_url + CRL_FILE

    @property
    def ca_issuers_url(self) -> str:
        return self.publication_url + CA_CERTIFICATE_FILE

    @property
    def policies(self) -> tuple[str, ...]:
        return (HOLDER_SIGNATURE_POLICY, *self.extra_policies)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> CaSettings:
        """Settings stored with an authority; an authority from before they existed: defaults."""
        if not text:
            return cls()
        data = json.loads(text)
        data["extra_policies"] = tuple(data.get("extra_policies", ()))
        return cls(**data)
