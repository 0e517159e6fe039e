"""Verification as a relying party needs it: revocation status as data, key purposes, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from citizen.identity import Identity
from signing.ca import LocalCertificateAuthority
from signing.cms import sign_detached, verify_detached
from signing.cms_verify import DOCUMENT_SIGNING
from signing.csr import build_csr, subject_for
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.verification import (
    CertificateRole,
    ProblemCause,
    RevocationStatus,
    VerificationFailure,
    VerificationProblem,
)
from tests.signing.helpers import KeyRing, make_certificate, make_root, name, openssl, write_pem

DOCUMENT = "سند شماره ۴۲\n".encode() * 10
SHA256_WITH_NULL = bytes.fromhex("300d06096086480165030402010500")


def certify(ca: LocalCertificateAuthority, signer: SoftwareSigner,
            identity: Identity) -> x509.Certificate:
    return ca.issue(build_csr(signer, subject_for(identity)), identity=identity)


def test_without_a_revocation_source_a_signature_is_not_called_valid(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    """Issue 8: a revoked signer came out VALID when only trust anchors were given."""
    cert = certify(ca, signer, identity)
    signature = sign_detached(DOCUMENT, signer, cert)
    ca.revoke(cert.serial_number, x509.ReasonFlags.key_compromise)

    unchecked = verify_detached(DOCUMENT, signature, [ca.certificate])
    assert not unchecked.valid
    assert unchecked.revocation is RevocationStatus.NOT_CHECKED
    assert not unchecked.revocation_checked
    assert unchecked.failures == (VerificationFailure.REVOCATION_NOT_CHECKED,)
    assert unchecked.problems == (VerificationProblem(
        VerificationFailure.REVOCATION_NOT_CHECKED, ProblemCause.NOT_CHECKED,
        CertificateRole.SIGNER),)
    assert unchecked.valid_if_not_revoked  # "valid, revocation NOT checked" is all it may say

    checked = verify_detached(DOCUMENT, signature, [ca.certificate], crls=[ca.crl()])
    assert not checked.valid and checked.revocation is RevocationStatus.REVOKED
    assert not checked.valid_if_not_revoked


def test_revocation_unknown_is_data_too(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity, tmp_path: Path
) -> None:
    signature = sign_detached(DOCUMENT, signer, certify(ca, signer, identity))
    with LocalCertificateAuthority(tmp_path / "other") as other:
        result = verify_detached(DOCUMENT, signature, [ca.certificate], crls=[other.crl()])
    assert result.revocation is RevocationStatus.UNKNOWN
    assert [p.cause for p in result.problems] == [ProblemCause.NO_CURRENT_CRL]
    assert result.valid_if_not_revoked and not result.valid


def test_a_directly_trusted_signer_needs_no_revocation(keys: KeyRing) -> None:
    root, root_key = make_root()
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    cert = make_certificate(name("pinned"), signer.public_key(), root, root_key, ca=False)
    result = verify_detached(DOCUMENT, sign_detached(DOCUMENT, signer, cert), [cert])
    assert result.valid and result.revocation is RevocationStatus.NOT_APPLICABLE


@pytest.mark.parametrize("purposes, ours, openssl_default", [
    (None, True, True),
    ([ExtendedKeyUsageOID.EMAIL_PROTECTION], True, True),
    ([ExtendedKeyUsageOID.CLIENT_AUTH], False, False),
    ([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH], False, False),
    ([DOCUMENT_SIGNING], True, False),
    ([ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE], True, False),
], ids=["no-eku", "email", "client-auth", "tls", "document-signing", "any"])
def test_extended_key_usage_as_openssl_judges_it(
    keys: KeyRing, tmp_path: Path, purposes: list[x509.ObjectIdentifier] | None, ours: bool,
    openssl_default: bool,
) -> None:
    """Issue 8: a clientAuth-only certificate was accepted; openssl refuses it.

    OpenSSL's S/MIME signing purpose also refuses documentSigning (RFC 9336) and
    anyExtendedKeyUsage alone; for documents we accept both, and openssl agrees once
    told the purpose does not matter (``-purpose any``).
    """
    root, root_key = make_root()
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    cert = make_certificate(name("holder"), signer.public_key(), root, root_key, ca=False,
                            purposes=purposes)
    signature = sign_detached(DOCUMENT, signer, cert)
    result = verify_detached(DOCUMENT, signature, [root])
    assert result.valid_if_not_revoked is ours
    if not ours:
        assert result.failure is VerificationFailure.WRONG_KEY_USAGE
        assert result.problems[0].cause is ProblemCause.EXTENDED_KEY_USAGE

    (tmp_path / "doc").write_bytes(DOCUMENT)
    (tmp_path / "doc.p7s").write_bytes(signature)
    anchor = write_pem(tmp_path / "root.pem", root)
    command = ["cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "doc.p7s",
               "-content", tmp_path / "doc", "-CAfile", anchor, "-out", "/dev/null"]
    by_default = openssl(*command)
    assert (by_default.returncode == 0) is openssl_default, by_default.stderr
    if ours:
        assert openssl(*command, "-purpose", "any").returncode == 0


def test_sha2_digest_algorithms_carry_no_null_parameters(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    """RFC 5754 2: the parameters of SHA-2 AlgorithmIdentifiers are absent, not NULL."""
    signature = sign_detached(DOCUMENT, signer, certify(ca, signer, identity))
    assert SHA256_WITH_NULL not in signature
    signed = asn1_cms.ContentInfo.load(signature)["content"]
    info = signed["signer_infos"][0]
    for algorithm in (signed["digest_algorithms"][0], info["digest_algorithm"]):
        assert algorithm.dump() == bytes.fromhex("300b0609608648016503040201")
    ess = next(a for a in info["signed_attrs"] if a["type"].native == "signing_certificate_v2")
    assert SHA256_WITH_NULL not in ess.dump()  # SHA-256 is its DEFAULT: left out entirely
    assert verify_detached(DOCUMENT, signature, [ca.certificate], crls=[ca.crl()]).valid


@pytest.mark.parametrize("garbage, cause", [
    (b"", ProblemCause.NOT_DER),
    (b"\x30\x03\x02\x01\x00", ProblemCause.NOT_DER),
])
def test_malformed_signatures_say_why(ca: LocalCertificateAuthority, garbage: bytes,
                                      cause: ProblemCause) -> None:
    result = verify_detached(DOCUMENT, garbage, [ca.certificate])
    assert result.problems == (VerificationProblem(VerificationFailure.MALFORMED, cause),)


def test_an_attached_signature_is_refused_as_such(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    info = asn1_cms.ContentInfo.load(sign_detached(DOCUMENT, signer, certify(ca, signer, identity)))
    info["content"]["encap_content_info"]["content"] = DOCUMENT
    result = verify_detached(DOCUMENT, info.dump(force=True), [ca.certificate])
    assert result.problems[0].cause is ProblemCause.NOT_DETACHED
