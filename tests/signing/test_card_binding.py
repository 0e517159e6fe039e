"""One live certificate per card, supersession, idempotent reissue, and opening without creating."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from citizen.identity import Identity
from signing import ca_profile
from signing.ca import LocalCertificateAuthority
from signing.ca_store import DATABASE_FILE
from signing.card_binding import CardBinding
from signing.csr import build_csr, subject_for
from signing.errors import (
    CaNotFoundError,
    CaRefusedError,
    CaUnavailableError,
    RefusalReason,
    UnavailableReason,
)
from signing.signer import SignatureAlgorithm, SoftwareSigner
from signing.status import CertificateState
from tests.signing.helpers import KeyRing, holder_of_card, new_card_of, utcnow

EC = SignatureAlgorithm.ECDSA_P256_SHA256


def issue(ca: LocalCertificateAuthority, signer: SoftwareSigner, identity: Identity,
          supersede: bool = False) -> x509.Certificate:
    return ca.issue(build_csr(signer, subject_for(identity)), identity=identity,
                    supersede=supersede)


def live(ca: LocalCertificateAuthority, card_serial: str) -> list[x509.Certificate]:
    return [c.certificate for c in ca.certificates_of_card(card_serial)
            if c.status.state is CertificateState.GOOD]


def test_a_second_key_for_the_same_card_is_refused(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    first = issue(ca, keys.get(EC, 0), identity)
    with pytest.raises(CaRefusedError) as refused:
        issue(ca, keys.get(EC, 1), identity)
    assert refused.value.reason is RefusalReason.ALREADY_CERTIFIED
    assert refused.value.serial == first.serial_number
    assert live(ca, identity.card_serial) == [first]


def test_the_same_key_again_gets_the_certificate_already_issued(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    """A resumed activation whose journal was lost must not create a second certificate."""
    first = issue(ca, keys.get(EC, 0), identity)
    again = issue(ca, keys.get(EC, 0), identity)
    resumed = issue(ca, keys.get(EC, 0), identity, supersede=True)
    assert again == first == resumed
    assert len(ca.certificates_of_card(identity.card_serial)) == 1


def test_supersede_revokes_the_old_certificate_in_the_same_transaction(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    first = issue(ca, keys.get(EC, 0), identity)
    second = issue(ca, keys.get(EC, 1), identity, supersede=True)
    assert live(ca, identity.card_serial) == [second]
    status = ca.status(first)
    assert status.state is CertificateState.REVOKED
    assert status.reason is x509.ReasonFlags.superseded
    entry = ca.crl().get_revoked_certificate_by_serial_number(first.serial_number)
    assert entry is not None


def test_a_refused_supersession_revokes_nothing(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    first = issue(ca, keys.get(EC, 0), identity)
    stranger = dataclasses.replace(holder_of_card(identity, 5), card_serial=identity.card_serial)
    with pytest.raises(CaRefusedError) as refused:
        issue(ca, keys.get(EC, 1), stranger, supersede=True)
    assert refused.value.reason is RefusalReason.CARD_SERIAL_CONFLICT
    assert live(ca, identity.card_serial) == [first]  # a stranger's certificate stays


def test_a_newer_card_supersedes_the_holders_older_card(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    old = issue(ca, keys.get(EC, 0), identity)
    duplicate = new_card_of(identity, 7, issued_days_later=30)
    new = issue(ca, keys.get(EC, 1), duplicate)
    assert live(ca, identity.card_serial) == []
    assert ca.status(old).reason is x509.ReasonFlags.superseded
    assert live(ca, duplicate.card_serial) == [new]
    with pytest.raises(CaRefusedError) as refused:  # the voided older card, shown again
        issue(ca, keys.get(EC, 2), identity, supersede=True)
    assert refused.value.reason is RefusalReason.NEWER_CARD_CERTIFIED
    assert refused.value.serial == new.serial_number


def test_revoked_and_expired_certificates_do_not_count(
    ca: LocalCertificateAuthority, keys: KeyRing, identity: Identity
) -> None:
    revoked = issue(ca, keys.get(EC, 0), identity)
    ca.revoke(revoked.serial_number, x509.ReasonFlags.key_compromise)
    current = issue(ca, keys.get(EC, 1), identity)
    binding = CardBinding.of(identity)
    with ca._store.issuance() as records:  # the query the rule runs, at two moments
        assert [c.serial for c in records.live(binding, utcnow())] == [current.serial_number]
        later = current.not_valid_after_utc + dt.timedelta(seconds=1)
        assert records.live(binding, later) == []


def test_two_kiosks_at_once_give_the_card_one_certificate(
    tmp_path: Path, keys: KeyRing, identity: Identity
) -> None:
    LocalCertificateAuthority(tmp_path / "ca").close()
    requests = [build_csr(keys.get(EC, n), subject_for(identity)) for n in range(4)]
    outcomes: list[object] = []
    start = threading.Barrier(len(requests))

    def kiosk(request: bytes) -> None:
        with LocalCertificateAuthority(tmp_path / "ca") as ca:
            start.wait()
            try:
                outcomes.append(ca.issue(request, identity=identity))
            except CaRefusedError as exc:
                outcomes.append(exc.reason)

    threads = [threading.Thread(target=kiosk, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    issued = [o for o in outcomes if isinstance(o, x509.Certificate)]
    assert len(issued) == 1
    assert outcomes.count(RefusalReason.ALREADY_CERTIFIED) == len(requests) - 1


def test_open_existing_never_creates(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    for read_only in (False, True):
        with pytest.raises(CaNotFoundError) as caught:
            LocalCertificateAuthority.open_existing(missing, read_only=read_only)
        assert caught.value.directory == missing
    assert not missing.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CaNotFoundError):
        LocalCertificateAuthority.open_existing(empty)
    assert list(empty.iterdir()) == []


def test_read_only_answers_status_and_changes_nothing(
    tmp_path: Path, keys: KeyRing, identity: Identity
) -> None:
    with LocalCertificateAuthority(tmp_path / "ca") as ca:
        cert = issue(ca, keys.get(EC, 0), identity)
    database = tmp_path / "ca" / DATABASE_FILE
    before = database.read_bytes()
    database.chmod(0o400)  # a relying party that may not write there at all
    try:
        with LocalCertificateAuthority.open_existing(tmp_path / "ca", read_only=True) as view:
            assert view.certificate.subject == ca.certificate.subject
            assert view.status(cert).state is CertificateState.GOOD
            for operation in (view.crl, lambda: view.revoke(cert.serial_number),
                              lambda: issue(view, keys.get(EC, 1), holder_of_card(identity, 1))):
                with pytest.raises(CaUnavailableError) as caught:
                    operation()
                assert caught.value.reason is UnavailableReason.READ_ONLY
    finally:
        database.chmod(0o600)
    assert database.read_bytes() == before
    with LocalCertificateAuthority.open_existing(tmp_path / "ca") as writable:
        writable.revoke(cert.serial_number)
        assert writable.status(cert).state is CertificateState.REVOKED


SCHEMA_1 = """
CREATE TABLE authority (id INTEGER NOT NULL, schema_version INTEGER NOT NULL,
  key_pem BLOB NOT NULL, certificate_der BLOB NOT NULL, crl_number INTEGER NOT NULL,
  created_at DATETIME NOT NULL, PRIMARY KEY (id));
