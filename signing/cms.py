"""Detached CMS SignedData (RFC 5652) over a document, signed by a DigestSigner.

The structure is built with asn1crypto; the key holder only sees the SHA-256 digest
of the signed attributes. The result verifies with ``openssl cms -verify`` (whose
default S/MIME signing purpose accepts our nonRepudiation certificates) and with
:func:`verify_detached`, re-exported here from :mod:`signing.cms_verify`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from signing.cms_attributes import (
    bytes_to_sign,
    der_set_of,
    digest,
    digest_algorithm,
    signed_attributes,
)
from signing.cms_verify import VerificationFailure, VerificationResult, verify_detached
from signing.errors import SignerError, SignerProblem
from signing.signer import DigestSigner, sign_message

__all__ = ["VerificationFailure", "VerificationResult", "sign_detached", "verify_detached"]


def _asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _same_key(signer: DigestSigner, certificate: x509.Certificate) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return (signer.public_key().public_bytes(der, spki)
            == certificate.public_key().public_bytes(der, spki))


def sign_detached(
    content: bytes,
    signer: DigestSigner,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    signing_time: dt.datetime | None = None,
) -> bytes:
    """DER ContentInfo(SignedData) without eContent; ``chain`` certificates are included.

    Raises :class:`SignerError` when the certificate is not for the signer's key or
    the key holder returns a signature that does not verify.
    """
    if not _same_key(signer, certificate):
        raise SignerError(SignerProblem.CERTIFICATE_FOR_ANOTHER_KEY)
    moment = signing_time or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    signer_cert = _asn1(certificate)
    attributes = signed_attributes(digest("sha256", content), signer_cert, moment)
    signature = sign_message(signer, bytes_to_sign(attributes))
    signer_info = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {"issuer_and_serial_number": cms.IssuerAndSerialNumber(
                    {"issuer": signer_cert.issuer,
                     "serial_number": signer_cert.serial_number})}
            ),
            "digest_algorithm": digest_algorithm("sha256"),
            "signed_attrs": attributes,
            "signature_algorithm": {"algorithm": signer.algorithm.asn1_name},
            "signature": signature,
        }
    )
    bag: dict[bytes, asn1_x509.Certificate] = {signer_cert.dump(): signer_cert}
    for extra in chain:
        asn1_cert = _asn1(extra)
        bag.setdefault(asn1_cert.dump(), asn1_cert)
    signed_data = cms.SignedData(
        {
            "version": "v1",  # id-data, issuerAndSerialNumber, no attribute certificates
            "digest_algorithms": [digest_algorithm("sha256")],
            "encap_content_info": {"content_type": "data"},  # detached: no eContent
            "certificates": [cms.CertificateChoices({"certificate": c})
                             for c in der_set_of(list(bag.values()))],
            "signer_infos": [signer_info],
        }
    )
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
