"""The card client against the simulated chip in-process (the e2e tests add pcscd)."""

import datetime as dt

import pytest

from apdu.authenticity import Verdict
from apdu.client import NidCard
from apdu.errors import ApduError
from apdu.transport import DirectTransport
from simulators.card import CardStore, SimulatedChip
from simulators.forgery import Forgery, forge


def card_for(image, atr=None) -> NidCard:
    chip = SimulatedChip(CardStore(image))
    return NidCard(DirectTransport(chip.process, atr if atr is not None else chip.atr))


def test_genuine_card_reads_in_few_apdus(cards, issuer):
    image = cards.image(11)
    reading = card_for(image).read_identity([issuer.csca])
    assert reading.authenticity.verdict is Verdict.GENUINE, reading.authenticity.problems
    assert reading.apdu_count <= 12
    assert reading.contents.photo_jpeg.startswith(b"\xff\xd8")
    assert 15_000 <= len(reading.contents.photo_jpeg) <= 25_000


def test_short_apdus_when_the_card_does_not_offer_extended_length(cards, issuer):
    card = card_for(cards.image(12), atr=bytes.fromhex("3B8080018100"))
    reading = card.read_identity([issuer.csca])
    assert reading.authenticity.genuine
    assert reading.apdu_count > 60  # the photo comes 256 bytes at a time


@pytest.mark.parametrize("kind, verdict", [
    (Forgery.DATA_TAMPERED, Verdict.DATA_TAMPERED),
    (Forgery.SECURITY_OBJECT_TAMPERED, Verdict.SECURITY_OBJECT_INVALID),
    (Forgery.UNKNOWN_ISSUER, Verdict.UNKNOWN_ISSUER),
    (Forgery.EXPIRED_SIGNER, Verdict.SIGNER_EXPIRED),
    (Forgery.CLONED_CHIP, Verdict.CLONED_CHIP),
])
def test_each_forgery_has_its_own_verdict(cards, issuer, kind, verdict):
    forged = forge(cards.image(13), kind, issuer)
    reading = card_for(forged).read_identity([issuer.csca])
    report = reading.authenticity
    assert report.verdict is verdict, report.problems
    assert report.problems[0].verdict is verdict
    assert reading.contents is None  # nothing a face could show as if it were good


def test_expired_trust_anchor_and_future_clock(cards, issuer):
    image = cards.image(14)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=20 * 365)
    report = card_for(image).read_identity([issuer.csca], now=later).authenticity
    assert report.verdict is Verdict.UNKNOWN_ISSUER  # the CSCA itself has expired by then


def test_no_trust_anchor_at_all(cards):
    report = card_for(cards.image(15)).read_identity([]).authenticity
    assert report.verdict is Verdict.UNKNOWN_ISSUER


def test_garbage_security_object(cards, issuer):
    image = cards.image(16)
    image.files[0x011D] = b"\x77\x03\x30\x01\x00"
    report = card_for(image).read_identity([issuer.csca]).authenticity
    assert report.verdict is Verdict.SECURITY_OBJECT_INVALID


def test_a_card_without_the_application(cards):
    image = cards.image(17)
    image.aid = bytes.fromhex("A000000001")
    with pytest.raises(ApduError, match="6A82"):
        card_for(image).read_contents()
