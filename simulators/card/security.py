"""Chip authentication (INTERNAL AUTHENTICATE) and GET CHALLENGE.

The chip signs the terminal's challenge with its own private key, which no
command reads out; the public key is in DG15, covered by the security object, so a
copy of the files onto another chip cannot answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.profile import KeyRef
from simulators.card.files import select_application_required
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip

CHIP_KEY_SECRET = "chip_auth_key"
MIN_CHALLENGE, MAX_CHALLENGE = 8, 64
_key_cache: dict[bytes, ec.EllipticCurvePrivateKey] = {}


def chip_key(chip: SimulatedChip) -> ec.EllipticCurvePrivateKey:
    der = chip.image.secrets.get(CHIP_KEY_SECRET)
    if der is None:
        raise CardStatus(SW.REFERENCE_NOT_FOUND)
    key = _key_cache.get(der)
    if key is None:
        loaded = serialization.load_der_private_key(der, None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise CardStatus(SW.REFERENCE_DATA_NOT_USABLE)
        key = _key_cache[der] = loaded
    return key


def plain_signature(key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """ECDSA with SHA-256, as r || s of fixed length (BSI TR-03111 plain format)."""
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def internal_authenticate(chip: SimulatedChip, command: CommandApdu) -> bytes:
    select_application_required(chip)
    if command.p1 != 0x00 or command.p2 not in (0x00, KeyRef.CHIP_AUTH):
        raise CardStatus(SW.INCORRECT_P1P2)
    if not MIN_CHALLENGE <= len(command.data) <= MAX_CHALLENGE:
        raise CardStatus(SW.WRONG_LENGTH)
    return plain_signature(chip_key(chip), command.data)


def get_challenge(chip: SimulatedChip, command: CommandApdu) -> bytes:
    if command.p1 or command.p2:
        raise CardStatus(SW.INCORRECT_P1P2)
    if command.data or command.ne is None or command.ne > 64:
        raise CardStatus(SW.WRONG_LENGTH)
    chip.session.challenge = chip.random(command.ne)
    return chip.session.challenge


HANDLERS = {Ins.INTERNAL_AUTHENTICATE: internal_authenticate, Ins.GET_CHALLENGE: get_challenge}
