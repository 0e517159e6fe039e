"""Digits, grouped numbers, Jalali dates, amounts and tries in both languages."""

import datetime as dt

import jdatetime

from kiosk.text import (
    LRI,
    PDI,
    amount,
    certificate_serial,
    digits,
    jalali_date,
    mobile,
    national_code,
    number,
    plain_code,
    tries_left,
    visual_line,
)


def test_digits_and_grouping():
    assert digits(1403, "fa") == "۱۴۰۳"
    assert digits("PIN1", "en") == "PIN1"
    assert number(1_234_567, "fa") == "۱٬۲۳۴٬۵۶۷"
    assert number(1_234_567, "en") == "1,234,567"


def test_codes_are_isolated_left_to_right():
    assert national_code("0053901207", "fa") == f"{LRI}۰۰۵-۳۹۰۱۲۰-۷{PDI}"
    assert national_code("0053901207", "en") == f"{LRI}005-390120-7{PDI}"
    assert plain_code("1234567890", "fa") == f"{LRI}۱۲۳۴۵۶۷۸۹۰{PDI}"
    assert mobile("09123456789", "fa") == f"{LRI}۰۹۱۲\u00a0۳۴۵\u00a0۶۷۸۹{PDI}"


def test_a_birth_certificate_serial_in_each_language():
    # Persian: read from the right as the certificate prints it: series, letter, serial
    assert certificate_serial("93-د-619869", "fa") == "۹۳-د-۶۱۹۸۶۹"
    assert visual_line("سریال " + certificate_serial("93-د-619869", "fa"), "rtl") \
        == "۶۱۹۸۶۹-د-۹۳ " + visual_line("سریال", "rtl")
    # English: left to right in the stored order; plain bidi would pull the serial's
    # digits into the letter's right-to-left run (93-619869-د)
    assert visual_line("93-د-619869", "ltr") == "93-619869-د"
    assert visual_line("Serial " + certificate_serial("93-د-619869", "en") + " kept",
                       "ltr") == "Serial 93-د-619869 kept"
    assert visual_line(certificate_serial("5-الف-123456", "en"), "ltr") == "5-الف-123456" \
        .replace("الف", visual_line("الف", "rtl"))
    assert visual_line(certificate_serial("619869/93د", "en"), "ltr") == "619869/93د"


def test_jalali_dates_with_month_names():
    day = jdatetime.date(1403, 5, 12)
    assert jalali_date(day, "fa") == "۱۲ مرداد ۱۴۰۳"
    assert jalali_date(day, "en") == "12 Mordad 1403"
    assert jalali_date(day, "fa", "numeric") == f"{LRI}۱۴۰۳/۰۵/۱۲{PDI}"
    # a Gregorian day is converted, never misread as Solar Hijri
    assert jalali_date(dt.date(2024, 3, 20), "fa") == "۱ فروردین ۱۴۰۳"
    assert jalali_date(jdatetime.date(1403, 12, 30), "en") == "30 Esfand 1403"


def test_amounts_in_toman_and_rial():
    assert amount(600_000, "fa") == f"{LRI}۶۰٬۰۰۰{PDI} تومان"
    assert amount(600_000, "en") == f"{LRI}60,000{PDI} toman"
    assert amount(259_963, "fa", "rial") == f"{LRI}۲۵۹٬۹۶۳{PDI} ریال"
    # not a whole number of toman: shown in rial, never rounded
    assert amount(259_963, "fa") == f"{LRI}۲۵۹٬۹۶۳{PDI} ریال"


def test_tries_left_phrases():
    assert tries_left(3, "fa") == "۳ فرصت دیگر"
    assert tries_left(0, "fa") == "فرصتی نمانده است"
    assert tries_left(1, "en") == "1 try left"
    assert tries_left(2, "en") == "2 tries left"
    assert tries_left(0, "en") == "no tries left"
