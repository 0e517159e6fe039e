"""The fee schedules in force, as data: one entry per date of effect.

To add a year's figures, append a ``CardFeeSchedule`` or an ``OfficeTariffSchedule``
with its date of effect to the tuples below; nothing else changes. Dates of effect are
Farvardin 1 of the year the source names (the articles give the year, not the day).
"""

from __future__ import annotations

import jdatetime

from registry.fees import (
    CardFeeSchedule,
    FeeBook,
    FeeItem,
    OfficeTariffSchedule,
    Rial,
    Shares,
    Tariff,
    office_tariff_of,
    toman,
)

CARD_FEES_1396 = CardFeeSchedule(
    effective_from=jdatetime.date(1396, 1, 1),
    first_card=toman(20_000),     # issuance, paid online at pre-registration
    renewal=toman(20_000),
    duplicates=(toman(20_000),),  # the 1396 guide names one issuance fee for everyone
    replacement=toman(20_000),
    signature_activation=None,
    total_cap=toman(31_000),      # "at most 31,000 toman in all"; more is an offence
    source="1396 guide: 20,000 issuance + at most 9,000 completion + 2,000 delivery (toman)",
)

CARD_FEES_1402 = CardFeeSchedule(
    effective_from=jdatetime.date(1402, 1, 1),
    first_card=toman(60_000),
    renewal=toman(60_000),        # not in the table: priced as a first smart-card registration
    duplicates=(toman(72_000), toman(120_000), toman(180_000)),  # 1st, 2nd, 3rd and later
    replacement=toman(50_000),    # after a change of printed data, or damage
    signature_activation=toman(40_000),
    source="schedule approved 1402 (toman)",
)

OFFICE_TARIFFS_1396 = OfficeTariffSchedule(
    effective_from=jdatetime.date(1396, 1, 1),
    tariffs={
        FeeItem.OFFICE_REGISTRATION: Tariff(toman(9_000), Shares(office=toman(9_000)),
                                            maximum=True),
        FeeItem.OFFICE_DELIVERY: Tariff(toman(2_000), Shares(office=toman(2_000))),
    },
    source="1396 guide: completion at most 9,000 toman, delivery 2,000 toman",
)

OFFICE_TARIFFS_1402 = OfficeTariffSchedule(
    effective_from=jdatetime.date(1402, 1, 1),
    tariffs={  # office share, supply share, NIX share, final (rial)
        FeeItem.OFFICE_REGISTRATION: office_tariff_of(235_143, 21_000, 3_820, 259_963),
        FeeItem.OFFICE_DELIVERY: office_tariff_of(47_259, 21_000, 3_820, 72_079),
        FeeItem.OFFICE_PIN_CHANGE: office_tariff_of(54_974, 21_000, 3_820, 79_794),
        FeeItem.OFFICE_RECEIPT_REISSUE: office_tariff_of(80_084, 21_000, 3_820, 104_904),
        FeeItem.OFFICE_UNBLOCK: office_tariff_of(51_158, 21_000, 3_820, 75_978),
        FeeItem.OFFICE_CARD_REISSUE: office_tariff_of(250_472, 21_000, 3_820, 275_292),
    },
    pin_change_new_birth_certificate=Rial(23_400),
    source="office tariffs (rial), VAT excluded, postage extra",
)

CARD_FEE_SCHEDULES = (CARD_FEES_1396, CARD_FEES_1402)
OFFICE_TARIFF_SCHEDULES = (OFFICE_TARIFFS_1396, OFFICE_TARIFFS_1402)

FEE_BOOK = FeeBook(CARD_FEE_SCHEDULES, OFFICE_TARIFF_SCHEDULES)
"""The registry's fee book: every schedule above, picked by date."""
