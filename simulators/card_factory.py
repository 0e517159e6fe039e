"""SIMULATED card factory: personalizes a card image from the registry's order.

Implements :class:`registry.cards.CardProducer`. What a factory does to a card body:
writes the holder's data groups (identity with the mother's name, the office photo,
the address), the chip key, the security object signed by the (test) issuer's document
signer, two finger references from the enrolled templates, and a fresh PIN letter.
The "card" it ships is the card image JSON the simulated chip runs on; the PIN letter
is JSON too. Both go to the holder's side only: the registry never stores them.
"""

from __future__ import annotations

from apdu.biometric_profile import FINGER_REFERENCES, FingerPosition
from biometric.matcher import MATCH_THRESHOLD
from biometric.quality import MIN_MINUTIAE
from registry.cards import CardOrder, CardProducer, ProducedCard
from simulators.issuer import IssuerPki
from simulators.personalize import FingerEnrolment, PinLetter, personalize

CARD_MEDIA_TYPE = "application/vnd.nidkiosk.card-image+json"


class SimulatedCardFactory(CardProducer):
    """SIMULATOR: no plastic, a card image signed by the test issuer."""

    name = "simulated-card-factory"

    def __init__(self, issuer: IssuerPki) -> None:
        self.issuer = issuer

    def produce(self, order: CardOrder) -> ProducedCard:
        references = list(FINGER_REFERENCES)          # 0x91, 0x92: first, second finger
        fingers = FingerEnrolment(
            templates={ref: template for ref, (_p, template) in zip(references, order.fingers)},
            threshold=MATCH_THRESHOLD, min_minutiae=MIN_MINUTIAE,
            max_minutiae=order.max_minutiae, minutiae_order=order.minutiae_order,
            positions={ref: FingerPosition(int(position))
                       for ref, (position, _t) in zip(references, order.fingers)})
        letter = PinLetter.random()
        image = personalize(order.identity, order.address, order.photo_jpeg, self.issuer,
                            label=f"simulated card {order.identity.card_serial}", pins=letter,
                            fingers=fingers)
        return ProducedCard(order.identity.card_serial, image.to_json().encode("utf-8"),
                            letter.to_json().encode("ascii"), CARD_MEDIA_TYPE)
