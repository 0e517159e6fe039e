"""``nidkiosk office complete``: the registration finished at the desk.

The photo (a file or the SIMULATED camera), the documents the operator checked, and
the ten fingers enrolled through ``--sensor`` by :class:`EnrolFingersFlow`, with the
skip reasons the operator gave; the guidance goes to stderr, as JSON lines with
``--json`` so that a program (the end-to-end test) can act as the applicant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from apdu.biometric_profile import FingerPosition as CardFinger
from kiosk.cli.common import (
    EXIT_OK,
    Finished,
    UsageError,
    drive,
    err,
    exit_code,
    words,
)
from kiosk.cli.finger import say_finger_ending
from kiosk.cli.registry_common import (
    EXIT_REFUSED,
    caller_for,
    emit,
    open_registry,
    registry_command,
)
from kiosk.flows.base import Flow
from kiosk.flows.enrol_fingers import EnrolFingersFlow, EnrolledFingers, EnrolState
from kiosk.flows.events import Event, Retry, SkipFinger
from kiosk.flows.finger import SensorFingers
from kiosk.flows.runner import InlineRunner
from registry.documents import BirthCertificateSeen, Documents, PresentedCard
from registry.fingers import TEN_FINGERS, FingerCapture, FingerPosition, SkipReason
from registry.office_contract import (
    Completion,
)
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.photo import Photo, PhotoSource, photo_problem

FINGER_NAMES = {p.name.lower().replace("_", "-"): p for p in FingerPosition}


def finger_word(position: int) -> str:
    """The finger's name in the chosen language."""
    return words().finger(position)


def _skips(args: argparse.Namespace) -> dict[FingerPosition, SkipReason]:
    skipped: dict[FingerPosition, SkipReason] = {}
    for item in args.skip:
        name, _, reason = item.partition("=")
        try:
            position = FINGER_NAMES[name] if name in FINGER_NAMES else FingerPosition(int(name))
            skipped[position] = SkipReason(reason)
        except (KeyError, ValueError) as exc:
            raise UsageError(f"--skip {item}: FINGER=REASON, e.g. left-thumb=injured") from exc
    return skipped


def _photo(args: argparse.Namespace) -> Photo:
    if args.photo:
        try:
            return Photo(Path(args.photo).read_bytes(), PhotoSource.FILE)
        except OSError as exc:
            raise UsageError(f"--photo {args.photo}: {exc.strerror}") from exc
    from simulators.camera import SimulatedCamera  # SIMULATOR, only when asked for
    return SimulatedCamera(args.camera_persona).capture()


class EnrolGuidance:
    """Says which finger to place and what to do, on stderr; JSON lines with ``--json``
    (so a program, such as the end-to-end test, can act as the applicant)."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self._last: tuple[int, object] | None = None

    def __call__(self, flow: Flow) -> None:
        if not isinstance(flow, EnrolFingersFlow) or flow.finished:
            return
        if flow.state is not EnrolState.CAPTURING or flow.capture_step is None:
            return
        now = (int(flow.finger), flow.capture_step)
        if now == self._last:
            return
        self._last = now
        step = flow.capture_step
        if self.as_json:
            print(json.dumps({"event": "capture", "finger": int(flow.finger),
                              "step": step.name.lower().replace("_", "-")}),
                  file=sys.stderr, flush=True)
        else:
            err(f"{finger_word(int(flow.finger))}: {words().say(step)}")


def _enrol(args: argparse.Namespace, skipped: dict[FingerPosition, SkipReason]
           ) -> FingerCapture:
    if args.timeout <= 0 or args.retries < 0:
        raise UsageError("--timeout must be positive and --retries not negative")
    positions = [CardFinger(int(p)) for p in TEN_FINGERS if p not in skipped]
    flow = EnrolFingersFlow(InlineRunner(), SensorFingers(args.sensor, timeout=args.timeout),
                            positions=positions, on_change=EnrolGuidance(args.json))
    retries: dict[int, int] = {}
    interactive = sys.stdin.isatty()

    def answer(f: Flow) -> Event:
        assert isinstance(f, EnrolFingersFlow) and f.state is EnrolState.FINGER_FAILED
        finger = int(f.finger)
        left = args.retries - retries.get(finger, 0)
        if interactive:
            err(words().say("office.ask_retry"))
            if sys.stdin.readline().strip().lower().startswith("s"):
                return SkipFinger()
            return Retry()
        if left <= 0:
            err(words().say("office.finger_gave_up", finger=finger_word(finger),
                            code=FingerPosition(finger).name.lower().replace("_", "-")))
            raise Finished(EXIT_REFUSED)
        retries[finger] = retries.get(finger, 0) + 1
        err(words().say("office.finger_failed", finger=finger_word(finger), left=left))
        return Retry()

    outcome = drive(flow, answer)
    if not outcome.ok:
        say_finger_ending(outcome)
        raise Finished(exit_code(outcome))
    enrolled = outcome.value
    assert isinstance(enrolled, EnrolledFingers)
    skips = dict(skipped)
    skips.update({FingerPosition(int(p)): SkipReason.UNREADABLE for p in enrolled.skipped})
    return FingerCapture({FingerPosition(int(p)): t for p, t in enrolled.templates.items()},
                         skips, enrolled.max_minutiae, enrolled.minutiae_order)


@registry_command
def cmd_complete(args: argparse.Namespace) -> int:
    skipped = _skips(args)
    photo = _photo(args)
    problem = photo_problem(photo.jpeg)
    if problem is not None:        # before the ten fingers, not after them
        raise OfficeStepRefused(OfficeRefusal.PHOTO, detail=problem.value)
    documents = Documents(
        BirthCertificateSeen(args.given_name, args.surname, args.father_name,
                             args.certificate_number, args.serial,
                             not args.not_original_certificate),
        PresentedCard(args.national_card), args.postal_code, args.address, args.landline,
        args.mobile)
    registry = open_registry(args, caller_for("office", args.operator))
    try:
        fingers = _enrol(args, skipped)
        done = registry.complete_registration(Completion(args.application, args.office, photo,
                                                         fingers, documents))
        r = done.record
        emit(args, {"record": r, "charge": done.charge},
             words().say("office.completed", id=r.application_id, captured=len(r.captured),
                         skipped=len(r.skipped), amount=done.charge.amount_rial))
        return EXIT_OK
    finally:
        registry.close()
