"""The forgery kit itself: the genuine recipe is genuine, every forgery can be made,
and a lying chip lies only where told."""

import pytest

from apdu.client import NidCard
from apdu.constants import Ins
from apdu.problems import ProblemKind, Verdict
from apdu.profile import EF_SOD
from apdu.transport import DirectTransport
from simulators.card import CardStore, SimulatedChip
from simulators.forgery import ChipLie, Forgery, LyingChip, SodRecipe, build_sod, forge
from simulators.issuer import IssuerPki


def read(chip, anchors):
    return NidCard(DirectTransport(chip.process, chip.atr)).read_identity(anchors, photo=False)


@pytest.mark.parametrize("by_key_identifier", [False, True])
def test_the_default_recipe_builds_a_genuine_security_object(cards, issuer, by_key_identifier):
    """Either way RFC 5652 lets a SignerInfo name its certificate reads genuine."""
    image = cards.image(81)
    groups = {n: image.files[fid] for n, fid in ((1, 0x0101), (2, 0x0102), (11, 0x010B),
                                                 (15, 0x010F))}
    recipe = SodRecipe(groups, by_key_identifier=by_key_identifier)
    image.files[EF_SOD.fid] = build_sod(recipe, issuer)
    reading = read(SimulatedChip(CardStore(image)), [issuer.csca])
    assert reading.authenticity.verdict is Verdict.GENUINE, reading.authenticity.problems


@pytest.mark.parametrize("kind", [k for k in Forgery if k is not Forgery.EXPIRED_SIGNER])
def test_every_forgery_can_be_made_without_the_issuer(cards, kind):
    """As ``nidkiosk sim forge`` does: signed by a throwaway PKI, never genuine."""
    forged = forge(cards.image(82), kind)
    reading = read(SimulatedChip(CardStore(forged)), [cards.issuer.csca])
    assert not reading.genuine and reading.contents is None


def test_the_expired_signer_needs_the_issuer(cards):
    with pytest.raises(ValueError):
        forge(cards.image(83), Forgery.EXPIRED_SIGNER)


def test_a_throwaway_issuer_is_not_the_real_one(cards):
    assert IssuerPki.create("Forged CSCA").csca.subject != cards.issuer.csca.subject


def test_a_lying_chip_lies_only_where_told(cards, issuer):
    image = cards.image(84)
    chip = LyingChip.about_chip_authentication(image, ChipLie.ZERO)
    reading = read(chip, [issuer.csca])
    assert [p.kind for p in reading.authenticity.problems] == [ProblemKind.CHIP_AUTH_FAILED]
    assert reading.files.groups[1] == image.files[0x0101]
    assert chip.lies == {Ins.INTERNAL_AUTHENTICATE: b"\x00" * 64 + b"\x90\x00"}
