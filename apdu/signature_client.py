"""Card lifecycle and signature-key operations of the card client.

One primitive on the card: it generates the key pair and signs digests; requests,
certificates and CMS are built in software (``signing/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from apdu import tlv
from apdu.command import CommandApdu, ResponseApdu
from apdu.constants import SW, Ins, Verification
from apdu.errors import (
    ApduError,
    NotVerifiedError,
    ProfileError,
    SecurityStatusNotSatisfiedError,
    SignatureKeyProblem,
    SignatureNotActiveError,
    TlvError,
)
from apdu.profile import (
    EF_SIG_CERT,
    KeyRef,
    SignatureAlgorithmRef,
    SignatureKeyState,
    Tag,
)

if TYPE_CHECKING:
    from apdu.session import CardSession as _Session
else:
    _Session = object

SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


@dataclass(frozen=True)
class SignatureStatus:
    state: SignatureKeyState
    algorithm: SignatureAlgorithmRef | None

    @property
    def active(self) -> bool:
        return self.state is SignatureKeyState.CERTIFIED


def parse_public_key(raw: bytes) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
    """A 7F49 public key template back into a key object."""
    try:
        fields = tlv.decode_single(raw, Tag.PUBLIC_KEY_TEMPLATE).children()
        point = tlv.find(fields, Tag.EC_POINT)
        if point is not None:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point.value)
        n = int.from_bytes(tlv.require(fields, Tag.RSA_MODULUS).value, "big")
        e = int.from_bytes(tlv.require(fields, Tag.RSA_EXPONENT).value, "big")
        return rsa.RSAPublicNumbers(e, n).public_key()
    except (TlvError, ValueError) as exc:
        raise ProfileError(f"public key template is malformed: {exc}") from exc


class SignatureOperations(_Session):
    """Mixed into :class:`apdu.client.NidCard`."""

    _signature_environment: SignatureAlgorithmRef | None = None  # set by MSE, per session

    def activate_card(self) -> None:
        """ACTIVATE FILE: delivery at the office (holder verified by finger or PIN1 first)."""
        self.select_application()
        response = self.send(CommandApdu(0x00, Ins.ACTIVATE_FILE, 0x00, 0x00), "ACTIVATE")
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise NotVerifiedError(Verification.HOLDER)
        response.check("ACTIVATE")

    def signature_status(self) -> SignatureStatus:
        self.select_application()
        raw = self.call(CommandApdu(0x00, Ins.GET_DATA, Tag.SIGNATURE_STATUS >> 8,
                                    Tag.SIGNATURE_STATUS & 0xFF, ne=256), "GET DATA signature")
        try:
            value = tlv.decode_single(raw, Tag.SIGNATURE_STATUS).value
            state = SignatureKeyState(value[0])
            algorithm = SignatureAlgorithmRef(value[1]) if value[1] else None
        except (TlvError, ValueError, IndexError) as exc:
            raise ProfileError(f"signature status is malformed: {exc}") from exc
        return SignatureStatus(state, algorithm)

    def generate_signature_key(
        self, algorithm: SignatureAlgorithmRef, redo: bool = False
    ) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
        """Generate the key pair on the card (PIN1 verified first); returns the public key."""
        self.select_application()
        crt = tlv.build(Tag.CONTROL_REFERENCE_TEMPLATE,
                        [tlv.build(Tag.ALGORITHM_REFERENCE, bytes([algorithm])),
                         tlv.build(Tag.KEY_REFERENCE, bytes([KeyRef.SIGNATURE]))]).encode()
        command = CommandApdu(0x00, Ins.GENERATE_ASYMMETRIC_KEY_PAIR, 0x80, 0x01 if redo else 0,
                              crt, ne=65536)
        try:
            return parse_public_key(self.call(command, "GENERATE ASYMMETRIC KEY PAIR"))
        except SecurityStatusNotSatisfiedError as exc:
            raise NotVerifiedError(Verification.PIN1) from exc

    def read_signature_public_key(self) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
        self.select_application()
        command = CommandApdu(0x00, Ins.GENERATE_ASYMMETRIC_KEY_PAIR, 0x81, 0x00, ne=65536)
        return parse_public_key(self.call(command, "READ PUBLIC KEY"))

    def read_signature_certificate(self) -> x509.Certificate | None:
        self.select_application()
        try:
            raw = self.read_file(EF_SIG_CERT)
        except ApduError as exc:
            if exc.sw == SW.FILE_NOT_FOUND:
                return None
            raise
        try:
            return x509.load_der_x509_certificate(raw)
        except ValueError as exc:
            raise ProfileError(f"the signature certificate on the card is malformed: {exc}") \
                from exc

    def write_signature_certificate(self, certificate: x509.Certificate) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding

        self.select_application()
        tag = Tag.CARDHOLDER_CERTIFICATE
        command = CommandApdu(0x00, Ins.PUT_DATA, tag >> 8, tag & 0xFF,
                              certificate.public_bytes(Encoding.DER))
        self.call(command, "PUT DATA certificate")

    def sign_digest(self, digest: bytes,
                    algorithm: SignatureAlgorithmRef | None = None) -> bytes:
        """PSO COMPUTE DIGITAL SIGNATURE over a SHA-256 digest (PIN2 verified).

        The security environment is set once (MSE SET) and kept for the session, so a
        run of signatures costs one APDU each; if the card lost it (power cycle) it is
        set again and the signature retried once. Returns what the card returns: plain
        r||s for ECDSA, the PKCS#1 v1.5 block for RSA.
        """
        if algorithm is None:
            status = self.signature_status()
            if status.algorithm is None or status.state is SignatureKeyState.NONE:
                raise SignatureNotActiveError(SignatureKeyProblem.NO_KEY)
            algorithm = status.algorithm
        data = digest if algorithm is SignatureAlgorithmRef.ECDSA_P256_SHA256 \
            else SHA256_DIGEST_INFO_PREFIX + digest
        command = CommandApdu(0x00, Ins.PERFORM_SECURITY_OPERATION, 0x9E, 0x9A, data, ne=65536)
        if self._signature_environment == algorithm:
            response = self.send(command, "PSO COMPUTE DIGITAL SIGNATURE")
            if response.sw != SW.CONDITIONS_NOT_SATISFIED:
                return self._signature_or_error(response)
        self.select_application()
        env = [tlv.build(Tag.KEY_REFERENCE, bytes([KeyRef.SIGNATURE])),
               tlv.build(Tag.ALGORITHM_REFERENCE, bytes([algorithm]))]
        self.call(CommandApdu(0x00, Ins.MANAGE_SECURITY_ENVIRONMENT, 0x41, 0xB6,
                              b"".join(t.encode() for t in env)), "MSE SET")
        self._signature_environment = algorithm
        return self._signature_or_error(self.send(command, "PSO COMPUTE DIGITAL SIGNATURE"))

    @staticmethod
    def _signature_or_error(response: ResponseApdu) -> bytes:
        if response.sw == SW.SECURITY_STATUS_NOT_SATISFIED:
            raise NotVerifiedError(Verification.PIN2)
        if response.sw == SW.CONDITIONS_NOT_SATISFIED:
            raise SignatureNotActiveError(SignatureKeyProblem.CANNOT_SIGN)
        return response.check("PSO COMPUTE DIGITAL SIGNATURE")
