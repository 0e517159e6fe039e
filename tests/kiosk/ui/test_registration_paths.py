"""The registration services and office mode, tapped through in a real window on the
simulated card and sensor, against a real SQLite registry and the simulated bank.

Each screen passed is saved under ``var/ui-screens``. The registry's clock is a settable
one shared with the kiosk, so a held place can be made to lapse without waiting.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import jdatetime
import pytest

from biometric.capture import CaptureStep
from citizen.identity import Gender
from citizen.national_code import national_code_check_digit
from kiosk import paths
from kiosk.flows.enrol_fingers import EnrolState
from kiosk.ui.backend import SimCard, SimFinger
from registry.connect import is_remote
from registry.contract import ApplicationRef, HoldRequest, NewApplication, PaymentRequest
from registry.eligibility import ApplicationKind
from registry.recovery import RecoveryLimits
from registry.states import PaymentPurpose
from tests.kiosk.ui.harness import (
    Screens,
    focus,
    make_desk_app,
    on,
    press,
    tap,
    tap_button,
    tap_tile,
    texts,
    type_digits,
    type_text,
    until,
)
from tests.kiosk.ui.test_kiosk_paths import finger_until_matched

OPERATOR, MANAGER = "1402", "2468"


def code(n: int) -> str:
    first = f"{(n * 7_919 + 300_000_007) % 10**9:09d}"
    return first + str(national_code_check_digit(first))


def wrong_check_digit(valid: str) -> str:
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


def view(app):  # noqa: ANN001, ANN201
    return app.session.view


def on_view(app, kind: str, title_key: str, **fields):  # noqa: ANN001, ANN201
    return lambda: on(app, kind)() and view(app).title == app.words.say(title_key, **fields)


def field(app, name: str) -> dict:  # noqa: ANN001
    return next(f for f in view(app).data["fields"] if f["name"] == name)


@pytest.mark.parametrize("kivy_app", [[make_desk_app()]], indirect=True)
async def test_pre_register_then_book_and_pay(kivy_app, screens_dir):
    app = kivy_app
    clock = app.clock
    shots = Screens(app, screens_dir, "register")
    national = code(1)
    try:
        await until(app, on(app, "attract"), what="attract")
        await tap(app, app.screen("attract").ids.registration)
        await until(app, on(app, "choices"), what="registration menu")
        await tap_tile(app, "register")
        await until(app, on_view(app, "choices", "eligibility.title"), what="situation")
        await tap_tile(app, "none")
        await until(app, on(app, "form"), what="birth date")
        for _ in range(2):
            await press(app, "form", "date", ("year", -10))   # 1370 -> 1350
        await press(app, "form", "date", ("month", 1))
        assert "اردیبهشت" in field(app, "birth_date")["value"]
        await tap_button(app, "form", "next")
        await until(app, on_view(app, "sheet", "eligibility.yes"), what="decision")
        sheet = app.screen("sheet")
        assert any("۶۰٬۰۰۰" in t and "تومان" in t and "۶۰۰٬۰۰۰" in t
                   for t in texts(sheet.ids.rows))
        await tap_button(app, "sheet", "register")

        # the form: every field typed on the kiosk's keys, each mistake worded as typed
        await until(app, on_view(app, "form", "register.title"), what="form")
        await type_text(app, wrong_check_digit(national))
        assert field(app, "national_code")["problem"] == app.words.say(
            "DataProblem.NATIONAL_CODE_CHECK_DIGIT")
        await press(app, "form", "delete")
        await type_text(app, national[-1])
        assert field(app, "national_code")["problem"] == ""
        assert field(app, "national_code")["ok"]
        await focus(app, "mobile")
        await type_text(app, "0812")
        assert field(app, "mobile")["problem"] == app.words.say("DataProblem.MOBILE")
        await press(app, "form", "clear")
        await type_text(app, "09121234567")
        await focus(app, "serial")
        await type_text(app, "12د")
        assert field(app, "serial")["problem"]
        await type_text(app, "-123456")
        assert field(app, "serial")["problem"] == ""
        await focus(app, "mother_name")
        await type_text(app, "Zahra" if False else "زهرا")
        await focus(app, "gender")
        await press(app, "form", "choose", "female")
        await tap_button(app, "form", "next")

        # the captcha: a wrong answer gets new digits and says why
        await until(app, on_view(app, "form", "captcha.title"), what="captcha")
        challenge = app.session.citizen.errand.challenge
        await type_text(app, "0000" if challenge.digits != "00000" else "1111")
        await tap_button(app, "form", "next")
        await until(app, lambda: view(app).note == app.words.say("CaptchaResult.WRONG"),
                    what="captcha refused")
        challenge = app.session.citizen.errand.challenge
        await type_text(app, challenge.digits)
        await tap_button(app, "form", "next")

        # review, the simulated bank, the tracking code
        await until(app, on_view(app, "sheet", "review.title"), what="review")
        shown = texts(sheet.ids.rows)
        assert "زهرا" in shown and any("۱۲-د-۱۲۳۴۵۶" in t for t in shown)
        await tap_button(app, "sheet", "confirm")
        await until(app, on_view(app, "sheet", "bank.title"), what="bank")
        assert app.words.say("bank.simulated") in texts(sheet.ids.banner_panel)
        await tap_button(app, "sheet", "pay")
        await until(app, on_view(app, "sheet", "register.done"), what="registered")
        tracking = app.session.citizen.errand.application.tracking_code
        big = sheet.ids.code.text
        assert big.startswith("\u2066") and big.endswith("\u2069")     # kept left to right
        assert big.count("-") == 4 and len(tracking) == 20
        assert view(app).note                                          # book by ...
        await tap_button(app, "sheet", "receipt")
        await until(app, on(app, "receipt"), what="receipt")
        assert app.screen("receipt").ids.paper.texture is not None
        await tap_button(app, "receipt", "print")
        await until(app, lambda: view(app).note == app.words.say("receipt.printed"),
                    what="printed")
        await tap_button(app, "receipt", "back")

        # booking: offices of the city by free places, a place held, its time running
        await until(app, on_view(app, "sheet", "register.done"), what="registered again")
        await tap_button(app, "sheet", "book")
        await until(app, on_view(app, "form", "book.title"), what="booking query")
        assert field(app, "city")["value"]
        await tap_button(app, "form", "free")
        await until(app, lambda: on(app, "choices")() and bool(view(app).data["tiles"]),
                    what="offices")
        tiles = view(app).data["tiles"]
        free = [int(t.badge.translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")))
                for t in tiles]
        assert free == sorted(free, reverse=True) and len(tiles) >= 3
        await tap_button(app, "choices", "sort")                       # nearest first
        await until(app, lambda: view(app).body == app.words.say("book.sorted_near"),
                    what="nearest first")
        assert all("کیلومتر" in t.hint for t in view(app).data["tiles"])
        first = view(app).data["tiles"][0].arg
        await tap_tile(app, first)
        await until(app, on_view(app, "sheet", "book.held"), what="held")
        assert sheet.ids.countdown.text == "\u2066۱۰:۰۰\u2069"
        clock.advance(dt.timedelta(seconds=75))
        await until(app, lambda: sheet.ids.countdown.text == "\u2066۰۸:۴۵\u2069",
                    timeout=5, what="the countdown moving")
        await tap_button(app, "sheet", "pay")
        await until(app, on_view(app, "sheet", "bank.title"), what="bank for the booking")
        assert sheet.ids.countdown.text
        await tap_button(app, "sheet", "pay")
        await until(app, on_view(app, "sheet", "book.booked"), what="booked")
        assert app.words.say("book.booked_body") == view(app).body

        # nothing of the applicant's outlives the session, in widgets, logs or the audit
        app.session.go_home()
        await until(app, on(app, "attract"), what="attract")
        leftovers = " ".join(texts(app.root))
        for secret in (national, tracking, "زهرا"):
            assert secret not in leftovers
        for screen in ("form", "sheet", "choices", "receipt"):
            assert app.screen(screen).view.kind == "none"
        audit = app.audit.path.read_text()
        assert tracking not in audit and national not in audit
        assert '"registry-register"' in audit and '"registry-book"' in audit
    finally:
        shots.close()


BIRTH = jdatetime.date(1370, 3, 5)
SERIAL = "15-ج-654321"


def registered(app, n: int, *, book_today: bool = False) -> ApplicationRef:  # noqa: ANN001
    """An applicant pre-registered and paid (and booked for today at the kiosk's office)
    through the registry service itself: what the kiosk did in the first test."""
    service = app.registry.service()
    national = code(n)
    view = service.register(NewApplication(national, BIRTH, "مریم", "09121112233", SERIAL,
                                           Gender.FEMALE, ApplicationKind.FIRST_CARD))
    ref = ApplicationRef(national, view.tracking_code)
    service.start_payment(PaymentRequest(ref, PaymentPurpose.REGISTRATION, f"reg-{n:010d}"))
    service.observe_payment(f"reg-{n:010d}")
    if book_today:
        office = app.registry.demo_office_id
        service.hold_slot(HoldRequest(ref, office, app.clock.today()))
        service.start_payment(PaymentRequest(ref, PaymentPurpose.BOOKING, f"book-{n:09d}"))
        service.observe_payment(f"book-{n:09d}")
    return ref


async def set_birth_date(app) -> None:  # noqa: ANN001
    """From the picker's 1370/01/01 to BIRTH, on the date keys."""
    for _ in range(BIRTH.month - 1):
        await press(app, "form", "date", ("month", 1))
    for _ in range(BIRTH.day - 1):
        await press(app, "form", "date", ("day", 1))


@pytest.mark.parametrize("kivy_app", [[make_desk_app(limits=RecoveryLimits(
    per_national_code=3, per_client=30))]], indirect=True)
async def test_recover_status_and_a_hold_that_lapses_in_english(kivy_app, screens_dir):
    app = kivy_app
    clock = app.clock
    shots = Screens(app, screens_dir, "track")
    try:
        await until(app, on(app, "attract"), what="attract")
        ref = registered(app, 2)
        await tap(app, app.root.ids.language)
        await tap(app, app.screen("attract").ids.registration)
        await until(app, on(app, "choices"), what="menu")
        await tap_tile(app, "recover")
        await until(app, on_view(app, "form", "recover.title"), what="recover")
        await type_text(app, ref.national_code)
        await focus(app, "birth_date")
        await tap_button(app, "form", "next")                    # 1370/01/01: not hers
        await until(app, lambda: view(app).note == app.words.say("recover.not_found"),
                    what="not found")
        await set_birth_date(app)
        await tap(app, app.root.ids.language)                     # Persian, mid-form
        await until(app, lambda: app.lang == "fa" and on(app, "form")(), what="Persian")
        assert field(app, "national_code")["value"].startswith("\u2066۳")   # kept as typed
        await tap(app, app.root.ids.language)
        await tap_button(app, "form", "next")
        await until(app, on_view(app, "sheet", "recover.found"), what="found")
        assert app.session.citizen.errand.found.tracking_code == ref.tracking_code
        assert app.screen("sheet").ids.code.text.count("-") == 4

        # the status: the lifecycle as a timeline, the next step with its deadline
        await tap_button(app, "sheet", "status")
        await until(app, on_view(app, "sheet", "status.title"), what="status")
        steps = view(app).data["steps"]
        assert [s["status"] for s in steps[:3]] == ["done", "now", "todo"]
        assert "Book an office appointment by" in view(app).body

        # a held place lapses: the countdown reaches nothing, the place is released
        await tap_button(app, "sheet", "book")
        await until(app, on_view(app, "form", "book.title"), what="booking")
        await tap_button(app, "form", "free")
        await until(app, lambda: on(app, "choices")() and bool(view(app).data["tiles"]),
                    what="offices")
        await tap_tile(app, view(app).data["tiles"][0].arg)
        await until(app, on_view(app, "sheet", "book.held"), what="held")
        clock.advance(dt.timedelta(minutes=10, seconds=1))
        await until(app, on_view(app, "sheet", "book.lapsed"), timeout=5, what="lapsed")
        status = app.registry.service().application(ref)
        assert status.appointment is not None and status.appointment.lapsed
        await tap_button(app, "sheet", "again")
        await until(app, lambda: on(app, "choices")() and bool(view(app).data["tiles"]),
                    what="offices again")

        # recovery is rate-limited: the refusal says until when
        app.session.registration()
        await until(app, on(app, "choices"), what="menu")
        await tap_tile(app, "recover")
        await until(app, on_view(app, "form", "recover.title"), what="recover again")
        await type_text(app, ref.national_code)
        await focus(app, "birth_date")
        # two attempts so far; the registry's limit (the service's own default when
        # the tests run against it) refuses the one after it
        limit = RecoveryLimits().per_national_code if is_remote() else 3
        for attempt in range(limit - 1):
            await tap_button(app, "form", "next")
            await until(app, lambda: on(app, "form")() or on(app, "sheet")(),
                        what=f"attempt {attempt}")
        await until(app, on_view(app, "sheet", "recover.limited"), what="rate limited")
        assert "try again from" in view(app).body and "minutes" in view(app).body
        app.session.go_home()
        await until(app, on(app, "attract"), what="attract")
        assert ref.tracking_code not in app.audit.path.read_text()
        await tap(app, app.root.ids.language)
    finally:
        shots.close()


@pytest.mark.parametrize("kivy_app", [[make_desk_app(
    url="postgresql+psycopg://postgres@/postgres?host=/nonexistent/nidkiosk", lang="en")]],
    indirect=True)
async def test_the_registry_unavailable_is_worded_and_can_be_retried(kivy_app, screens_dir):
    app = kivy_app                               # started in English (nidkiosk kiosk --lang en)
    shots = Screens(app, screens_dir, "unavailable")
    try:
        await until(app, on(app, "attract"), what="attract")
        assert app.lang == "en" and app.words.lang == "en"
        await tap(app, app.screen("attract").ids.registration)
        await until(app, on(app, "choices"), what="menu")
        await tap_tile(app, "status")
        await until(app, on_view(app, "form", "status.title"), what="status form")
        await type_text(app, code(3))
        await focus(app, "tracking_code")
        await type_text(app, "1" * 19)
        assert field(app, "tracking_code")["problem"] == app.words.say("CodeProblem.LENGTH")
        await type_text(app, "8")
        assert field(app, "tracking_code")["problem"] in ("", app.words.say(
            "CodeProblem.CHECK_DIGIT"))
        await press(app, "form", "delete")
        for digit in "0123456789":                     # the one check digit that fits
            await type_text(app, digit)
            if not field(app, "tracking_code")["problem"]:
                break
            await press(app, "form", "delete")
        await tap_button(app, "form", "next")
        await until(app, on_view(app, "sheet", "trouble.unavailable"), what="unavailable")
        assert view(app).tone == "bad"
        assert "Traceback" not in " ".join(texts(app.root))
        await tap_button(app, "sheet", "retry")
        await until(app, on_view(app, "sheet", "trouble.unavailable"), what="still unavailable")
        await tap_button(app, "sheet", "back")
        await until(app, on_view(app, "form", "status.title"), what="back to the form")
        assert field(app, "national_code")["value"]
        app.session.go_home()
        await until(app, on(app, "attract"), what="attract")
        assert any(e.get("error") == "StorageUnavailable" for e in app.audit.entries())
    finally:
        shots.close()


async def choose_pin(app, pin: str) -> None:  # noqa: ANN001
    """The holder chooses PIN1 on the shuffled pad, twice (keys released as a tap ends)."""
    screen = app.screen("pin")
    for again in (False, True):
        await until(app, lambda a=again: on(app, "pin")() and screen.again == a
                    and screen.view.data.get("mode") == "new", what="the new PIN")
        for digit in pin:
            screen.ids.pad.press(digit)
        await tap(app, screen.ids.ok)


async def give_ten_fingers(app, rig, skip: int | None = None) -> None:  # noqa: ANN001
    """Be the applicant at the office: put each finger on the glass as the screen asks
    (a new impression each time it asks again), lift it when told or after a poor touch;
    ``skip`` gives only poor touches, and the operator skips it. Another finger that gave
    no usable touch (a synthetic impression can be poor) is tried again."""
    flow = app.session.flow
    last: tuple[int, object, object] | None = None
    retried: dict[int, int] = {}
    while app.session.flow is flow and not flow.finished:
        key = (int(flow.finger), flow.capture_step, flow.state)
        if key != last:
            last = key
            step, finger = flow.capture_step, int(flow.finger)
            if flow.state is EnrolState.FINGER_FAILED:
                retried[finger] = retried.get(finger, 0) + (finger != skip)
                assert retried[finger] <= 2, (finger, flow.last_failure)
                await until(app, on(app, "fingers"), what="the skip buttons")
                rig.place(SimFinger.LIFT)
                await tap_button(app, "fingers", "skip_injured" if finger == skip
                                 else "retry")
            elif step in (CaptureStep.LIFT_AND_PLACE, CaptureStep.POOR_TOUCH):
                rig.place(SimFinger.LIFT)
            elif step is CaptureStep.PLACE_FINGER:   # a finger image takes a moment to make
                await asyncio.to_thread(rig.place, SimFinger.POOR if finger == skip
                                        else SimFinger.APPLICANT, finger)
        await app.async_sleep(0.05)


@pytest.mark.parametrize("kivy_app", [[make_desk_app()]], indirect=True)
async def test_office_completes_approves_issues_and_hands_over(kivy_app, screens_dir):
    app, rig = kivy_app, kivy_app.backend
    shots = Screens(app, screens_dir, "office-desk")
    try:
        await until(app, on(app, "attract"), what="attract")
        ref = registered(app, 4, book_today=True)
        await tap(app, app.screen("attract").ids.office)
        await until(app, on(app, "operator"), what="operator's code")
        await type_digits(app, "operator", OPERATOR)
        await tap(app, app.screen("operator").ids.ok)
        await until(app, on_view(app, "choices", "office.title"), what="office home")
        await tap_tile(app, "schedule")
        await until(app, lambda: on(app, "choices")() and bool(view(app).data["tiles"]),
                    what="schedule")
        application_id = app.registry.service().application(ref).application_id
        assert application_id in [t.arg for t in view(app).data["tiles"]]  # among others'
        await tap_tile(app, application_id)
        await until(app, on_view(app, "sheet", "office.applicant"), what="applicant")
        await tap_button(app, "sheet", "attended")
        await until(app, lambda: view(app).note == app.words.say("office.marked_attended"),
                    what="attended")
        await tap_button(app, "sheet", "complete")

        # documents, checked as data: a serial that is not the registered one is refused
        await until(app, on_view(app, "form", "office.documents"), what="documents")
        for name, text in (("given_name", "مریم"), ("surname", "رضایی"),
                           ("father_name", "حسن"), ("certificate_number", "1234567"),
                           ("serial", "15-ج-654322"), ("postal_code", "1351789012"),
                           ("address", "تهران، خیابان آزادی، پلاک 12"),
                           ("landline", "02188881234"), ("mobile", "09121112233")):
            await focus(app, name)
            await type_text(app, text)
        await tap_button(app, "form", "next")
        await until(app, on_view(app, "sheet", "office.photo"), what="photo")
        await tap_button(app, "sheet", "shoot")
        await until(app, lambda: "use" in app.screen("sheet").buttons, what="a usable photo")
        assert app.screen("sheet").ids.photo.texture is not None
        await tap_button(app, "sheet", "use")
        await until(app, on_view(app, "sheet", "office.fingers.ready"), what="fingers")
        rig.place(SimFinger.LIFT)                          # an empty glass to start
        await tap_button(app, "sheet", "fingers")
        await until(app, on(app, "fingers"), what="the ten-finger screen")
        await give_ten_fingers(app, rig, skip=10)
        await until(app, on_view(app, "form", "office.documents"), timeout=60,
                    what="the serial refused")
        assert field(app, "serial")["problem"] == app.words.say(
            "DocumentProblem.SERIAL_MISMATCH")
        await focus(app, "serial")
        await press(app, "form", "delete")
        await type_text(app, "1")
        await tap_button(app, "form", "next")           # photo and fingers are kept
        await until(app, on_view(app, "sheet", "office.completed"), timeout=60,
                    what="completed")
        record = app.registry.service("operator").office_record(application_id)
        assert len(record.captured) == 9 and record.completed_by.endswith(":operator")
        assert [(int(p), r.value) for p, r in record.skipped] == [(10, "injured")]
        await tap_button(app, "sheet", "applicant")

        # the manager's decision: four eyes, the clerk's own code is refused
        await until(app, lambda: "decide" in app.screen("sheet").buttons, what="decide")
        await tap_button(app, "sheet", "decide")
        await until(app, on(app, "operator"), what="manager's code")
        await type_digits(app, "operator", OPERATOR)
        await tap(app, app.screen("operator").ids.ok)
        await until(app, on_view(app, "choices", "office.decision", who="مریم رضایی"),
                    what="decision")
        await tap_tile(app, "approve")
        await until(app, lambda: on(app, "operator")() and bool(view(app).data["error"]),
                    what="four eyes")
        await type_digits(app, "operator", MANAGER)
        await tap(app, app.screen("operator").ids.ok)
        await until(app, on(app, "choices"), what="decision again")
        await tap_tile(app, "approve")
        await until(app, on_view(app, "sheet", "office.approved"), what="approved")
        await tap_button(app, "sheet", "applicant")

        # issue (the simulated factory), ready (the simulated SMS), hand-over
        await until(app, lambda: "issue" in app.screen("sheet").buttons, what="issue")
        await tap_button(app, "sheet", "issue")
        await until(app, lambda: "ready" in app.screen("sheet").buttons, what="ready")
        assert rig.has_issued
        await tap_button(app, "sheet", "ready")
        await until(app, lambda: "deliver" in app.screen("sheet").buttons, what="deliver")
        await tap_button(app, "sheet", "deliver")
        await until(app, on_view(app, "sheet", "office.ticket"), what="ticket")
        assert any("۷۲٬۰۷۹" in t for t in texts(app.screen("sheet").ids.rows))
        await tap_button(app, "sheet", "start")
        await until(app, on_view(app, "sheet", "office.insert"), what="insert the card")
        rig.insert(SimCard.ISSUED)
        await finger_until_matched(app, rig)
        await choose_pin(app, "975310")
        await until(app, on_view(app, "sheet", "office.delivered"), timeout=60,
                    what="delivered")
        status = app.registry.service().application(ref)
        assert status.status.value == "delivered"
        await tap_button(app, "sheet", "receipt")
        await until(app, on(app, "receipt"), what="receipt")
        await tap_button(app, "receipt", "print")
        await until(app, lambda: view(app).note == app.words.say("receipt.printed"),
                    what="printed")
        receipts = sorted((paths.home() / "receipts").glob(f"delivery-{application_id}-*.pdf"))
        assert receipts and receipts[0].read_bytes().startswith(b"%PDF")
        rig.remove()
        await tap_button(app, "receipt", "back")
        await until(app, on_view(app, "sheet", "office.delivered"), what="delivered again")
        events = {e["event"] for e in app.audit.entries() if e["service"].startswith("office")}
        assert {"completed", "decided", "issued", "ready", "delivered"} <= events
        assert "four-eyes" in events
        app.session.go_home()
        await until(app, on(app, "attract"), what="attract")
    finally:
        shots.close()
