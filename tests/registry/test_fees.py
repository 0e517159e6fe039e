"""Every fee and tariff row of the brief, exactly, on explicit dates."""

import jdatetime
import pytest

from registry.eligibility import ApplicationKind, Basis, Eligible
from registry.errors import FeeNotDefined, RegistryError
from registry.fee_schedules import (
    CARD_FEE_SCHEDULES,
    CARD_FEES_1402,
    FEE_BOOK,
    OFFICE_TARIFF_SCHEDULES,
    OFFICE_TARIFFS_1402,
)
from registry.fees import (
    OFFICE_SERVICES,
    CardFeeSchedule,
    FeeBook,
    FeeItem,
    OfficeTariffSchedule,
    Receipt,
    Rial,
    Shares,
    Tariff,
    Unit,
    amount_digits,
    office_tariff_of,
    toman,
)

D = jdatetime.date
IN_1396 = D(1396, 6, 1)
IN_1403 = D(1403, 5, 1)
K = ApplicationKind


def test_money_is_integer_rial():
    assert toman(60_000) == 600_000 and isinstance(toman(1), int)
    assert toman(31_000) == Rial(310_000)


# card fees ---------------------------------------------------------------------------

def test_1396_schedule():
    assert FEE_BOOK.card_fee(K.FIRST_CARD, IN_1396) == toman(20_000)
    assert FEE_BOOK.office_tariff(FeeItem.OFFICE_REGISTRATION, IN_1396).final == toman(9_000)
    assert FEE_BOOK.office_tariff(FeeItem.OFFICE_REGISTRATION, IN_1396).maximum
    assert FEE_BOOK.office_tariff(FeeItem.OFFICE_DELIVERY, IN_1396).final == toman(2_000)
    # 20,000 + at most 9,000 + 2,000 = at most 31,000 toman in all
    assert FEE_BOOK.journey_maximum(IN_1396) == toman(31_000)
    assert FEE_BOOK.card_schedule(IN_1396).total_cap == toman(31_000)
    for kind in K:
        assert FEE_BOOK.card_fee(kind, IN_1396, duplicate_number=1) == toman(20_000)


@pytest.mark.parametrize("kind, n, amount_toman", [
    (K.FIRST_CARD, 0, 60_000),
    (K.DUPLICATE, 1, 72_000),
    (K.DUPLICATE, 2, 120_000),
    (K.DUPLICATE, 3, 180_000),
    (K.DUPLICATE, 4, 180_000),     # "third and later"
    (K.DUPLICATE, 11, 180_000),
    (K.REPLACEMENT, 0, 50_000),    # change of data or damage
    (K.RENEWAL_REQUIRED, 0, 60_000),
    (K.RENEWAL_OPTIONAL, 0, 60_000),
])
def test_1402_schedule(kind, n, amount_toman):
    assert FEE_BOOK.card_fee(kind, IN_1403, n) == toman(amount_toman)


def test_signature_activation_is_40000_toman_from_1402_only():
    assert FEE_BOOK.signature_activation_fee(IN_1403) == toman(40_000)
    receipt = FEE_BOOK.signature_receipt(IN_1403)
    assert receipt.total == 400_000 and receipt.shares == Shares(treasury=Rial(400_000))
    assert receipt.lines[0].item is FeeItem.SIGNATURE_ACTIVATION
    with pytest.raises(FeeNotDefined) as info:
        FEE_BOOK.signature_activation_fee(IN_1396)
    assert info.value.item is FeeItem.SIGNATURE_ACTIVATION and info.value.on == IN_1396


def test_a_duplicate_has_a_number():
    with pytest.raises(ValueError):
        FEE_BOOK.card_fee(K.DUPLICATE, IN_1403, 0)


@pytest.mark.parametrize("on, schedule_year", [
    (D(1395, 12, 30), None),       # before the first schedule known
    (D(1396, 1, 1), 1396),         # its first day
    (D(1401, 12, 29), 1396),       # the last day of 1401 (not leap): still 1396's figures
    (D(1402, 1, 1), 1402),
    (D(1403, 12, 30), 1402),
])
def test_the_schedule_in_effect_is_picked_by_date(on, schedule_year):
    if schedule_year is None:
        with pytest.raises(FeeNotDefined) as info:
            FEE_BOOK.card_fee(K.FIRST_CARD, on)
        assert isinstance(info.value, RegistryError)
        with pytest.raises(FeeNotDefined):
            FEE_BOOK.office_tariff(FeeItem.OFFICE_DELIVERY, on)
        return
    assert FEE_BOOK.card_schedule(on).effective_from == D(schedule_year, 1, 1)
    assert FEE_BOOK.office_schedule(on).effective_from == D(schedule_year, 1, 1)


