"""The holder certificate profile (RFC 5280, ETSI EN 319 412-2/-5) and the settings behind it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID

from citizen.identity import Identity
from signing.ca import LocalCertificateAuthority
from signing.ca_settings import (
    DEFAULT_PUBLICATION_URL,
    ETSI_NCP_PLUS,
    HOLDER_SIGNATURE_POLICY,
    CaSettings,
)
from signing.csr import build_csr, subject_for
from signing.errors import CaSettingsError, SettingsProblem
from signing.qc_statements import (
    QC_STATEMENTS,
    QCT_ESIGN,
    SEMANTICS_NATURAL,
    QcClaims,
    read_qc_claims,
)
from signing.signer import SoftwareSigner
from tests.signing.helpers import make_root, name


def issue(ca: LocalCertificateAuthority, signer: SoftwareSigner,
          identity: Identity) -> x509.Certificate:
    return ca.issue(build_csr(signer, subject_for(identity)), identity=identity)


def test_issued_certificate_profile(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    cert = issue(ca, signer, identity)
    ext = cert.extensions

    assert cert.version is x509.Version.v3
    assert cert.subject == subject_for(identity)
    assert cert.issuer == ca.certificate.subject
    assert cert.public_key() == signer.public_key()
    usage = ext.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not (usage.value.key_encipherment or usage.value.key_cert_sign)
    assert ext.get_extension_for_class(x509.BasicConstraints).value.ca is False
    ski = ext.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert ski == x509.SubjectKeyIdentifier.from_public_key(signer.public_key())
    aki = ext.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    ca_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    assert aki.key_identifier == ca_ski.digest
    with pytest.raises(x509.ExtensionNotFound):
        ext.get_extension_for_class(x509.ExtendedKeyUsage)  # would break S/MIME purpose
    policies = ext.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == [HOLDER_SIGNATURE_POLICY]
    points = ext.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name == [x509.UniformResourceIdentifier(
        DEFAULT_PUBLICATION_URL + "signature-ca.crl")]
    access = ext.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert [(a.access_method, a.access_location) for a in access] == [
        (AuthorityInformationAccessOID.CA_ISSUERS,
         x509.UniformResourceIdentifier(DEFAULT_PUBLICATION_URL + "signature-ca.cer"))]
    # a test authority claims neither EU-qualified status nor a certified device
    assert read_qc_claims(cert) == QcClaims(semantics=SEMANTICS_NATURAL, types=(QCT_ESIGN,))
    assert not ext.get_extension_for_oid(QC_STATEMENTS).critical
    assert cert.serial_number.bit_length() > 64
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=3 * 365) <= lifetime <= dt.timedelta(days=3 * 365, hours=1)
    assert isinstance(ca.certificate.public_key(), ec.EllipticCurvePublicKey)
    cert.verify_directly_issued_by(ca.certificate)


def test_settings_chosen_at_creation_are_kept(
    tmp_path: Path, signer: SoftwareSigner, identity: Identity
) -> None:
    settings = CaSettings(publication_url="http://ca.example/pki", extra_policies=(ETSI_NCP_PLUS,),
                          qualified=True, key_on_qscd=True)
    with LocalCertificateAuthority(tmp_path / "ca", settings=settings):
        pass
    with LocalCertificateAuthority(tmp_path / "ca") as ca:  # settings come from the store
        assert ca.settings == settings
        cert = issue(ca, signer, identity)
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name == [x509.UniformResourceIdentifier(
        "http://ca.example/pki/signature-ca.crl")]
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == [
        HOLDER_SIGNATURE_POLICY, ETSI_NCP_PLUS]
    claims = read_qc_claims(cert)
    assert claims.compliance and claims.sscd and claims.types == (QCT_ESIGN,)


@pytest.mark.parametrize("arguments, problem", [
    ({"publication_url": "file:///home/x/"}, SettingsProblem.PUBLICATION_URL),
    ({"publication_url": "http://"}, SettingsProblem.PUBLICATION_URL),
    ({"extra_policies": ("NCP+",)}, SettingsProblem.POLICY_OID),
    ({"key_on_qscd": True}, SettingsProblem.QSCD_WITHOUT_QUALIFIED),
])
def test_settings_that_make_no_sense_are_refused(arguments: dict[str, object],
                                                problem: SettingsProblem) -> None:
    with pytest.raises(CaSettingsError) as refused:
        CaSettings(**arguments)  # type: ignore[arg-type]
    assert refused.value.problem is problem


def test_qc_statements_that_do_not_parse_claim_nothing(signer: SoftwareSigner) -> None:
    root, key = make_root()
    garbage = x509.UnrecognizedExtension(QC_STATEMENTS, b"\x30\x03\x06\x01")
    certificate = (x509.CertificateBuilder().subject_name(name("x")).issuer_name(root.subject)
                   .public_key(signer.public_key()).serial_number(1)
                   .not_valid_before(root.not_valid_before_utc)
                   .not_valid_after(root.not_valid_after_utc)
                   .add_extension(garbage, critical=False).sign(key, hashes.SHA256()))
    assert read_qc_claims(certificate) == QcClaims(malformed=True)
