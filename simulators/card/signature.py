"""The signature key: on-card generation, the security environment, signing, certificate.

The private key is generated on the chip and no command reads it. Generating over a
certified key is refused unless the activation is explicitly redone (P2 = 01).
The chip checks that a certificate it is given carries its own public key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils

from apdu import tlv
from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.errors import TlvError
from apdu.pins import PinRef
from apdu.profile import (
    EF_SIG_CERT,
    KeyRef,
    Lifecycle,
    SignatureAlgorithmRef,
    SignatureKeyState,
    Tag,
)
from simulators.card.files import select_application_required
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip
    from simulators.card.image import CardImage

SIG_KEY_SECRET = "sig.key"
SIG_STATE = "sig.state"
SIG_ALGORITHM = "sig.alg"
GENERATE, READ_PUBLIC_KEY = 0x80, 0x81
P2_NORMAL, P2_REDO = 0x00, 0x01
SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
_key_cache: dict[bytes, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey] = {}


def key_state(image: CardImage) -> SignatureKeyState:
    return SignatureKeyState(image.counters.get(SIG_STATE, SignatureKeyState.NONE))


def _private_key(image: CardImage) -> ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey:
    der = image.secrets[SIG_KEY_SECRET]
    key = _key_cache.get(der)
    if key is None:
        loaded = serialization.load_der_private_key(der, None)
        assert isinstance(loaded, (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey))
        key = _key_cache[der] = loaded
    return key


def public_key_template(key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey) -> bytes:
    """ISO 7816-8 public key data object: 7F49 { 86 point } or 7F49 { 81 n, 82 e }."""
    if isinstance(key, ec.EllipticCurvePublicKey):
        point = key.public_bytes(serialization.Encoding.X962,
                                 serialization.PublicFormat.UncompressedPoint)
        children = [tlv.build(Tag.EC_POINT, point)]
    else:
        numbers = key.public_numbers()
        children = [
            tlv.build(Tag.RSA_MODULUS, numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8,
                                                          "big")),
            tlv.build(Tag.RSA_EXPONENT, numbers.e.to_bytes(3, "big")),
        ]
    return tlv.build(Tag.PUBLIC_KEY_TEMPLATE, children).encode()


def _require_holder(chip: SimulatedChip) -> None:
    if PinRef.PIN1.name not in chip.session.verified:
        raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)


def _algorithm_from(data: bytes) -> SignatureAlgorithmRef:
    try:
        crt = tlv.decode_single(data, Tag.CONTROL_REFERENCE_TEMPLATE).children()
        return SignatureAlgorithmRef(tlv.require(crt, Tag.ALGORITHM_REFERENCE).value[0])
    except (TlvError, ValueError, IndexError):
        raise CardStatus(SW.WRONG_DATA) from None


def generate_key_pair(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    image = chip.image
    if command.p1 == READ_PUBLIC_KEY:
        if command.p2 != P2_NORMAL or command.data:
            raise CardStatus(SW.INCORRECT_P1P2)
        if key_state(image) is SignatureKeyState.NONE:
            raise CardStatus(SW.REFERENCE_NOT_FOUND)
        return public_key_template(_private_key(image).public_key())
    if command.p1 != GENERATE or command.p2 not in (P2_NORMAL, P2_REDO):
        raise CardStatus(SW.INCORRECT_P1P2)
    if image.lifecycle not in (Lifecycle.ACTIVE, Lifecycle.SIGNATURE_ACTIVE):
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)  # not delivered, blocked or terminated
    _require_holder(chip)
    algorithm = _algorithm_from(command.data)
    certified = key_state(image) is SignatureKeyState.CERTIFIED
    if certified != (command.p2 == P2_REDO):
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    if algorithm is SignatureAlgorithmRef.ECDSA_P256_SHA256:
        key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = ec.generate_private_key(
            ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    image.secrets[SIG_KEY_SECRET] = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    image.counters[SIG_STATE] = SignatureKeyState.GENERATED
    image.counters[SIG_ALGORITHM] = algorithm
    image.files.pop(EF_SIG_CERT.fid, None)
    if image.lifecycle is Lifecycle.SIGNATURE_ACTIVE:
        image.lifecycle = Lifecycle.ACTIVE
    chip.store.commit("generate.key")
    chip.session.signature_algorithm = None
    return public_key_template(key.public_key())


def manage_security_environment(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    if command.p1 != 0x41 or command.p2 != 0xB6:  # SET for computation, DST
        raise CardStatus(SW.INCORRECT_P1P2)
    try:
        objects = tlv.decode_all(command.data)
        key_ref = tlv.require(objects, Tag.KEY_REFERENCE).value
        algorithm = tlv.require(objects, Tag.ALGORITHM_REFERENCE).value
    except TlvError:
        raise CardStatus(SW.WRONG_DATA) from None
    if key_ref != bytes([KeyRef.SIGNATURE]):
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    image = chip.image
    if key_state(image) is SignatureKeyState.NONE:
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    if len(algorithm) != 1 or algorithm[0] != image.counters.get(SIG_ALGORITHM):
        raise CardStatus(SW.WRONG_DATA)
    chip.session.signature_algorithm = algorithm[0]
    return b""


def perform_security_operation(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    if (command.p1, command.p2) != (0x9E, 0x9A):  # COMPUTE DIGITAL SIGNATURE only
        raise CardStatus(SW.INCORRECT_P1P2)
    image = chip.image
    if key_state(image) is SignatureKeyState.NONE:
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    if chip.session.signature_algorithm is None:
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)  # no MSE SET in this session
    if PinRef.PIN2.name not in chip.session.verified:
        raise CardStatus(SW.SECURITY_STATUS_NOT_SATISFIED)
    key = _private_key(image)
    data = command.data
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if len(data) != 32:
            raise CardStatus(SW.WRONG_LENGTH)
        der = key.sign(data, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        r, s = utils.decode_dss_signature(der)
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    if len(data) != len(SHA256_DIGEST_INFO_PREFIX) + 32 or not data.startswith(
            SHA256_DIGEST_INFO_PREFIX):
        raise CardStatus(SW.WRONG_DATA)
    return key.sign(data[len(SHA256_DIGEST_INFO_PREFIX):], padding.PKCS1v15(),
                    utils.Prehashed(hashes.SHA256()))


def put_data(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    tag = (command.p1 << 8) | command.p2
    if tag != Tag.CARDHOLDER_CERTIFICATE:
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    _require_holder(chip)
    image = chip.image
    if key_state(image) is not SignatureKeyState.GENERATED:
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    try:
        certificate = x509.load_der_x509_certificate(command.data)
    except ValueError:
        raise CardStatus(SW.WRONG_DATA) from None
    ours = _private_key(image).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    theirs = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if ours != theirs:
        raise CardStatus(SW.WRONG_DATA)  # a certificate for some other key
    image.files[EF_SIG_CERT.fid] = command.data
    image.counters[SIG_STATE] = SignatureKeyState.CERTIFIED
    image.lifecycle = Lifecycle.SIGNATURE_ACTIVE
    chip.store.commit("certificate.write")
    return b""


def signature_status(chip: SimulatedChip) -> bytes:
    image = chip.image
    return tlv.build(Tag.SIGNATURE_STATUS, bytes([key_state(image),
                                                  image.counters.get(SIG_ALGORITHM, 0)])).encode()


HANDLERS = {
    Ins.GENERATE_ASYMMETRIC_KEY_PAIR: generate_key_pair,
    Ins.MANAGE_SECURITY_ENVIRONMENT: manage_security_environment,
    Ins.PERFORM_SECURITY_OPERATION: perform_security_operation,
    Ins.PUT_DATA: put_data,
}
