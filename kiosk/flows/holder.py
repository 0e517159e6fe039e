"""What the PIN policy needs to know about the holder, read from the card's DG1.

Only for refusing guessable PINs (birth year, national code): nothing is decided on
this data, so it need not be verified first.
"""

from __future__ import annotations

from apdu import datagroups
from apdu.client import NidCard
from apdu.errors import CardError
from apdu.profile import DATA_GROUP_FILES, DataGroup
from kiosk.pin_policy import Holder


def holder_of(card: NidCard) -> Holder:
    try:
        identity = datagroups.decode_identity(
            card.read_file(DATA_GROUP_FILES[DataGroup.IDENTITY]))
    except CardError:
        return Holder()
    return Holder(identity.birth_date, identity.national_code)
