"""The registry's device CA: one certificate per kiosk, office desk, console and service.

Kiosks stand in public places and never hold database credentials: they prove who they
are with a key of their own and a certificate from this authority, on a mutually
authenticated TLS connection (``registry.server``). The authority is a directory with
an ECDSA P-256 key (mode 0600) and its self-signed certificate; every certificate it
issues is also recorded in the registry database (:class:`registry.storage.models.Device`)
with its role and office, and revoked there: each service process looks the device up
on every request, so a revocation holds fleet-wide at once, without CRL distribution.

Device certificates say what they are for (clientAuth, or serverAuth for a service
process with its host names) and live 397 days by default; keys are made here and
written private, for the device's installer to carry over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from sqlalchemy import select

from registry.api import Role
from registry.clock import Clock, SystemClock
from registry.refusals import InvalidRequest, NotFound
from registry.storage import audit
from registry.storage.database import Database
from registry.storage.models import Device, Office

CA_KEY, CA_CERT = "device-ca.key", "device-ca.crt"
DEVICE_KEY, DEVICE_CERT, DEVICE_CA = "device.key", "device.crt", "ca.crt"
CA_VALIDITY = dt.timedelta(days=10 * 365)
DEVICE_VALIDITY = dt.timedelta(days=397)
_ORGANIZATION = "nidkiosk registry devices"


def write_private(path: Path, content: bytes) -> None:
    """``content`` in a new file readable by its owner only from the first byte, then
    renamed over ``path``."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def fingerprint(certificate_der: bytes) -> str:
    return hashlib.sha256(certificate_der).hexdigest()


@dataclass(frozen=True)
class IssuedDevice:
    """A device's credential as issued: hand ``key_pem`` to the device and nobody else."""

    name: str
    role: Role
    office_id: int | None
    serial: str
    certificate_pem: bytes
    key_pem: bytes
    ca_pem: bytes

    def __repr__(self) -> str:
        return f"IssuedDevice({self.name!r}, {self.role.value}, serial={self.serial})"

    def write(self, directory: Path) -> tuple[Path, Path, Path]:
        """``device.key`` (0600), ``device.crt`` and ``ca.crt`` in ``directory`` (one
        directory per device: what ``registry.remote`` and the service read)."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key, cert, ca = (directory / DEVICE_KEY, directory / DEVICE_CERT, directory / DEVICE_CA)
        write_private(key, self.key_pem)
        cert.write_bytes(self.certificate_pem)
        ca.write_bytes(self.ca_pem)
        return key, cert, ca


class DeviceAuthority:
    """The device CA in ``directory`` (see :meth:`create` and :meth:`open`)."""

    def __init__(self, directory: Path, key: ec.EllipticCurvePrivateKey,
                 certificate: x509.Certificate, clock: Clock | None = None) -> None:
        self.directory = directory
        self._key = key
        self.certificate = certificate
        self.clock = clock or SystemClock()

    def __repr__(self) -> str:
        return f"DeviceAuthority({str(self.directory)!r})"

    @classmethod
    def create(cls, directory: Path, name: str = "nidkiosk registry device CA",
               clock: Clock | None = None) -> DeviceAuthority:
        """A new authority; refuses to overwrite one that exists."""
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if (directory / CA_KEY).exists():
            raise FileExistsError(directory / CA_KEY)
        now = (clock or SystemClock()).now()
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANIZATION),
                             x509.NameAttribute(NameOID.COMMON_NAME, name)])
        public = key.public_key()
        certificate = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + CA_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                         False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256()))
        write_private(directory / CA_KEY, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        (directory / CA_CERT).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        return cls(directory, key, certificate, clock)

    @classmethod
    def open(cls, directory: Path, clock: Clock | None = None) -> DeviceAuthority:
        key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the device CA key is not an EC key")
        certificate = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
        return cls(directory, key, certificate, clock)

    @property
    def ca_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, database: Database, name: str, role: Role, *,
              office_id: int | None = None, hosts: tuple[str, ...] = (),
              valid_for: dt.timedelta = DEVICE_VALIDITY, actor: str = "device-ca"
              ) -> IssuedDevice:
        """A key and certificate for a new device, recorded (and audited) in the registry.

        An office device names its office; a service process (``Role.SERVER``) names the
        host names or addresses clients reach it by.
        """
        _check(name, role, office_id, hosts)
        now = self.clock.now()
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _ORGANIZATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, role.value),
            x509.NameAttribute(NameOID.COMMON_NAME, name)])
        purpose = (ExtendedKeyUsageOID.SERVER_AUTH if role is Role.SERVER
                   else ExtendedKeyUsageOID.CLIENT_AUTH)
        builder = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(self.certificate.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + valid_for)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False,
                                         False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self._key.public_key()), critical=False))
        if hosts:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [_general_name(h) for h in hosts]), critical=False)
        certificate = builder.sign(self._key, hashes.SHA256())
        der = certificate.public_bytes(serialization.Encoding.DER)
        serial = f"{certificate.serial_number:x}"
        with database.write("record a device") as tx:
            if office_id is not None and tx.session.get(Office, office_id) is None:
                raise NotFound("office")
            taken = tx.session.scalar(select(Device.id).where(Device.name == name))
            if taken is not None:
                raise InvalidRequest("name", "a device of this name exists")
            device = Device(name=name, role=role.value, office_id=office_id, serial=serial,
                            fingerprint=fingerprint(der), issued_at=now,
                            not_after=certificate.not_valid_after_utc)
            tx.session.add(device)
            tx.session.flush()
            audit.record(tx.session, actor=actor, action="device.issue", subject="device",
                         subject_id=device.id, at=now, name=name, role=role.value,
                         office_id=office_id, serial=serial)
        return IssuedDevice(name, role, office_id, serial,
                            certificate.public_bytes(serialization.Encoding.PEM),
                            key.private_bytes(serialization.Encoding.PEM,
                                              serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()),
                            self.ca_pem)


def revoke(database: Database, name: str, reason: str = "unspecified", *,
           clock: Clock | None = None, actor: str = "device-ca") -> Device:
    """Revoke a device by name (or certificate serial); every service refuses it from the
    next request on. Revoking twice keeps the first time and reason."""
    now = (clock or SystemClock()).now()
    with database.write("revoke a device") as tx:
        device = tx.session.scalars(select(Device).where(
            (Device.name == name) | (Device.serial == name.lower()))).first()
        if device is None:
            raise NotFound("device")
        if device.revoked_at is None:
            device.revoked_at, device.revoked_reason = now, reason[:32]
            audit.record(tx.session, actor=actor, action="device.revoke", subject="device",
                         subject_id=device.id, at=now, name=device.name, reason=reason[:32])
        tx.session.flush()
        tx.session.expunge(device)
        return device


def devices(database: Database) -> list[Device]:
    with database.read("list devices") as session:
        rows = list(session.scalars(select(Device).order_by(Device.id)))
        for row in rows:
            session.expunge(row)
        return rows


def _check(name: str, role: Role, office_id: int | None, hosts: tuple[str, ...]) -> None:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "-_." for c in name):
        raise InvalidRequest("name", "1-64 letters, digits, - _ .")
    if (role is Role.OFFICE) != (office_id is not None):
        raise InvalidRequest("office", "an office device names its office; others do not")
    if (role is Role.SERVER) != bool(hosts):
        raise InvalidRequest("hosts", "a service certificate names its hosts; others do not")


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
