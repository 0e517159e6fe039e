"""Signed attributes of a CMS SignerInfo (RFC 5652 clause 11, RFC 5035 ESS).

Shared by signing and verification so both see the same bytes: attributes are
DER-sorted (a SET OF), and the signature covers them re-tagged as a SET (``0x31``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from asn1crypto import (
    algos,
    cms,
    core,
    tsp,
)
from asn1crypto import x509 as asn1_x509

SIGNING_CERTIFICATE_V2 = "signing_certificate_v2"
CONTENT_TYPE = "content_type"
MESSAGE_DIGEST = "message_digest"
SIGNING_TIME = "signing_time"
HASHES = ("sha256", "sha384", "sha512")


def der_set_of(items: list[core.Asn1Value]) -> list[core.Asn1Value]:
    """Items in DER order for a SET OF (X.690 11.6: by their encodings)."""
    return sorted(items, key=lambda item: item.dump())


def cms_time(moment: dt.datetime) -> cms.Time:
    """UTCTime through 2049, GeneralizedTime after (RFC 5652 clause 11.3)."""
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    if 1950 <= moment.year < 2050:
        return cms.Time({"utc_time": moment})
    return cms.Time({"general_time": moment})


def digest(hash_name: str, data: bytes) -> bytes:
    return hashlib.new(hash_name, data).digest()


def ess_signing_certificate_v2(certificate: asn1_x509.Certificate) -> tsp.SigningCertificateV2:
    """ESSCertIDv2 with SHA-256 (the DEFAULT, hence omitted) and issuerSerial."""
    return tsp.SigningCertificateV2(
        {
            "certs": [
                tsp.ESSCertIDv2(
                    {
                        "hash_algorithm": {"algorithm": "sha256"},
                        "cert_hash": digest("sha256", certificate.dump()),
                        "issuer_serial": {
                            "issuer": [asn1_x509.GeneralName(
                                {"directory_name": certificate.issuer})],
                            "serial_number": certificate.serial_number,
                        },
                    }
                )
            ]
        }
    )


def signed_attributes(
    content_digest: bytes, certificate: asn1_x509.Certificate, signing_time: dt.datetime
) -> cms.CMSAttributes:
    """content-type (id-data), message-digest, signing-time and signing-certificate-v2."""
    attributes = [
        cms.CMSAttribute({"type": CONTENT_TYPE, "values": [cms.ContentType("data")]}),
        cms.CMSAttribute({"type": MESSAGE_DIGEST, "values": [core.OctetString(content_digest)]}),
        cms.CMSAttribute({"type": SIGNING_TIME, "values": [cms_time(signing_time)]}),
        cms.CMSAttribute({"type": SIGNING_CERTIFICATE_V2,
                          "values": [ess_signing_certificate_v2(certificate)]}),
    ]
    return cms.CMSAttributes(der_set_of(attributes))


def bytes_to_sign(attributes: cms.CMSAttributes) -> bytes:
    """What the signature covers: the attributes' encoding with the SET tag (RFC 5652 5.4)."""
    encoded = attributes.dump()
    return b"\x31" + encoded[1:]


class _DigestAlgorithmNoParameters(core.Sequence):
    """AlgorithmIdentifier without parameters: asn1crypto's own always adds NULL for SHA-2."""

    _fields = [("algorithm", algos.DigestAlgorithmId)]


def digest_algorithm(hash_name: str) -> algos.DigestAlgorithm:
    """A SHA-2 AlgorithmIdentifier with the parameters absent (RFC 5754 2: not NULL)."""
    encoded = _DigestAlgorithmNoParameters({"algorithm": hash_name}).dump()
    return algos.DigestAlgorithm.load(encoded)