def test_application_receipt_is_the_card_fee_to_the_treasury():
    second = Eligible(K.DUPLICATE, Basis.CARD_LOST, duplicate_number=2)
    receipt = FEE_BOOK.application_receipt(second, IN_1403)
    assert receipt.total == toman(120_000)
    assert receipt.priced_on == IN_1403
    (line,) = receipt.lines
    assert (line.item, line.number, line.amount) == (FeeItem.CARD_DUPLICATE, 2, 1_200_000)
    assert receipt.shares == Shares(treasury=Rial(1_200_000))
    replacement = Eligible(K.REPLACEMENT, Basis.CARD_DAMAGED)
    assert FEE_BOOK.application_receipt(replacement, IN_1403).lines[0].item is \
        FeeItem.CARD_REPLACEMENT
    first = Eligible(K.FIRST_CARD, Basis.NEVER_HAD_CARD)
    assert FEE_BOOK.application_receipt(first, IN_1403).lines[0].item is FeeItem.CARD_ISSUANCE


# office tariffs ------------------------------------------------------------------------

@pytest.mark.parametrize("service, office, supply, nix, final", [
    (FeeItem.OFFICE_REGISTRATION, 235_143, 21_000, 3_820, 259_963),
    (FeeItem.OFFICE_DELIVERY, 47_259, 21_000, 3_820, 72_079),
    (FeeItem.OFFICE_PIN_CHANGE, 54_974, 21_000, 3_820, 79_794),
    (FeeItem.OFFICE_RECEIPT_REISSUE, 80_084, 21_000, 3_820, 104_904),
    (FeeItem.OFFICE_UNBLOCK, 51_158, 21_000, 3_820, 75_978),
    (FeeItem.OFFICE_CARD_REISSUE, 250_472, 21_000, 3_820, 275_292),
])
def test_office_tariff_rows(service, office, supply, nix, final):
    tariff = FEE_BOOK.office_tariff(service, IN_1403)
    assert tariff.final == final
    assert tariff.shares == Shares(Rial(office), Rial(supply), Rial(nix))
    receipt = FEE_BOOK.office_receipt(service, IN_1403)
    assert receipt.total == final
    assert (receipt.shares.office, receipt.shares.supply, receipt.shares.nix) == \
        (office, supply, nix)
    assert receipt.shares.treasury == 0
    assert [line.item for line in receipt.lines] == [service]


def test_pin_change_with_a_new_model_birth_certificate_adds_23400_rial():
    receipt = FEE_BOOK.office_receipt(FeeItem.OFFICE_PIN_CHANGE, IN_1403,
                                      new_model_birth_certificate=True)
    assert receipt.total == 79_794 + 23_400 == 103_194
    assert [(line.item, line.amount) for line in receipt.lines] == [
        (FeeItem.OFFICE_PIN_CHANGE, 79_794),
        (FeeItem.PIN_CHANGE_NEW_BIRTH_CERTIFICATE, 23_400)]
    assert receipt.shares == Shares(Rial(54_974 + 23_400), Rial(21_000), Rial(3_820))
    with pytest.raises(ValueError):
        FEE_BOOK.office_receipt(FeeItem.OFFICE_UNBLOCK, IN_1403,
                                new_model_birth_certificate=True)


def test_services_the_1396_schedule_does_not_price():
    for service in OFFICE_SERVICES - {FeeItem.OFFICE_REGISTRATION, FeeItem.OFFICE_DELIVERY}:
        with pytest.raises(FeeNotDefined) as info:
            FEE_BOOK.office_tariff(service, IN_1396)
        assert info.value.item is service
    with pytest.raises(ValueError):
        FEE_BOOK.office_tariff(FeeItem.CARD_ISSUANCE, IN_1403)


# late collection: the higher (double) fee ----------------------------------------------

def test_late_collection_doubles_the_delivery_tariff():
    on_time = FEE_BOOK.delivery_receipt(IN_1403)
    assert on_time.total == 72_079 and len(on_time.lines) == 1
    late = FEE_BOOK.delivery_receipt(IN_1403, late=True)
    assert late.total == 2 * 72_079 == 144_158
    assert [(line.item, line.amount) for line in late.lines] == [
        (FeeItem.OFFICE_DELIVERY, 72_079), (FeeItem.LATE_COLLECTION, 72_079)]
    assert late.shares == Shares(Rial(94_518), Rial(42_000), Rial(7_640))
    assert FEE_BOOK.delivery_receipt(IN_1396, late=True).total == toman(4_000)


