"""Chip authentication: the chip signs our fresh challenge with the key DG15 certifies.

The key comes from DG15 before passive authentication has vouched for it (the
challenge goes out during the read, to keep it one pass), so loading it must survive
anything: a key that does not parse, or of an algorithm we do not know, is a problem
of its own, never an exception. Passive authentication then ties DG15 to the issuer.
"""

from __future__ import annotations

from asn1crypto import core, keys
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from apdu import datagroups
from apdu.errors import ProfileError
from apdu.problems import Problem, ProblemKind

# The profile's chip key is ECDSA P-256; the other NIST curves of ICAO 9303 are accepted.
CHIP_KEY_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})


class _KeyInfo(core.Sequence):
    """SubjectPublicKeyInfo without asn1crypto's per-algorithm parsing of the key."""

    _fields = [("algorithm", keys.PublicKeyAlgorithm), ("public_key", core.Any)]


def _algorithm(spki: bytes) -> str | None:
    """The key algorithm a SubjectPublicKeyInfo names (asn1crypto's name or the OID)."""
    try:
        return str(_KeyInfo.load(spki, strict=True)["algorithm"]["algorithm"].native)
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def load_chip_key(dg15: bytes) -> ec.EllipticCurvePublicKey | Problem:
    """DG15's public key, or CHIP_KEY_MALFORMED / CHIP_KEY_UNSUPPORTED."""
    try:
        spki = datagroups.decode_chip_key(dg15)
        key = serialization.load_der_public_key(spki)
    except ProfileError:
        return Problem(ProblemKind.CHIP_KEY_MALFORMED)
    except UnsupportedAlgorithm:
        return Problem(ProblemKind.CHIP_KEY_UNSUPPORTED, algorithm=_algorithm(spki))
    except ValueError:
        return Problem(ProblemKind.CHIP_KEY_MALFORMED)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return Problem(ProblemKind.CHIP_KEY_UNSUPPORTED, algorithm=_algorithm(spki))
    if key.curve.name not in CHIP_KEY_CURVES:
        return Problem(ProblemKind.CHIP_KEY_UNSUPPORTED, algorithm=key.curve.name)
    return key


def verify_chip_answer(key: ec.EllipticCurvePublicKey, challenge: bytes,
                       answer: bytes) -> Problem | None:
    """None when ``answer`` is the plain ECDSA-SHA256 signature (r||s) of ``challenge``."""
    size = (key.curve.key_size + 7) // 8
    if len(answer) != 2 * size:
        return Problem(ProblemKind.CHIP_AUTH_MALFORMED)
    r = int.from_bytes(answer[:size], "big")
    s = int.from_bytes(answer[size:], "big")
    try:
        key.verify(encode_dss_signature(r, s), challenge, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return Problem(ProblemKind.CHIP_AUTH_FAILED)
    return None
