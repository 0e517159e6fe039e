"""Fixtures for the signing tests: keys made once per session, a fresh authority per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jdatetime
import pytest
from cryptography import x509

from citizen.identity import Gender, Identity
from signing.ca import LocalCertificateAuthority
from signing.signer import SignatureAlgorithm, SoftwareSigner
from simulators.card import CardImage
from simulators.issuer import IssuerPki
from tests.conftest import CardFactory
from tests.signing.cards import SEED
from tests.signing.helpers import KeyRing

ALGORITHMS = list(SignatureAlgorithm)


@pytest.fixture(scope="session")
def keys() -> KeyRing:
    return KeyRing()


@pytest.fixture(params=ALGORITHMS, ids=[a.name for a in ALGORITHMS])
def algorithm(request: pytest.FixtureRequest) -> SignatureAlgorithm:
    return request.param


@pytest.fixture
def signer(keys: KeyRing, algorithm: SignatureAlgorithm) -> SoftwareSigner:
    return keys.get(algorithm)


@pytest.fixture(scope="session")
def identity() -> Identity:
    """A holder whose card is valid for years from today (fixed data, valid national code)."""
    today = jdatetime.date.today()
    return Identity(
        given_name="کوروش", surname="امینی", father_name="محسن", national_code="0027066908",
        birth_date=jdatetime.date(1370, 8, 22), gender=Gender.MALE,
        birth_certificate_number="0027066908", birth_certificate_serial="93-د-619869",
        card_serial="1L0513214", issue_date=today.replace(year=today.year - 1, day=1),
        expiry_date=today.replace(year=today.year + 6, day=1),
    )


@pytest.fixture
def ca(tmp_path: Path) -> Iterator[LocalCertificateAuthority]:
    authority = LocalCertificateAuthority(tmp_path / "ca")
    yield authority
    authority.close()


@pytest.fixture(scope="module")
def genuine_image(cards: CardFactory) -> CardImage:
    """A personalized, genuine card of the activation tests' holder (issued by the test CSCA)."""
    return cards.image(SEED)


@pytest.fixture
def anchors(issuer: IssuerPki) -> list[x509.Certificate]:
    """The trust anchors an activation checks cards against: the test issuer's CSCA."""
    return [issuer.csca]
