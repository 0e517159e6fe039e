"""What a screen shows for a flow's current state: Kivy-free, so it can be read and tested.

The flows know the services; this module only reads a flow's state and public facts
(its prompt, tries left, capture step, activation step, outcome) and words them for one
of the kiosk's screens. It never decides anything about the card.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from apdu.authenticity import AuthenticityReport
from apdu.biometric_profile import FingerPosition
from apdu.constants import PinRef, PinState
from apdu.pins import PIN_RULES
from apdu.problems import Problem
from biometric.capture import CaptureStep
from kiosk.flows.activate_signature import ActivationState, SignatureActivationFlow
from kiosk.flows.base import Flow
from kiosk.flows.change_pin import PinChangeState, UnblockPinFlow, _SecretThenNewPin
from kiosk.flows.deliver import DeliverCardFlow, DeliverState
from kiosk.flows.finger import FingerFlow, FingerStep
from kiosk.flows.forgot_pin import ForgotPinFlow, ForgotState
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.pin_entry import NewPinRequest, SecretPrompt
from kiosk.flows.situation import CardSituation, Service
from kiosk.text import amount, jalali_date, tries_left
from kiosk.ui.words import UiWords
from signing.activation import ActivationResult
from signing.activation_errors import ActivationError, Step

ACTIVATION_STEPS = (Step.READ_CARD, Step.VERIFY_HOLDER, Step.GENERATE_KEY, Step.SET_PIN2,
                    Step.BUILD_REQUEST, Step.ISSUE, Step.WRITE_CERTIFICATE)


@dataclass
class View:
    """One screen and what it shows. ``kind`` names the screen."""

    kind: str
    title: str = ""
    body: str = ""
    note: str = ""
    tone: str = "info"  # info, ok, warn, bad
    data: dict[str, Any] = field(default_factory=dict)


def pin_name(w: UiWords, ref: PinRef) -> str:
    return w.say(f"pin.{ref.name}")


def span(w: UiWords, ref: PinRef) -> str:
    rule = PIN_RULES[ref]
    low, high = w.number(rule.min_length), w.number(rule.max_length)
    return low if low == high else w.say("pin.span", low=low, high=high)


def tries(w: UiWords, n: int) -> str:
    return tries_left(n, w.lang)


def problem_text(w: UiWords, problem: Problem) -> str:
    return w.say(problem.kind, group=problem.group or "?",
                 part=problem.part.value if problem.part else "?",
                 algorithm=problem.algorithm or "?", field=problem.field or "TLV",
                 sw=f"{problem.status_word or 0:04X}", until=str(problem.until),
                 valid_from=str(problem.valid_from))


def authenticity_lines(w: UiWords, report: AuthenticityReport) -> list[str]:
    lines = [w.say(report.verdict)] if w.has(report.verdict) else []
    return lines + [problem_text(w, p) for p in report.problems]


def policy_text(w: UiWords, reason: Enum, ref: PinRef) -> str:
    return w.say(reason, pin=pin_name(w, ref), span=span(w, ref))


def status_line(w: UiWords, situation: CardSituation) -> list[str]:
    """Tries left for every secret and the finger, before any is asked."""
    items = []
    for ref, status in situation.pins.items():
        if status.state is PinState.NOT_SET:
            value = w.say("status.not_set")
        elif status.blocked:
            value = w.say("status.blocked")
        else:
            value = tries(w, status.tries_left)
        short = f"status.short.{ref.name}"     # the band has a quarter of the width
        name = w.say(short) if w.has(short) else pin_name(w, ref)
        items.append(w.say("status.pin", pin=name, tries=value))
    finger = situation.finger()
    if situation.fingers:
        value = tries(w, finger.tries_left) if finger else w.say("status.blocked")
        items.append(w.say("status.finger", tries=value))
    return items


MENU_ORDER = (Service.CHANGE_PIN1, Service.RESET_PIN1_BY_FINGER, Service.UNBLOCK_PIN1,
              Service.ACTIVATE_SIGNATURE, Service.CHANGE_PIN2, Service.RESET_PIN2_BY_FINGER,
              Service.UNBLOCK_PIN2, Service.VERIFY_FINGER, Service.DELIVER)


def menu_view(w: UiWords, situation: CardSituation, fee_rial: int) -> View:
    """The services this card allows now, each with the tries it may spend."""
    allowed = situation.allows()
    tiles = []
    for service in MENU_ORDER:
        if service not in allowed:
            continue
        hint_fields: dict[str, str] = {}
        if service in (Service.CHANGE_PIN1, Service.CHANGE_PIN2):
            ref = PinRef.PIN1 if service is Service.CHANGE_PIN1 else PinRef.PIN2
            hint_fields["tries"] = tries(w, situation.pin(ref).tries_left)
        elif service in (Service.UNBLOCK_PIN1, Service.UNBLOCK_PIN2):
            hint_fields["tries"] = tries(w, situation.pin(PinRef.PUK).tries_left)
        elif service in (Service.RESET_PIN1_BY_FINGER, Service.RESET_PIN2_BY_FINGER,
                         Service.VERIFY_FINGER):
            finger = situation.finger()
            hint_fields["tries"] = tries(w, finger.tries_left if finger else 0)
        elif service is Service.ACTIVATE_SIGNATURE:
            hint_fields["fee"] = amount(fee_rial, w.lang)
        tiles.append({"service": service, "title": w.say(service),
                      "hint": w.say(f"hint.{service.name}", **hint_fields)})
    return View("menu", w.say("menu.title"), data={
        "tiles": tiles, "status": status_line(w, situation),
        "empty": w.say("menu.none") if not tiles else ""})


def working(w: UiWords, title_key: str, body_key: str = "working.card", **data: Any) -> View:
    return View("working", w.say(title_key), w.say(body_key), data=data)


def flow_view(w: UiWords, flow: Flow, service: Service) -> View:
    """The screen for a running (not finished) flow."""
    state = flow.state
    if isinstance(flow, FingerFlow) and isinstance(state, FingerStep):
        return finger_view(w, flow, state)
    if isinstance(flow, SignatureActivationFlow):
        return activation_view(w, flow, state)
    if isinstance(flow, _SecretThenNewPin):
        if state is PinChangeState.ASKING_SECRET and flow.prompt is not None:
            key = "pin.enter" if isinstance(flow, UnblockPinFlow) else "pin.enter_current"
            return pin_view(w, flow.prompt, key)
        if state is PinChangeState.ASKING_NEW_PIN and flow.new_pin is not None:
            return new_pin_view(w, flow.new_pin)
        if state is PinChangeState.CHANGING:
            return working(w, "pin.changing")
        return working(w, "menu.looking")
    if isinstance(flow, ForgotPinFlow):
        if state is ForgotState.ASKING_NEW_PIN and flow.new_pin is not None:
            return new_pin_view(w, flow.new_pin, w.say("finger.matched_new_pin"))
        if state is ForgotState.RESETTING:
            return working(w, "pin.changing")
        return working(w, "menu.looking")
    if isinstance(flow, DeliverCardFlow):
        if state is DeliverState.ASKING_NEW_PIN and flow.new_pin is not None:
            return new_pin_view(w, flow.new_pin, w.say("finger.matched_new_pin"))
        if state is DeliverState.ACTIVATING:
            return working(w, "deliver.activating")
        if state is DeliverState.SETTING_PIN:
            return working(w, "pin.changing")
        return working(w, "deliver.reading")
    return working(w, "menu.looking" if service is not Service.READ else "reading.title",
                   "working.card" if service is not Service.READ else "reading.body")


def pin_view(w: UiWords, prompt: SecretPrompt, key: str) -> View:
    name = pin_name(w, prompt.ref)
    note = w.say("pin.tries", tries=tries(w, prompt.tries_left))
    error = ""
    if prompt.problem is not None:
        error = w.say("pin.not_accepted", why=policy_text(w, prompt.problem, prompt.ref))
    elif prompt.last_wrong:
        error = w.say("pin.wrong", tries=tries(w, prompt.tries_left))
    rule = PIN_RULES[prompt.ref]
    return View("pin", w.say(key, pin=name), w.say("pin.length", span=span(w, prompt.ref)),
                note=note, tone="bad" if error else "info",
                data={"mode": "secret", "error": error, "min": rule.min_length,
                      "max": rule.max_length})


def new_pin_view(w: UiWords, request: NewPinRequest, intro: str = "") -> View:
    name = pin_name(w, request.ref)
    error = ""
    if request.problem is not None:
        error = w.say("pin.not_accepted", why=policy_text(w, request.problem, request.ref))
    return View("pin", w.say("pin.enter_new", pin=name),
                w.say("pin.length", span=span(w, request.ref)), note=intro,
                tone="bad" if error else "info",
                data={"mode": "new", "error": error, "again": w.say("pin.enter_again", pin=name),
                      "min": request.min_length, "max": request.max_length})


def finger_name(w: UiWords, flow: FingerFlow) -> str:
    position = flow.finger.info.finger_position if flow.finger else FingerPosition.RIGHT_INDEX
    return w.say(position)


def finger_view(w: UiWords, flow: FingerFlow, state: FingerStep) -> View:
    left = flow.finger_tries_left or 0
    if state is FingerStep.NOT_RECOGNISED:
        return View("finger", w.say("finger.not_recognised"),
                    w.say("finger.not_recognised_body", tries=tries(w, left)), tone="warn",
                    data={"step": "retry", "retry": True})
    if state is FingerStep.MATCHING:
        return View("finger", w.say("finger.matching"), w.say("working.card"),
                    data={"step": "matching", "retry": False})
    step = flow.capture_step or CaptureStep.PLACE_FINGER
    return View("finger", w.say("finger.which", finger=finger_name(w, flow)), w.say(step),
                note=w.say("finger.tries", tries=w.number(left)),
                tone="warn" if step in (CaptureStep.POOR_TOUCH, CaptureStep.LIFT_AND_PLACE)
                else "info", data={"step": step.name.lower(), "retry": False})


def activation_view(w: UiWords, flow: SignatureActivationFlow, state: Enum) -> View:
    if state is ActivationState.CONFIRMING:
        note = w.say("activation.resuming") if flow.resuming else ""
        return View("confirm", w.say("activation.title"), w.say("activation.body"), note=note,
                    data={"fee": w.say("activation.fee",
                                       fee=amount(flow.fee_toman * 10, w.lang))})
    if state is ActivationState.ASKING_PIN1 and flow.prompt is not None:
        return pin_view(w, flow.prompt, "pin.enter")
    if state is ActivationState.ASKING_PIN2 and flow.prompt is not None:
        return pin_view(w, flow.prompt, "pin.enter")
    if state is ActivationState.ASKING_NEW_PIN2 and flow.new_pin2 is not None:
        return new_pin_view(w, flow.new_pin2)
    if state is ActivationState.ACTIVATING:
        current = flow.step
        steps = []
        seen_current = current is None
        for step in ACTIVATION_STEPS:
            if step is current:
                status, seen_current = "now", True
            else:
                status = "todo" if seen_current else "done"
            steps.append({"text": w.say(step), "status": status})
        return View("working", w.say("activation.working"), w.say("activation.wait"),
                    data={"steps": steps})
    if state in (ActivationState.CHECKING_PIN1, ActivationState.CHECKING_PIN2):
        return working(w, "pin.checking")
    return working(w, "menu.looking")


def outcome_view(w: UiWords, outcome: Outcome, service: Service,
                 situation: CardSituation | None) -> View:
    """How a service ended, and what to do next. Every ending has its words."""
    ending = outcome.ending
    if ending is Ending.DONE:
        body = w.say("done.next")
        if service is Service.VERIFY_FINGER:
            body = w.say("done.next_finger")
        elif service is Service.DELIVER:
            body = w.say("done.next_deliver")
        elif service is Service.ACTIVATE_SIGNATURE and isinstance(outcome.value,
                                                                  ActivationResult):
            day = outcome.value.certificate.not_valid_after_utc.date()
            body = w.say("done.next_signature", day=jalali_date(day, w.lang))
        note = ""
        puk_gone = situation.puk_used_up if situation else False
        if service in (Service.RESET_PIN1_BY_FINGER, Service.RESET_PIN2_BY_FINGER) and puk_gone:
            note = w.say("done.puk_note")
        return View("outcome", w.say(f"done.{service.name}"), body, note=note, tone="ok")
    ref = outcome.ref or PinRef.PIN1
    fields = {"pin": pin_name(w, ref), "tries": tries(w, outcome.tries_left or 0),
              "why": ""}
    next_key = f"next.{ending.name}"
    if ending is Ending.POLICY_REFUSED and isinstance(outcome.detail, Enum):
        fields["why"] = policy_text(w, outcome.detail, ref)
    if ending is Ending.SECRET_BLOCKED and situation is not None and situation.puk_used_up:
        next_key = "next.SECRET_BLOCKED_NO_PUK"
    note = ""
    if isinstance(outcome.detail, ActivationError):
        error = outcome.detail
        fields["why"] = w.say(error.problem, sw=f"{error.status_word or 0:04X}",
                              pin=pin_name(w, error.pin) if error.pin else "PIN",
                              tries=tries(w, error.tries_left or 0), why=str(error))
        if ending is not Ending.ACTIVATION_STOPPED:
            note = fields["why"]
    if isinstance(outcome.detail, AuthenticityReport):
        note = "\n".join(authenticity_lines(w, outcome.detail))
    bad = ending in (Ending.NOT_GENUINE, Ending.SECRET_BLOCKED, Ending.PIN_SERVICES_GONE,
                     Ending.FINGER_BLOCKED, Ending.CARD_UNUSABLE, Ending.INTERNAL_ERROR,
                     Ending.READER_UNAVAILABLE, Ending.SENSOR_ERROR, Ending.WRONG_CARD)
    neutral = ending in (Ending.ALREADY_ACTIVE, Ending.ALREADY_DELIVERED, Ending.CANCELLED)
    return View("outcome", w.say(f"end.{ending.name}", **fields),
                w.say(next_key, **fields), note=note,
                tone="bad" if bad else ("info" if neutral else "warn"))
