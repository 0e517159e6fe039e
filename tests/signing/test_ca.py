"""The local authority: issuance profile, refusals, revocation, CRLs, persistence, faults."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
from pathlib import Path

import jdatetime
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from citizen.identity import Identity
from signing.ca import Fault, LocalCertificateAuthority
from signing.ca_store import DATABASE_FILE
from signing.csr import build_csr, subject_for
from signing.errors import (
    CaRefusedError,
    CaUnavailableError,
    RefusalReason,
    UnavailableReason,
)
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.status import CertificateState
from tests.signing.helpers import (
    KeyRing,
    holder_of_card,
    make_root,
    openssl,
    utcnow,
    write_pem,
)


def issue(ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity,
          not_after: dt.datetime | None = None) -> x509.Certificate:
    return ca.issue(build_csr(signer, subject_for(identity)), identity=identity,
                    not_after=not_after)


def test_openssl_verifies_the_chain_and_rejects_a_revoked_certificate(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity, tmp_path: Path
) -> None:
    kept = issue(ca, keys.get(SignatureAlgorithm.ECDSA_P256_SHA256), identity)
    revoked = issue(ca, keys.get(SignatureAlgorithm.RSA2048_SHA256_PKCS1),
                    holder_of_card(identity, 2))
    ca_pem = write_pem(tmp_path / "ca.pem", ca.certificate)
    kept_pem = write_pem(tmp_path / "kept.pem", kept)
    revoked_pem = write_pem(tmp_path / "revoked.pem", revoked)

    for cert_pem in (kept_pem, revoked_pem):
        result = openssl("verify", "-CAfile", ca_pem, "-purpose", "smimesign", cert_pem)
        assert result.returncode == 0, result.stderr
        assert ": OK" in result.stdout

    status = ca.revoke(revoked.serial_number, x509.ReasonFlags.key_compromise)
    assert status.state is CertificateState.REVOKED
    crl_pem = write_pem(tmp_path / "crl.pem", ca.crl())

    good = openssl("verify", "-CAfile", ca_pem, "-crl_check", "-CRLfile", crl_pem, kept_pem)
    assert good.returncode == 0, good.stderr
    bad = openssl("verify", "-CAfile", ca_pem, "-crl_check", "-CRLfile", crl_pem, revoked_pem)
    assert bad.returncode != 0
    assert "certificate revoked" in bad.stdout + bad.stderr


def test_openssl_rejects_a_certificate_from_another_authority(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity, tmp_path: Path
) -> None:
    other = LocalCertificateAuthority(tmp_path / "other")
    cert = issue(other, signer, identity)
    other.close()
    result = openssl("verify", "-CAfile", write_pem(tmp_path / "ca.pem", ca.certificate),
                     write_pem(tmp_path / "cert.pem", cert))
    assert result.returncode != 0


def test_revocation_status_and_crl(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    cert = issue(ca, signer, identity)
    assert ca.status(cert).state is CertificateState.GOOD
    assert len(list(ca.crl())) == 0

    before = utcnow().replace(microsecond=0)
    ca.revoke(cert.serial_number, x509.ReasonFlags.superseded)
    ca.revoke(cert.serial_number, x509.ReasonFlags.key_compromise)  # the first one stands
    status = ca.status(cert)

    assert status.state is CertificateState.REVOKED
    assert status.reason is x509.ReasonFlags.superseded
    assert status.revoked_at is not None and status.revoked_at >= before
    crl = ca.crl()
    assert crl.is_signature_valid(ca.certificate.public_key())  # type: ignore[arg-type]
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason \
        is x509.ReasonFlags.superseded
    assert crl.next_update_utc is not None and crl.next_update_utc > utcnow()


def test_status_of_certificates_it_never_issued(
    ca: LocalCertificateAuthority, keys: KeyRing, tmp_path: Path
) -> None:
    root, _ = make_root()
    assert ca.status(root).state is CertificateState.UNKNOWN
    with pytest.raises(CaRefusedError) as refused:
        ca.revoke(12345)
    assert refused.value.reason is RefusalReason.UNKNOWN_CERTIFICATE


def test_refuses_garbage_and_tampered_requests(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(b"\x30\x03\x02\x01\x00")
    assert refused.value.reason is RefusalReason.MALFORMED_REQUEST

    der = bytearray(build_csr(signer, subject_for(identity)))
    der[der.index(b"PNOIR-") + 7] ^= 0x01
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(bytes(der))
    assert refused.value.reason is RefusalReason.BAD_SIGNATURE


def test_refuses_keys_the_card_cannot_have(ca: LocalCertificateAuthority) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    request = (x509.CertificateSigningRequestBuilder()
               .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "x")]))
               .sign(key, hashes.SHA256()))
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(request.public_bytes(Encoding.DER))
    assert refused.value.reason is RefusalReason.UNSUPPORTED_KEY


def test_refuses_a_request_for_another_national_code(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    someone_else = dataclasses.replace(identity, national_code="0012345679")
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(build_csr(signer, subject_for(someone_else)), identity=identity)
    assert refused.value.reason is RefusalReason.SUBJECT_MISMATCH


def test_refuses_an_identity_with_a_wrong_check_digit(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    wrong = dataclasses.replace(identity, national_code="0027066907")
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(build_csr(signer, x509.Name([])), identity=wrong)
    assert refused.value.reason is RefusalReason.INVALID_IDENTITY


def test_validity_is_capped_by_not_after_and_by_the_card(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    limit = utcnow().replace(microsecond=0) + dt.timedelta(days=30)
    assert issue(ca, signer, identity, not_after=limit).not_valid_after_utc == limit

    expiry = jdatetime.date.today() + jdatetime.timedelta(days=100)
    soon = dataclasses.replace(holder_of_card(identity, 2), expiry_date=expiry)
    end = issue(ca, signer, soon).not_valid_after_utc
    assert end.date() == expiry.togregorian()

    expired = dataclasses.replace(holder_of_card(identity, 3),
                                  expiry_date=jdatetime.date.today() - jdatetime.timedelta(days=1))
    with pytest.raises(CaRefusedError) as refused:
        issue(ca, signer, expired)
    assert refused.value.reason is RefusalReason.VALIDITY_EMPTY
    with pytest.raises(CaRefusedError) as refused:
        issue(ca, signer, holder_of_card(identity, 4),
              not_after=utcnow() - dt.timedelta(seconds=1))
    assert refused.value.reason is RefusalReason.VALIDITY_EMPTY


def test_subject_comes_from_the_request_without_an_identity(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    cert = ca.issue(build_csr(signer, subject_for(identity)))
    assert cert.subject == subject_for(identity)
    with pytest.raises(CaRefusedError) as refused:
        ca.issue(build_csr(signer, x509.Name([])))
    assert refused.value.reason is RefusalReason.NO_SUBJECT


def test_survives_a_restart(tmp_path: Path, keys: KeyRing, identity: Identity) -> None:
    signer = keys.get(SignatureAlgorithm.ECDSA_P256_SHA256)
    first = LocalCertificateAuthority(tmp_path / "ca")
    kept = issue(first, signer, identity)
    revoked = issue(first, signer, holder_of_card(identity, 2))
    first.revoke(revoked.serial_number, x509.ReasonFlags.cessation_of_operation)
    first_crl = first.crl()
    first.close()

    second = LocalCertificateAuthority(tmp_path / "ca")
    try:
        assert second.certificate == first.certificate
        assert second.status(kept).state is CertificateState.GOOD
        status = second.status(revoked)
        assert status.state is CertificateState.REVOKED
        assert status.reason is x509.ReasonFlags.cessation_of_operation
        number = second.crl().extensions.get_extension_for_class(x509.CRLNumber).value
        assert number.crl_number > first_crl.extensions.get_extension_for_class(
            x509.CRLNumber).value.crl_number
        issue(second, signer, holder_of_card(identity, 3)).verify_directly_issued_by(
            first.certificate)
    finally:
        second.close()

    database = tmp_path / "ca" / DATABASE_FILE
    assert stat.S_IMODE(database.stat().st_mode) == 0o600  # it holds the authority's key
    assert b"PRIVATE KEY" not in repr(second).encode()


def test_two_instances_share_one_directory(
    tmp_path: Path, signer: SoftwareSigner, identity: Identity
) -> None:
    with LocalCertificateAuthority(tmp_path / "ca") as one, \
            LocalCertificateAuthority(tmp_path / "ca") as two:
        assert one.certificate == two.certificate
        cert = issue(one, signer, identity)
        two.revoke(cert.serial_number)
        assert one.status(cert).state is CertificateState.REVOKED
        numbers = [ca.crl().extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
                   for ca in (one, two, one)]
        assert numbers == sorted(set(numbers))


def test_unavailable_when_the_store_cannot_be_opened(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    with pytest.raises(CaUnavailableError) as caught:
        LocalCertificateAuthority(blocker)
    assert caught.value.reason is UnavailableReason.STORE_UNOPENABLE

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / DATABASE_FILE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(CaUnavailableError) as caught:
        LocalCertificateAuthority(damaged)
    assert caught.value.reason is UnavailableReason.STORE_FAILED
    assert "BEGIN" not in str(caught.value)


def test_injected_faults(
    ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity
) -> None:
    request = build_csr(signer, subject_for(identity))
    ca.fail_next(Fault.UNAVAILABLE)
    with pytest.raises(CaUnavailableError) as down:
        ca.issue(request, identity=identity)
    assert down.value.reason is UnavailableReason.UNREACHABLE
    cert = ca.issue(request, identity=identity)  # one fault, then back to normal

    ca.fail_next(Fault.REFUSE, times=2)
    for _ in range(2):
        with pytest.raises(CaRefusedError) as refused:
            ca.status(cert)
        assert refused.value.reason is RefusalReason.INJECTED
    assert ca.status(cert).state is CertificateState.GOOD

    ca.fail_next(Fault.UNAVAILABLE, times=5)
    ca.clear_faults()
    ca.crl()
