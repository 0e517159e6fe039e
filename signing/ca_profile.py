"""Certificate and CRL profiles of the local authority (RFC 5280, ETSI EN 319 412-2), pure.

The holder certificate carries keyUsage digitalSignature + nonRepudiation (critical)
and deliberately no extendedKeyUsage: OpenSSL's S/MIME signing purpose, which
``openssl cms -verify`` applies by default, accepts such a certificate as it is,
while an EKU without emailProtection would make it refuse. It also carries what
EN 319 412-2 asks of a certificate for a natural person: certificatePolicies, a CRL
distribution point and authorityInfoAccess (caIssuers), and qcStatements
(:mod:`signing.qc_statements`); the claims come from :class:`CaSettings`.

The root needs no certificatePolicies: RFC 5280 6.1 (and ``openssl verify
-policy_check -explicit_policy``) processes policies below the trust anchor only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from signing.ca_settings import CaSettings
from signing.qc_statements import qc_statements


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags


def authority_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "nidkiosk local authority"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signing: bool, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing, content_commitment=signing, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )


def ca_certificate(
    key: ec.EllipticCurvePrivateKey, name: x509.Name, now: dt.datetime, valid_for: dt.timedelta
) -> x509.Certificate:
    """Self-signed root: CA:TRUE pathlen 0, keyCertSign + cRLSign."""
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + valid_for)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signing=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def _policies(oids: tuple[str, ...]) -> x509.CertificatePolicies:
    return x509.CertificatePolicies(
        [x509.PolicyInformation(x509.ObjectIdentifier(oid), None) for oid in oids])


def signature_certificate(
    *,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    public_key: CertificatePublicKeyTypes,
    subject: x509.Name,
    serial: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
    settings: CaSettings,
) -> x509.Certificate:
    """The holder's signature certificate: an end entity that may sign and commit."""
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    crl_point = x509.DistributionPoint([x509.UniformResourceIdentifier(settings.crl_url)],
                                       None, None, None)
    ca_issuers = x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                        x509.UniformResourceIdentifier(settings.ca_issuers_url))
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signing=True, ca=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .add_extension(_policies(settings.policies), critical=False)
        .add_extension(x509.CRLDistributionPoints([crl_point]), critical=False)
        .add_extension(x509.AuthorityInformationAccess([ca_issuers]), critical=False)
        .add_extension(qc_statements(qualified=settings.qualified,
                                     key_on_qscd=settings.key_on_qscd), critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def revocation_list(
    *,
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    entries: list[RevokedEntry],
    number: int,
    this_update: dt.datetime,
    next_update: dt.datetime,
) -> x509.CertificateRevocationList:
    """A complete CRL (v2) with CRL number, AKI and a reason code on each entry."""
    ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    )
    for entry in entries:
        revoked = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
        )
        if entry.reason is not x509.ReasonFlags.unspecified:  # RFC 5280 5.3.1: omit it
            revoked = revoked.add_extension(x509.CRLReason(entry.reason), critical=False)
        builder = builder.add_revoked_certificate(revoked.build())
    return builder.sign(ca_key, hashes.SHA256())
