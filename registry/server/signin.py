"""The service's half of an operator's sign-in with their national card (``registry.signin``).

What is checked, each failure one refusal (``AccessDenied(SIGN_IN_FAILED)``, audited
with its cause; the refusal itself says nothing more to the device): the challenge is
this device's, unused and unexpired (it is used up by the attempt, whatever the
outcome); the signature verifies over the challenge with the certificate's key; the
certificate chains to the national signature CA (``anchors``), is valid now, is for
signing, and a current CRL of its issuer says it is not revoked; its subject names a
national code; that person is an operator of this device's office
(``NOT_AN_OPERATOR`` otherwise).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography import x509
from sqlalchemy import select

from registry.server.access import DeviceIdentity, token_hash
from registry.service_errors import AccessDenied, AccessRefusal
from registry.signin import Challenge, OperatorSession, SignInProof, challenge_digest
from registry.storage import audit
from registry.storage.database import Database
from registry.storage.models import Operator, SignInChallenge
from registry.storage.models import OperatorSession as SessionRow
from signing import trust
from signing.csr import national_code_of
from signing.signer import verify_digest
from signing.verification import CertificateRole, RevocationStatus

CHALLENGE_LIFETIME = dt.timedelta(minutes=2)
SESSION_LIFETIME = dt.timedelta(hours=8)


@dataclass(frozen=True)
class NationalTrust:
    """The national signature CA: anchors, and where its current CRLs come from."""

    anchors: Sequence[x509.Certificate]
    crls: Callable[[], Sequence[x509.CertificateRevocationList]]


def new_challenge(database: Database, device: DeviceIdentity, now: dt.datetime) -> Challenge:
    nonce = secrets.token_bytes(32)
    expires = now + CHALLENGE_LIFETIME
    with database.write("issue a sign-in challenge") as tx:
        row = SignInChallenge(device_id=device.device_id, nonce=nonce.hex(), created_at=now,
                              expires_at=expires)
        tx.session.add(row)
        tx.session.flush()
        return Challenge(row.id, nonce, device.fingerprint, expires)


def _certificate_problem(certificate: x509.Certificate, national: NationalTrust,
                         now: dt.datetime) -> str | None:
    path = trust.build_path(certificate, [], list(national.anchors))
    if path is None or len(path) < 2:
        return "untrusted"
    if any(trust.validity_problem(c, now, CertificateRole.SIGNER) for c in path):
        return "expired"
    if not trust.path_is_valid(path, list(national.anchors), now):
        return "path-invalid"
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            return "not-for-signing"
    except x509.ExtensionNotFound:
        return "not-for-signing"
    outcome = trust.revocation(certificate, path[1], list(national.crls()), None, now)
    if outcome.status is RevocationStatus.REVOKED:
        return "revoked"
    if outcome.status is not RevocationStatus.GOOD:
        return "revocation-unknown"
    return None


def sign_in(database: Database, device: DeviceIdentity, proof: SignInProof,
            national: NationalTrust | None, now: dt.datetime) -> OperatorSession:
    cause, person_id = _check(database, device, proof, national, now)
    with database.write("open an operator session") as tx:
        session = tx.session
        if cause is not None:
            audit.record(session, actor=f"device:{device.name}", action="operator.refused",
                         subject="operator", subject_id=person_id, at=now, cause=cause,
                         device=device.name)
        else:
            assert person_id is not None
            person = session.get(Operator, person_id)
            assert person is not None
            token = secrets.token_urlsafe(32)
            serial = f"{x509.load_der_x509_certificate(proof.certificate).serial_number:x}"
            held = SessionRow(token_hash=token_hash(token), operator_id=person.id,
                              device_id=device.device_id, certificate_serial=serial[:40],
                              created_at=now, expires_at=now + SESSION_LIFETIME)
            session.add(held)
            session.flush()
            audit.record(session, actor=f"operator:{person.id}", action="operator.sign-in",
                         subject="operator", subject_id=person.id, at=now,
                         device=device.name, session_id=held.id, certificate_serial=serial)
            result = OperatorSession(token, person.id, person.office_id, person.role,
                                     held.expires_at)
    if cause == "not-an-operator":
        raise AccessDenied(AccessRefusal.NOT_AN_OPERATOR)
    if cause is not None:
        raise AccessDenied(AccessRefusal.SIGN_IN_FAILED)
    return result


def _check(database: Database, device: DeviceIdentity, proof: SignInProof,
           national: NationalTrust | None, now: dt.datetime) -> tuple[str | None, int | None]:
    """(cause of refusal or None, the operator's id when known); uses up the challenge."""
    with database.write("use a sign-in challenge") as tx:
        row = tx.session.get(SignInChallenge, proof.challenge_id, with_for_update=True)
        if row is None or row.device_id != device.device_id:
            return "unknown-challenge", None
        if row.used_at is not None:
            return "challenge-used", None
        row.used_at = now
        if row.expires_at <= now:
            return "challenge-expired", None
        challenge = Challenge(row.id, bytes.fromhex(row.nonce), device.fingerprint,
                              row.expires_at)
    if national is None:
        return "no-national-ca", None
    try:
        certificate = x509.load_der_x509_certificate(proof.certificate)
    except ValueError:
        return "malformed-certificate", None
    if not verify_digest(certificate.public_key(), challenge_digest(challenge),
                         proof.signature):
        return "bad-signature", None
    problem = _certificate_problem(certificate, national, now)
    if problem is not None:
        return problem, None
    code = national_code_of(certificate.subject)
    if code is None:
        return "no-national-code", None
    with database.read("find an operator") as session:
        person = session.scalars(select(Operator).where(
            Operator.national_code == code, Operator.office_id == device.office_id,
            Operator.removed_at.is_(None))).first()
    if person is None:
        return "not-an-operator", None
    return None, person.id


def sign_out(database: Database, device: DeviceIdentity, token: str, now: dt.datetime) -> None:
    with database.write("end an operator session") as tx:
        held = tx.session.scalars(select(SessionRow).where(
            SessionRow.token_hash == token_hash(token))).first()
        if held is None or held.device_id != device.device_id:
            raise AccessDenied(AccessRefusal.SESSION_INVALID)
        if held.ended_at is None:
            held.ended_at = now
            audit.record(tx.session, actor=f"operator:{held.operator_id}",
                         action="operator.sign-out", subject="operator",
                         subject_id=held.operator_id, at=now, device=device.name)
