"""The scripted tour's registration and office paths (``kiosk.ui.tour`` runs them).

A citizen with no card checks eligibility, pre-registers (one typing mistake shown as
typed), passes the captcha, pays at the SIMULATED bank, gets the tracking code and its
receipt, books today at the kiosk's office with the place counting down, pays, and
looks up the status. Then the office: the operator's code, the day's schedule, the
applicant attended, documents, the simulated camera's photo, ten fingers through the
pty sensor (the tour places each finger as asked), the manager's decision, the card
issued by the simulated factory, ready, and handed over with the finger verified on the
card, PIN1 chosen, the fee recorded and the receipt shown. Everything is done as a
person would: the app's own keys, tiles and buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

APPLICANT_CODE = "0084575948"  # a valid national code (the tour's registry is its own)
SERIAL = "93-د-619869"
MOTHER = "مریم"
OPERATOR, MANAGER = "1402", "2468"
DOCUMENTS = (("given_name", "زهرا"), ("surname", "احمدی"), ("father_name", "علی"),
             ("certificate_number", "1234567"), ("serial", SERIAL),
             ("postal_code", "1351789012"), ("address", "تهران، خیابان آزادی، پلاک 12"),
             ("landline", "02188881234"), ("mobile", "09121234567"))
NEW_PIN1 = "975310"


def registration_steps(app: Any, rig: Any, step: Callable[..., Any],
                       on: Callable[[str], Callable[[], bool]]) -> list[Any]:
    """The citizen's path, then the office's; ``step`` makes a tour step."""
    from kiosk.ui.backend import SimCard, SimFinger

    s = app.session

    def titled(kind: str, key: str, **fields: Any) -> Callable[[], bool]:
        return lambda: on(kind)() and s.view.title == app.words.say(key, **fields)

    def act(action: str, arg: Any = None) -> Callable[[], None]:
        return lambda: s.act(action, arg)

    def button(screen: str, button_id: str) -> Callable[[], None]:
        return lambda: app.screen(screen).button(button_id).dispatch("on_release")

    def tile(arg: Any) -> Callable[[], None]:
        return lambda: app.screen("choices").tile(arg).dispatch("on_release")

    def typed(*pairs: tuple[str, str]) -> Callable[[], None]:
        def run() -> None:
            for name, text in pairs:
                s.act("focus", name)
                for char in text:
                    app.screen("form").key("key", char).dispatch("on_release")
        return run

    def then_all(*calls: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            for call in calls:
                call()
        return run

    def captcha() -> None:
        challenge = s.citizen.errand.challenge
        for char in challenge.digits:
            app.screen("form").key("key", char).dispatch("on_release")
        button("form", "next")()

    def own_office() -> None:
        tile(app.registry.demo_office_id)()

    def tracking_code() -> None:
        ref = s.citizen.errand.ref
        typed(("national_code", ref.national_code), ("tracking_code", ref.tracking_code))()
        button("form", "next")()

    applicant = _Applicant(app, rig)

    def enrolled() -> bool:
        applicant.drive()
        return titled("sheet", "office.completed")()

    def fingers_half_done() -> bool:
        applicant.drive()
        return bool(on("fingers")() and getattr(s.flow, "index", 0) >= 4)

    def delivered_or_retry(then: Callable[[], bool]) -> Callable[[], bool]:
        def check() -> bool:
            if on("finger")() and s.view.data.get("retry"):
                rig.place(SimFinger.HOLDER)
                s.retry()
                return False
            return then()
        return check

    def new_pin(again: bool) -> Callable[[], bool]:
        def check() -> bool:
            screen = app.screen("pin")
            return bool(on("pin")() and screen.again == again
                        and screen.view.data.get("mode") == "new")
        return check

    def enter_pin() -> None:
        screen = app.screen("pin")
        for digit in NEW_PIN1:
            screen.ids.pad.press(digit)
        screen.submit()

    def pin(code: str) -> Callable[[], None]:
        def typed_code() -> None:
            screen = app.screen("operator")
            for digit in code:
                screen.ids.pad.press(digit)
            screen.submit()
        return typed_code

    return [
        # the citizen: eligibility, pre-registration, the tracking code, a booking
        step(on("attract"), None, app.session.registration),
        step(titled("choices", "registry.menu"), "registration-menu", tile("register")),
        step(titled("choices", "eligibility.title"), "eligibility-situation", tile("none")),
        step(on("form"), "eligibility-birth", then_all(
            act("date", ("year", -10)), act("date", ("month", 4)),
            button("form", "next"))),
        step(titled("sheet", "eligibility.yes"), "eligibility-fee", button("sheet", "register")),
        step(titled("form", "register.title"), None, typed(
            ("national_code", APPLICANT_CODE[:-1] + "9"), ("mobile", "0912123"))),
        step(lambda: on("form")() and bool(s.view.data["fields"][0]["problem"]),
             "register-problems", then_all(
                 act("focus", "national_code"), act("delete"),
                 typed(("national_code", APPLICANT_CODE[-1]), ("mobile", "4567"),
                       ("serial", SERIAL), ("mother_name", MOTHER)),
                 act("focus", "gender"), act("choose", "female"))),
        step(lambda: on("form")() and s.view.data["focus"] == "gender", "register-form",
             button("form", "next")),
        step(titled("form", "captcha.title"), "captcha", captcha),
        step(titled("sheet", "review.title"), "review", button("sheet", "confirm")),
        step(titled("sheet", "bank.title"), "bank", button("sheet", "pay")),
        step(titled("sheet", "register.done"), "tracking-code", button("sheet", "receipt")),
        step(on("receipt"), "receipt", button("receipt", "back")),
        step(titled("sheet", "register.done"), None, button("sheet", "book")),
        step(titled("form", "book.title"), "book-day", button("form", "free")),
        step(lambda: on("choices")() and bool(s.view.data["tiles"]), "offices", own_office),
        step(titled("sheet", "book.held"), "held", button("sheet", "pay")),
        step(titled("sheet", "bank.title"), "bank-booking", button("sheet", "pay")),
        step(titled("sheet", "book.booked"), "booked", then_all(
            applicant.remember, app.session.registration)),
        step(titled("choices", "registry.menu"), None, tile("status")),
        step(titled("form", "status.title"), None, applicant.codes),
        step(titled("sheet", "status.title"), "status", s.go_home),
        # the office: the schedule, completion, four eyes, issue, ready, hand-over
        step(on("attract"), None, s.office_mode),
        step(on("operator"), None, pin(OPERATOR)),
        step(titled("choices", "office.title"), "office-home", tile("schedule")),
        step(lambda: on("choices")() and bool(s.view.data["tiles"]), "office-schedule",
             lambda: tile(s.view.data["tiles"][0].arg)()),
        step(titled("sheet", "office.applicant"), "office-applicant",
             button("sheet", "attended")),
        step(lambda: "complete" in app.screen("sheet").buttons, None,
             button("sheet", "complete")),
        step(titled("form", "office.documents"), None, typed(*DOCUMENTS)),
        step(lambda: on("form")() and s.view.data["focus"] == "mobile", "office-documents",
             button("form", "next")),
        step(titled("sheet", "office.photo"), None, button("sheet", "shoot")),
        step(lambda: "use" in app.screen("sheet").buttons, "office-photo",
             button("sheet", "use")),
        step(titled("sheet", "office.fingers.ready"), None, then_all(
            lambda: rig.place(SimFinger.LIFT), button("sheet", "fingers"))),
        step(fingers_half_done, "office-fingers"),
        step(enrolled, "office-completed", button("sheet", "applicant")),
        step(lambda: "decide" in app.screen("sheet").buttons, None, button("sheet", "decide")),
        step(on("operator"), "office-manager", pin(MANAGER)),
        step(on("choices"), "office-decision", tile("approve")),
        step(titled("sheet", "office.approved"), None, button("sheet", "applicant")),
        step(lambda: "issue" in app.screen("sheet").buttons, None, button("sheet", "issue")),
        step(lambda: "ready" in app.screen("sheet").buttons, "office-issued",
             button("sheet", "ready")),
        step(lambda: "deliver" in app.screen("sheet").buttons, None,
             button("sheet", "deliver")),
        step(titled("sheet", "office.ticket"), "office-ticket", button("sheet", "start")),
        step(titled("sheet", "office.insert"), None, lambda: rig.insert(SimCard.ISSUED)),
        step(on("finger"), None, lambda: rig.place(SimFinger.HOLDER)),
        step(delivered_or_retry(new_pin(False)), None, enter_pin),
        step(new_pin(True), None, enter_pin),
        step(titled("sheet", "office.delivered"), "office-delivered",
             button("sheet", "receipt")),
        step(on("receipt"), "office-receipt", then_all(rig.remove, s.go_home)),
    ]


def english_steps(app: Any, step: Callable[..., Any],
                  on: Callable[[str], Callable[[], bool]]) -> list[Any]:
    """A few of the same screens in English (the tour's applicant, now delivered)."""
    s = app.session

    def tile(arg: Any) -> Callable[[], None]:
        return lambda: app.screen("choices").tile(arg).dispatch("on_release")

    return [
        step(on("attract"), None, s.registration),
        step(lambda: on("choices")() and app.lang == "en", "en-registration-menu",
             tile("eligibility")),
        step(lambda: on("choices")() and s.view.data["tiles"][0].arg == "none",
             "en-eligibility-situation", tile("lost")),
        step(lambda: on("choices")() and s.view.data["tiles"][0].arg == 0,
             "en-eligibility-duplicates", tile(1)),
        step(on("form"), "en-eligibility-birth", lambda: s.act("next")),
        step(lambda: on("sheet")() and s.view.tone == "ok", "en-eligibility-fee",
             lambda: s.act("register")),
        step(on("form"), "en-register-form", s.go_home),
    ]


class _Applicant:
    """The tour's applicant at the office: the finger the sensor asks for, lifted when
    told; and the codes they keep."""

    def __init__(self, app: Any, rig: Any) -> None:
        self.app, self.rig = app, rig
        self.last: tuple[int, object, object] | None = None   # what was last acted on
        self.retried = 0
        self.ref: Any = None

    def remember(self) -> None:
        errand = self.app.session.citizen.errand
        self.ref = errand.ref

    def codes(self) -> None:
        s = self.app.session
        for name, text in (("national_code", self.ref.national_code),
                           ("tracking_code", self.ref.tracking_code)):
            s.act("focus", name)
            for char in text:
                self.app.screen("form").key("key", char).dispatch("on_release")
        s.act("next")

    def drive(self) -> None:
        """Act on each change of what the enrolment asks: place the finger asked for (a
        new impression each time), lift it when told or after a poor touch, and on a
        finger that gave no usable touch have the operator try it again."""
        from biometric.capture import CaptureStep
        from kiosk.flows.enrol_fingers import EnrolFingersFlow, EnrolState
        from kiosk.ui.backend import SimFinger

        flow = self.app.session.flow
        if not isinstance(flow, EnrolFingersFlow) or flow.finished:
            return
        key = (int(flow.finger), flow.capture_step, flow.state)
        if key == self.last:
            return
        self.last = key
        if flow.state is EnrolState.FINGER_FAILED:
            self.retried += 1
            if self.retried > 20:
                raise RuntimeError(f"the tour's applicant gave no usable touch: {key}")
            self.rig.place(SimFinger.LIFT)
            self.app.screen("fingers").button("retry").dispatch("on_release")
        elif flow.capture_step in (CaptureStep.LIFT_AND_PLACE, CaptureStep.POOR_TOUCH):
            self.rig.place(SimFinger.LIFT)
        elif flow.capture_step is CaptureStep.PLACE_FINGER:
            self.rig.place(SimFinger.APPLICANT, int(flow.finger))
