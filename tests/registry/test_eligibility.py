"""Every eligibility rule at its boundary, every date explicit."""

import jdatetime
import pytest

from registry.eligibility import (
    Applicant,
    ApplicationKind,
    Basis,
    CardModel,
    ChangedData,
    DamagedCard,
    Eligible,
    HeldCard,
    LostCard,
    NoCard,
    PrintedField,
    Refusal,
    Refused,
    decide,
    require_eligible,
)
from registry.errors import NotEligible, RegistryError

D = jdatetime.date
ADULT = D(1370, 5, 12)
ON = D(1403, 8, 1)


def eligible(decision) -> Eligible:
    assert isinstance(decision, Eligible) and decision.eligible
    return decision


def refused(decision) -> Refused:
    assert isinstance(decision, Refused) and not decision.eligible
    return decision


# age: 15 full Solar Hijri years ------------------------------------------------------

@pytest.mark.parametrize("birth, on, ok, eligible_from", [
    # born 1388/12/29: 15 full years on 1403/12/29, not the day before
    (D(1388, 12, 29), D(1403, 12, 28), False, D(1403, 12, 29)),
    (D(1388, 12, 29), D(1403, 12, 29), True, None),
    (D(1388, 12, 29), D(1403, 12, 30), True, None),
    # born 1389/01/01: still 14 on 1403/12/30 (the leap day of 1403), 15 on 1404/01/01
    (D(1389, 1, 1), D(1403, 12, 30), False, D(1404, 1, 1)),
    (D(1389, 1, 1), D(1404, 1, 1), True, None),
    # born on Esfand 30 of leap 1387: 1402 has no Esfand 30, the year is full on 1403/01/01
    (D(1387, 12, 30), D(1402, 12, 29), False, D(1403, 1, 1)),
    (D(1387, 12, 30), D(1403, 1, 1), True, None),
    # born 1384/12/29: 15 on 1399/12/29, a leap year whose Esfand 30 follows
    (D(1384, 12, 29), D(1399, 12, 29), True, None),
    (D(1384, 12, 29), D(1399, 12, 28), False, D(1399, 12, 29)),
    # mid-year birthday
    (D(1388, 7, 15), D(1403, 7, 14), False, D(1403, 7, 15)),
    (D(1388, 7, 15), D(1403, 7, 15), True, None),
])
def test_fifteen_full_years(birth, on, ok, eligible_from):
    decision = decide(Applicant(birth), on)
    if ok:
        assert eligible(decision).kind is ApplicationKind.FIRST_CARD
        assert decision.basis is Basis.NEVER_HAD_CARD
    else:
        assert refused(decision).reason is Refusal.UNDER_AGE
        assert decision.eligible_from == eligible_from


def test_birth_date_after_the_day_asked():
    assert refused(decide(Applicant(D(1403, 8, 2)), D(1403, 8, 1))).reason is \
        Refusal.BIRTH_DATE_IN_FUTURE
    # born that very day: under age, eligible 15 years on
    decision = refused(decide(Applicant(D(1403, 8, 1)), D(1403, 8, 1)))
    assert decision.reason is Refusal.UNDER_AGE and decision.eligible_from == D(1418, 8, 1)


# who else is refused ----------------------------------------------------------------

def test_abroad_gets_the_old_model_not_the_smart_card():
    assert refused(decide(Applicant(ADULT, abroad=True), ON)).reason is Refusal.ABROAD
    # abroad is said before age: the smart card is not for them at any age
    assert refused(decide(Applicant(D(1395, 1, 1), abroad=True), ON)).reason is \
        Refusal.ABROAD
    lost = Applicant(ADULT, LostCard(), abroad=True)
    assert refused(decide(lost, ON)).reason is Refusal.ABROAD


def test_nationals_with_a_valid_photo_birth_certificate_only():
    assert refused(decide(Applicant(ADULT, iranian=False), ON)).reason is Refusal.NOT_IRANIAN
    assert refused(decide(Applicant(ADULT, photo_birth_certificate=False), ON)).reason is \
        Refusal.NO_PHOTO_BIRTH_CERTIFICATE


def test_a_valid_smart_card_with_nothing_happened_is_refused():
    card = HeldCard(CardModel.SMART, 1398, expires_on=D(1405, 3, 1))
    assert refused(decide(Applicant(ADULT, card), ON)).reason is \
        Refusal.HOLDS_VALID_SMART_CARD
    no_expiry = HeldCard(CardModel.SMART, 1398)
    assert refused(decide(Applicant(ADULT, no_expiry), ON)).reason is \
        Refusal.HOLDS_VALID_SMART_CARD


