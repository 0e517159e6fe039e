"""Completing a registration at the office: the documents typed and checked as data, the
camera's photo, ten fingers through the enrolment flow (with skip reasons), then the
registry's record of it and its charge; a refused document is corrected and sent again
without new fingers."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

from apdu.biometric_profile import FingerPosition as CardFinger
from biometric.capture import CaptureStep
from kiosk.flows.base import Flow
from kiosk.flows.enrol_fingers import EnrolFingersFlow, EnrolledFingers, EnrolState
from kiosk.flows.events import Cancel, Retry, SkipFinger
from kiosk.flows.outcome import Ending, Outcome
from kiosk.text import number
from kiosk.ui.desk.office_base import OfficeErrand, show_charge_receipt
from kiosk.ui.desk.views import Button, form_view, sheet_view, toman_and_rial
from kiosk.ui.forms import Field, Form, Keys
from kiosk.ui.present import View
from registry.contract import ScheduledAppointment
from registry.documents import (
    BirthCertificateSeen,
    DocField,
    Documents,
    InvalidDocuments,
    PresentedCard,
    checked_documents,
)
from registry.fingers import TEN_FINGERS, FingerCapture, FingerPosition, SkipReason
from registry.office_contract import Completion, CompletionResult
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.photo import Photo, photo_problem
from registry.service import RegistryService

if TYPE_CHECKING:
    from kiosk.ui.desk.office import ApplicantErrand, OfficeDesk

DOC_FIELDS = {DocField.GIVEN_NAME: "given_name", DocField.SURNAME: "surname",
              DocField.FATHER_NAME: "father_name", DocField.BIRTH_CERTIFICATE: "original",
              DocField.BIRTH_CERTIFICATE_NUMBER: "certificate_number",
              DocField.BIRTH_CERTIFICATE_SERIAL: "serial", DocField.POSTAL_CODE: "postal_code",
              DocField.ADDRESS: "address", DocField.LANDLINE: "landline",
              DocField.MOBILE: "mobile"}
"""The documents' fields by the names the kiosk's form gives them."""



def documents_form() -> Form:
    def check(form: Form) -> dict[str, Enum]:
        try:
            checked_documents(typed_documents(form), form.text("serial"))
        except InvalidDocuments as refused:
            return {DOC_FIELDS[p.field]: p.problem for p in refused.problems}
        return {}

    return Form([
        Field("given_name", Keys.LETTERS, 40), Field("surname", Keys.LETTERS, 40),
        Field("father_name", Keys.LETTERS, 40), Field("certificate_number", Keys.DIGITS, 10),
        Field("serial", Keys.TEXT, 14),
        Field("original", Keys.CHOICE, choices=("yes", "no"), value="yes"),
        Field("national_card", Keys.CHOICE, choices=tuple(c.value for c in PresentedCard),
              value=PresentedCard.NONE.value),
        Field("postal_code", Keys.DIGITS, 10), Field("address", Keys.TEXT, 120),
        Field("landline", Keys.DIGITS, 11), Field("mobile", Keys.DIGITS, 11),
    ], check)


def typed_documents(form: Form) -> Documents:
    return Documents(
        BirthCertificateSeen(form.text("given_name"), form.text("surname"),
                             form.text("father_name"), form.text("certificate_number"),
                             form.text("serial"), form.text("original") == "yes"),
        PresentedCard(form.text("national_card") or PresentedCard.NONE.value),
        form.text("postal_code"), form.text("address"), form.text("landline"),
        form.text("mobile"))


HANDS = (TEN_FINGERS[:5], TEN_FINGERS[5:])


class CompleteErrand(OfficeErrand):
    """Documents, photo, ten fingers, then the registry records the completion."""

    name = "complete"

    def __init__(self, desk: OfficeDesk, line: ScheduledAppointment,
                 applicant: ApplicantErrand) -> None:
        super().__init__(desk)
        self.line = line
        self.applicant = applicant
        self.documents = documents_form()
        self.photo: Photo | None = None
        self.flow: EnrolFingersFlow | None = None
        self.skips: dict[FingerPosition, SkipReason] = {}
        self.enrolled: EnrolledFingers | None = None
        self.result: CompletionResult | None = None
        self.step = "documents"

    @property
    def form(self) -> Form | None:
        return self.documents if self.step == "documents" else None

    def wipe(self) -> None:
        self.documents.wipe()
        self.photo = None
        self.enrolled = None
        self.result = None
        self.skips = {}

    def goto(self, step: str) -> None:
        self.step = step
        self.desk.render()

    def view(self) -> View:
        w = self.w
        if self.step == "documents":
            return form_view(w, w.say("office.documents"), self.documents, [
                Button("next", w.say("button.next"), "next"),
                Button("back", w.say("button.back"), "back", role="secondary")],
                body=w.say("office.documents.body"))
        if self.step == "photo":
            problem = photo_problem(self.photo.jpeg) if self.photo else None
            body = w.say("office.photo.body") if self.photo is None else (
                w.say("office.photo.ok") if problem is None else w.say(
                    "office.photo.bad", why=w.say(f"PhotoProblem.{problem.name}")))
            buttons = [Button("shoot", w.say("office.photo.take" if self.photo is None
                                             else "office.photo.again"), "shoot",
                              role="primary" if self.photo is None else "secondary")]
            if self.photo is not None and problem is None:
                buttons.insert(0, Button("use", w.say("office.photo.use"), "use"))
            buttons.append(Button("back", w.say("button.back"), "back", role="secondary"))
            source = w.say(self.photo.source) if self.photo else ""
            return sheet_view(w, w.say("office.photo"), body, photo=self.photo.jpeg
                              if self.photo else None, tone="warn" if problem else "info",
                              rows=[(w.say("office.photo.source"), source)] if source else [],
                              buttons=buttons)
        if self.step == "done" and self.result is not None:
            r, charge = self.result.record, self.result.charge
            return sheet_view(w, w.say("office.completed"), w.say("office.completed.body"),
                              tone="ok", rows=[
                                  (w.say("office.name"), f"{r.given_name} {r.surname}"),
                                  (w.say("office.fingers_taken"), w.say(
                                      "office.fingers_count",
                                      taken=number(len(r.captured), w.lang),
                                      skipped=number(len(r.skipped), w.lang))),
                                  (w.say("office.completion_fee"),
                                   toman_and_rial(w, charge.amount_rial))],
                              buttons=[Button("applicant", w.say("office.applicant_back"),
                                              "applicant"),
                                       Button("receipt", w.say("receipt.show"), "receipt",
                                              role="secondary")])
        return sheet_view(w, w.say("office.fingers.ready"), w.say("office.fingers.ready_body"),
                          buttons=[Button("fingers", w.say("office.fingers.start"), "fingers"),
                                   Button("back", w.say("button.back"), "back",
                                          role="secondary")])

    # -- documents ----------------------------------------------------------------------
    def on_next(self, _arg: Any) -> None:
        form = self.documents
        form.touch_all()
        first = form.first_problem()
        if first is not None:
            form.focus_on(first)
            self.desk.render()
            return
        if self.photo is not None and self.enrolled is not None:
            self._submit()          # a document corrected after the registry refused it
            return
        self.goto("photo")

    def on_back(self, _arg: Any) -> None:
        back = {"documents": None, "photo": "documents", "fingers": "photo"}.get(self.step)
        if back is None:
            self.desk.begin(self.applicant)
            self.applicant.reload()
        else:
            self.goto(back)

    # -- photo --------------------------------------------------------------------------
    def on_shoot(self, _arg: Any) -> None:
        camera = self.office.office_host.backend.camera
        if camera is None:
            self.desk.trouble(OfficeStepRefused(OfficeRefusal.PHOTO, detail="not-jpeg"))
            return

        def taken(photo: Photo) -> None:
            self.photo = photo
            self.desk.audit("photo", source=photo.source.value,
                            usable=photo_problem(photo.jpeg) is None)
            self.goto("photo")

        self.desk.run(camera.capture, taken)

    def on_use(self, _arg: Any) -> None:
        self.goto("fingers")

    # -- ten fingers --------------------------------------------------------------------
    def on_fingers(self, _arg: Any) -> None:
        host = self.office.office_host
        self.skips = {}
        flow = EnrolFingersFlow(host.runner, host.backend.fingers)
        self.flow = flow
        self.desk.audit("fingers-start", application_id=self.line.application_id)
        host.start(flow, None, then=self._enrolled, view=self.fingers_view)

    def fingers_view(self, flow: Flow) -> View:
        assert isinstance(flow, EnrolFingersFlow)
        w = self.w
        current = FingerPosition(int(flow.finger))
        passed = {FingerPosition(int(p)) for p in flow.positions[:flow.index]}
        taken = passed - set(self.skips)
        hands = []
        for hand in HANDS:
            row = []
            for position in hand:
                if position in taken:
                    state = "done"
                elif position in self.skips:
                    state = "skipped"
                elif position == current:
                    state = "bad" if flow.state is EnrolState.FINGER_FAILED else "now"
                else:
                    state = "todo"
                row.append({"name": w.say(f"finger.short.{int(position)}"), "state": state,
                            "position": int(position)})
            hands.append(row)
        finger = w.say(CardFinger(int(current)))
        progress = w.say("office.fingers.progress", taken=number(len(taken), w.lang),
                         total=number(len(TEN_FINGERS), w.lang),
                         skipped=number(len(self.skips), w.lang))
        cancel = Button("cancel", w.say("button.cancel"), "cancel_fingers", role="secondary")
        if flow.state is EnrolState.FINGER_FAILED:
            why = flow.last_failure.ending if flow.last_failure else Ending.NO_USABLE_TOUCH
            buttons = [Button("retry", w.say("button.retry"), "retry_finger")]
            buttons += [Button(f"skip_{r.value}", w.say(f"office.skip.{r.name}"), "skip_finger",
                               r.value, role="secondary") for r in SkipReason]
            return View("fingers", w.say("office.fingers.failed", finger=finger),
                        w.say(f"end.{why.name}"), note=progress, tone="warn",
                        data={"hands": hands, "buttons": [*buttons, cancel]})
        step = flow.capture_step or CaptureStep.PLACE_FINGER
        return View("fingers", w.say("office.fingers.place", finger=finger), w.say(step),
                    note=progress, tone="warn" if step in (CaptureStep.POOR_TOUCH,
                                                           CaptureStep.LIFT_AND_PLACE)
                    else "info", data={"hands": hands, "buttons": [cancel]})

    def on_retry_finger(self, _arg: Any) -> None:
        self.office.office_host.send(Retry())

    def on_skip_finger(self, arg: Any) -> None:
        flow = self.flow
        if flow is None or flow.state is not EnrolState.FINGER_FAILED:
            return
        self.skips[FingerPosition(int(flow.finger))] = SkipReason(arg)
        self.desk.audit("finger-skipped", finger=int(flow.finger), reason=str(arg))
        self.office.office_host.send(SkipFinger())

    def on_cancel_fingers(self, _arg: Any) -> None:
        self.office.office_host.send(Cancel())

    def _enrolled(self, outcome: Outcome) -> None:
        self.flow = None
        if not outcome.ok or not isinstance(outcome.value, EnrolledFingers):
            w = self.w
            self.desk.audit("fingers-ended", ending=outcome.ending.value)
            self.desk.show(sheet_view(w, w.say(f"end.{outcome.ending.name}"),
                                      w.say(f"next.{outcome.ending.name}"), tone="warn",
                                      buttons=[Button("fingers", w.say("office.fingers.start"),
                                                      "fingers"),
                                               Button("back", w.say("button.back"), "back",
                                                      role="secondary")]))
            self.step = "fingers"
            return
        self.enrolled = outcome.value
        self._submit()

    def _capture(self) -> FingerCapture:
        enrolled = self.enrolled
        assert enrolled is not None
        skipped = dict(self.skips)
        for p in enrolled.skipped:
            skipped.setdefault(FingerPosition(int(p)), SkipReason.UNREADABLE)
        return FingerCapture({FingerPosition(int(p)): t for p, t in enrolled.templates.items()},
                             skipped, enrolled.max_minutiae, enrolled.minutiae_order)

    def _submit(self) -> None:
        assert self.photo is not None
        office, line = self.office, self.line
        documents = typed_documents(self.documents)
        photo, capture = self.photo, self._capture()

        def job(s: RegistryService) -> CompletionResult:
            return s.complete_registration(Completion(line.application_id, office.office_id(),
                                                      photo, capture, documents))

        self.call(job, self._completed, failed=self._refused)

    def _completed(self, result: CompletionResult) -> None:
        self.result = result
        self.enrolled = None
        self.desk.audit("completed", application_id=result.record.application_id,
                        captured=len(result.record.captured),
                        skipped=len(result.record.skipped))
        self.goto("done")

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, InvalidDocuments):
            self.documents.refuse({DOC_FIELDS[p.field]: p.problem for p in error.problems})
            self.goto("documents")
            return True
        if isinstance(error, OfficeStepRefused) and error.reason is OfficeRefusal.PHOTO:
            self.photo = None
            self.goto("photo")
            return True
        return False

    def on_applicant(self, _arg: Any) -> None:
        self.desk.begin(self.applicant)
        self.applicant.reload()

    def on_receipt(self, _arg: Any) -> None:
        assert self.result is not None
        show_charge_receipt(self.office, self.result.record, self.result.charge,
                            f"completion-{self.result.record.application_id}")