CREATE TABLE certificates (serial VARCHAR(48) NOT NULL, subject VARCHAR NOT NULL,
  certificate_der BLOB NOT NULL, issued_at DATETIME NOT NULL, not_after DATETIME NOT NULL,
  revoked_at DATETIME, revocation_reason VARCHAR(32), PRIMARY KEY (serial));
"""


def test_a_store_of_the_first_schema_is_brought_up_to_date(
    tmp_path: Path, keys: KeyRing, identity: Identity
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = ca_profile.ca_certificate(key, ca_profile.authority_name("Old"), utcnow(),
                                     dt.timedelta(days=365))
    directory = tmp_path / "old"
    directory.mkdir()
    with sqlite3.connect(directory / DATABASE_FILE) as db:
        db.executescript(SCHEMA_1)
        db.execute("INSERT INTO authority VALUES (1, 1, ?, ?, 4, '2025-01-01 00:00:00')",
                   (key.private_bytes(serialization.Encoding.PEM,
                                      serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()),
                    cert.public_bytes(serialization.Encoding.DER)))
    with LocalCertificateAuthority.open_existing(directory) as ca:
        assert ca.certificate == cert
        issued = issue(ca, keys.get(EC, 0), identity)
        assert live(ca, identity.card_serial) == [issued]
        number = ca.crl().extensions.get_extension_for_class(x509.CRLNumber).value
        assert number.crl_number == 5
