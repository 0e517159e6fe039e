"""openssl as the relying party, with only what the authority publishes (ca export / crl / revoke).

OpenSSL 3.0's ``cms`` has no ``-CRLfile`` (``verify`` has): for ``cms -verify`` the CRL
travels in the ``-CAfile`` bundle next to the CA certificate, which OpenSSL reads for
both.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography import x509

from citizen.identity import Identity
from signing.ca import LocalCertificateAuthority
from signing.ca_publish import (
    export_ca_certificate,
    load_certificates,
    load_crl,
    parse_serial,
    publish_crl,
    revoke_and_publish,
)
from signing.ca_settings import HOLDER_SIGNATURE_POLICY, NIDKIOSK_ARC
from signing.cms import sign_detached, verify_detached
from signing.csr import build_csr, subject_for
from signing.errors import PublishError, SerialFormatError, TrustFileError, TrustFileProblem
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.verification import ProblemCause, RevocationStatus, VerificationFailure
from tests.signing.helpers import KeyRing, holder_of_card, openssl, write_pem

DOCUMENT = "وکالت‌نامه\n".encode() * 30


@pytest.fixture
def published(ca: LocalCertificateAuthority, tmp_path: Path) -> Path:
    directory = tmp_path / "published"
    export_ca_certificate(ca, directory)
    publish_crl(ca, directory)
    return directory


def certify(ca: LocalCertificateAuthority, signer: SoftwareSigner,
            identity: Identity) -> x509.Certificate:
    return ca.issue(build_csr(signer, subject_for(identity)), identity=identity)


def test_export_writes_public_pem_and_der(ca: LocalCertificateAuthority, tmp_path: Path) -> None:
    certificate = export_ca_certificate(ca, tmp_path / "out")
    crl = publish_crl(ca, tmp_path / "out")
    assert load_certificates(certificate.pem) == load_certificates(certificate.der) \
        == [ca.certificate]
    assert load_crl(crl.pem).issuer == load_crl(crl.der).issuer == ca.certificate.subject
    for path in (certificate.pem, certificate.der, crl.pem, crl.der):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        assert b"PRIVATE" not in path.read_bytes()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "signature-ca-crl.pem", "signature-ca.cer", "signature-ca.crl", "signature-ca.pem"]


def test_openssl_strict_policy_check_accepts_the_holder_certificate(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity,
    published: Path, tmp_path: Path,
) -> None:
    holder = write_pem(tmp_path / "holder.pem", certify(ca, signer, identity))
    ca_pem = published / "signature-ca.pem"
    strict = ("verify", "-x509_strict", "-policy_check", "-explicit_policy", "-CAfile", ca_pem)
    accepted = openssl(*strict, "-policy", HOLDER_SIGNATURE_POLICY, holder)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert ": OK" in accepted.stdout
    other_policy = openssl(*strict, "-policy", f"{NIDKIOSK_ARC}.1.99", holder)
    assert other_policy.returncode != 0  # the policy really is checked
    assert "no explicit policy" in other_policy.stdout + other_policy.stderr


def test_openssl_crl_check_and_our_verifier_agree(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity, published: Path,
    tmp_path: Path,
) -> None:
    good_signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    bad_signer = keys.get(SignatureAlgorithm.RSA2048_SHA256_PKCS1)
    good = certify(ca, good_signer, identity)
    bad = certify(ca, bad_signer, holder_of_card(identity, 2))
    good_pem, bad_pem = write_pem(tmp_path / "good.pem", good), write_pem(tmp_path / "bad.pem", bad)

    serial = openssl("x509", "-in", bad_pem, "-noout", "-serial").stdout  # "serial=3A…"
    status, crl = revoke_and_publish(ca, parse_serial(serial), x509.ReasonFlags.key_compromise,
                                     published)
    assert status.reason is x509.ReasonFlags.key_compromise
    ca_pem = published / "signature-ca.pem"
    check = ("verify", "-crl_check", "-CAfile", ca_pem, "-CRLfile", crl.pem)
    assert openssl(*check, good_pem).returncode == 0
    refused = openssl(*check, bad_pem)
    assert refused.returncode != 0 and "certificate revoked" in refused.stdout + refused.stderr

    bundle = write_pem(tmp_path / "ca-and-crl.pem", *load_certificates(ca_pem),
                       load_crl(crl.der))
    anchors, crls = load_certificates(published / "signature-ca.cer"), [load_crl(crl.der)]
    for signer, certificate, expected in ((good_signer, good, True),
                                          (bad_signer, bad, False)):
        signature = sign_detached(DOCUMENT, signer, certificate)
        (tmp_path / "doc").write_bytes(DOCUMENT)
        (tmp_path / "sig.p7s").write_bytes(signature)
        judged = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in",
                         tmp_path / "sig.p7s", "-content", tmp_path / "doc", "-CAfile", bundle,
                         "-crl_check", "-out", "/dev/null")
        assert (judged.returncode == 0) is expected, judged.stderr
        ours = verify_detached(DOCUMENT, signature, anchors, crls=crls)
        assert ours.valid is expected
        if expected:
            assert ours.revocation is RevocationStatus.GOOD
        else:
            assert "certificate revoked" in judged.stderr
            assert ours.failure is VerificationFailure.REVOKED
            assert ours.problems[0].cause is ProblemCause.REVOKED
            assert ours.problems[0].reason is x509.ReasonFlags.key_compromise


@pytest.mark.parametrize("text, serial", [
    ("serial=3A0F", 0x3A0F), ("3a:0f", 0x3A0F), ("0x3A0F", 0x3A0F), (" 3A0F\n", 0x3A0F)])
def test_serials_as_openssl_prints_them(text: str, serial: int) -> None:
    assert parse_serial(text) == serial


@pytest.mark.parametrize("text", ["", "serial=", "12g4", "-5", "1" * 41])
def test_serials_that_are_not(text: str) -> None:
    with pytest.raises(SerialFormatError) as caught:
        parse_serial(text)
    assert caught.value.text == text


def test_unusable_trust_files_are_typed_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n")
    der_garbage = tmp_path / "garbage.der"
    der_garbage.write_bytes(b"\x30\x03\x02\x01\x00")
    cases = [
        (lambda: load_certificates(tmp_path / "missing.pem"), TrustFileProblem.MISSING),
        (lambda: load_certificates(tmp_path), TrustFileProblem.UNREADABLE),
        (lambda: load_certificates(garbage), TrustFileProblem.NOT_CERTIFICATES),
        (lambda: load_certificates(der_garbage), TrustFileProblem.NOT_CERTIFICATES),
        (lambda: load_crl(garbage), TrustFileProblem.NOT_A_CRL),
        (lambda: load_crl(der_garbage), TrustFileProblem.NOT_A_CRL),
    ]
    for load, problem in cases:
        with pytest.raises(TrustFileError) as caught:
            load()
        assert caught.value.problem is problem


def test_an_unwritable_export_directory_is_a_typed_error(
    ca: LocalCertificateAuthority, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(PublishError) as caught:
        export_ca_certificate(ca, blocker / "out")
    assert caught.value.path == blocker / "out"