def test_a_smart_card_expires_after_its_printed_day():
    card = HeldCard(CardModel.SMART, 1396, expires_on=D(1403, 8, 1))
    assert refused(decide(Applicant(ADULT, card), D(1403, 8, 1))).reason is \
        Refusal.HOLDS_VALID_SMART_CARD
    decision = eligible(decide(Applicant(ADULT, card), D(1403, 8, 2)))
    assert decision.kind is ApplicationKind.RENEWAL_REQUIRED
    assert decision.basis is Basis.SMART_CARD_EXPIRED


def test_an_issue_year_that_cannot_be():
    future = HeldCard(CardModel.OLD, 1404)
    assert refused(decide(Applicant(ADULT, future), D(1403, 12, 30))).reason is \
        Refusal.ISSUE_YEAR_INVALID
    assert eligible(decide(Applicant(ADULT, future), D(1404, 1, 1)))
    before_birth = HeldCard(CardModel.OLD, 1369)
    assert refused(decide(Applicant(ADULT, before_birth), ON)).reason is \
        Refusal.ISSUE_YEAR_INVALID


def test_refusals_come_in_a_fixed_order():
    everything = Applicant(D(1395, 1, 1), HeldCard(CardModel.SMART, 1402), abroad=True,
                           iranian=False, photo_birth_certificate=False)
    assert refused(decide(everything, ON)).reason is Refusal.NOT_IRANIAN
    child = Applicant(D(1395, 1, 1), photo_birth_certificate=False)
    assert refused(decide(child, ON)).reason is Refusal.UNDER_AGE


# old cards: 1380-1389 must renew, 1390-1396 may ----------------------------------------

@pytest.mark.parametrize("year, kind, basis", [
    (1379, ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_BEFORE_1380),
    (1380, ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_1380_1389),
    (1385, ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_1380_1389),
    (1389, ApplicationKind.RENEWAL_REQUIRED, Basis.OLD_CARD_1380_1389),
    (1390, ApplicationKind.RENEWAL_OPTIONAL, Basis.OLD_CARD_1390_1396),
    (1396, ApplicationKind.RENEWAL_OPTIONAL, Basis.OLD_CARD_1390_1396),
    (1397, ApplicationKind.RENEWAL_OPTIONAL, Basis.OLD_CARD_AFTER_1396),
])
def test_old_cards_by_issue_year(year, kind, basis):
    decision = eligible(decide(Applicant(D(1360, 1, 1), HeldCard(CardModel.OLD, year)), ON))
    assert (decision.kind, decision.basis) == (kind, basis)


# lost, changed, damaged -------------------------------------------------------------

@pytest.mark.parametrize("before, n", [(0, 1), (1, 2), (2, 3), (3, 4), (7, 8)])
def test_a_lost_card_is_the_nth_duplicate(before, n):
    decision = eligible(decide(Applicant(ADULT, LostCard(duplicates_before=before)), ON))
    assert decision.kind is ApplicationKind.DUPLICATE
    assert decision.basis is Basis.CARD_LOST
    assert decision.duplicate_number == n


@pytest.mark.parametrize("field", list(PrintedField))
def test_each_changed_printed_field_means_a_replacement(field):
    decision = eligible(decide(Applicant(ADULT, ChangedData(frozenset({field}))), ON))
    assert decision.kind is ApplicationKind.REPLACEMENT
    assert decision.basis is Basis.DATA_CHANGED
    assert decision.changed_fields == {field}
    assert decision.duplicate_number == 0


def test_a_damaged_card_means_a_replacement():
    decision = eligible(decide(Applicant(ADULT, DamagedCard()), ON))
    assert (decision.kind, decision.basis) == (ApplicationKind.REPLACEMENT, Basis.CARD_DAMAGED)


def test_situations_that_cannot_be():
    with pytest.raises(ValueError):
        ChangedData(frozenset())
    with pytest.raises(ValueError):
        LostCard(duplicates_before=-1)


def test_a_first_card_by_default_and_the_raising_form():
    assert Applicant(ADULT).card == NoCard()
    assert require_eligible(Applicant(ADULT), ON).kind is ApplicationKind.FIRST_CARD
    with pytest.raises(NotEligible) as info:
        require_eligible(Applicant(D(1389, 1, 1)), D(1403, 12, 30))
    assert isinstance(info.value, RegistryError)
    assert info.value.refusal is Refusal.UNDER_AGE
    assert info.value.eligible_from == D(1404, 1, 1)


def test_gregorian_dates_are_converted_before_counting_years():
    import datetime as dt
    # born 1388/12/29 = 2010-03-20; 15 full Solar years on 1403/12/29 = 2025-03-19
    applicant = Applicant(dt.date(2010, 3, 20))
    assert refused(decide(applicant, dt.date(2025, 3, 18))).eligible_from == D(1403, 12, 29)
    assert eligible(decide(applicant, dt.date(2025, 3, 19))).kind is ApplicationKind.FIRST_CARD