# the data checks itself; a new year is a new entry -------------------------------------

def test_a_tariff_whose_shares_do_not_add_up_is_refused():
    with pytest.raises(ValueError):
        office_tariff_of(235_143, 21_000, 3_820, 259_964)
    with pytest.raises(ValueError):
        Shares(office=Rial(-1))


def test_a_schedule_breaking_its_cap_is_refused():
    over = CardFeeSchedule(D(1396, 1, 1), toman(25_000), toman(25_000), (toman(25_000),),
                           toman(25_000), total_cap=toman(31_000))
    with pytest.raises(ValueError):
        FeeBook([over], OFFICE_TARIFF_SCHEDULES)
    with pytest.raises(ValueError):
        FeeBook([CARD_FEES_1402, CARD_FEES_1402], OFFICE_TARIFF_SCHEDULES)


def test_a_new_years_schedule_is_a_new_entry_not_new_code():
    fees_1405 = CardFeeSchedule(D(1405, 1, 1), toman(90_000), toman(90_000),
                                (toman(100_000), toman(150_000)), toman(70_000),
                                signature_activation=toman(55_000), source="invented")
    tariffs_1405 = OfficeTariffSchedule(D(1405, 1, 1), {
        **OFFICE_TARIFFS_1402.tariffs,
        FeeItem.OFFICE_DELIVERY: office_tariff_of(60_000, 25_000, 5_000, 90_000)})
    book = FeeBook(CARD_FEE_SCHEDULES + (fees_1405,), OFFICE_TARIFF_SCHEDULES + (tariffs_1405,))
    assert book.card_fee(K.FIRST_CARD, D(1404, 12, 29)) == toman(60_000)
    assert book.card_fee(K.FIRST_CARD, D(1405, 1, 1)) == toman(90_000)
    assert book.card_fee(K.DUPLICATE, D(1405, 1, 1), 5) == toman(150_000)
    assert book.delivery_receipt(D(1405, 1, 1), late=True).total == 180_000
    assert book.office_tariff(FeeItem.OFFICE_REGISTRATION, D(1405, 1, 1)).final == 259_963


def test_schedules_are_read_only():
    with pytest.raises(TypeError):
        OFFICE_TARIFFS_1402.tariffs[FeeItem.OFFICE_DELIVERY] = Tariff(Rial(1), Shares(Rial(1)))


def test_receipt_totals_add_lines():
    receipt = Receipt(IN_1403, ())
    assert receipt.total == 0 and receipt.shares == Shares()


# shown amounts: digits and separators, no words ------------------------------------------

def test_amount_digits():
    assert amount_digits(toman(60_000)) == "۶۰٬۰۰۰"
    assert amount_digits(toman(180_000), Unit.TOMAN) == "۱۸۰٬۰۰۰"
    assert amount_digits(Rial(259_963), Unit.RIAL) == "۲۵۹٬۹۶۳"
    assert amount_digits(Rial(259_963), Unit.TOMAN) == "۲۵٬۹۹۶٫۳"
    assert amount_digits(Rial(259_963), Unit.TOMAN, persian=False) == "25,996.3"
    assert amount_digits(toman(31_000), persian=False) == "31,000"
    assert amount_digits(Rial(0)) == "۰"
    assert FeeItem.CARD_DUPLICATE.source_unit is Unit.TOMAN
    assert FeeItem.SIGNATURE_ACTIVATION.source_unit is Unit.TOMAN
    assert FeeItem.OFFICE_UNBLOCK.source_unit is Unit.RIAL
    assert FeeItem.LATE_COLLECTION.source_unit is Unit.RIAL
    assert FeeItem.OFFICE_UNBLOCK.office_service and not FeeItem.LATE_COLLECTION.office_service


def test_a_gregorian_day_picks_the_same_schedule():
    import datetime as dt
    assert FEE_BOOK.card_fee(K.FIRST_CARD, dt.date(2023, 3, 20)) == toman(20_000)  # 1401/12/29
    assert FEE_BOOK.card_fee(K.FIRST_CARD, dt.date(2023, 3, 21)) == toman(60_000)  # 1402/01/01
    receipt = FEE_BOOK.delivery_receipt(dt.date(2024, 10, 26))
    assert receipt.priced_on == D(1403, 8, 5) and receipt.total == 72_079
