"""What the PIN policy needs to know about the holder, read from the card's DG1.

Only for refusing guessable PINs (birth year, national code): nothing is decided on
this data, so it need not be verified first.
"""

from __future__ import annotations

from apdu import datagroups
from apdu.client import NidCard
from apdu.errors import CardError
from apdu.profile import DATA_GROUP_FILES, DataGroup
from kiosk.flows.situation import CardSituation, survey
from kiosk.pin_policy import Holder


def survey_with_holder(card: NidCard) -> tuple[CardSituation, Holder]:
    """What the card allows now, and what the PIN policy needs: the first look of the
    flows that will ask for a new PIN."""
    return survey(card), holder_of(card)


def holder_of(card: NidCard) -> Holder:
    try:
        identity = datagroups.decode_identity(
            card.read_file(DATA_GROUP_FILES[DataGroup.IDENTITY]))
    except CardError:
        return Holder()
    return Holder(identity.birth_date, identity.national_code)
