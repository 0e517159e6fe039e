"""One exception tree for the registry, each error carrying its reason as data.

The text of an exception is for developers and logs. Faces word the attributes
(enums, dates, amounts) in Persian or English themselves, as ``kiosk/`` does for the
card errors. Every class takes its data as keyword-friendly attributes and builds a
developer message from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the modules below import this one
    import jdatetime

    from registry.captcha import CaptchaResult
    from registry.eligibility import Refusal
    from registry.forms import FieldProblem
    from registry.lifecycle import BookingBlock, Status
    from registry.tracking import CodeProblem


class RegistryError(Exception):
    """Base of every error the registry raises on purpose."""


class NotEligible(RegistryError):
    """The applicant may not apply for a smart card now; ``refusal`` says why."""

    def __init__(self, refusal: Refusal, eligible_from: jdatetime.date | None = None) -> None:
        detail = f" (eligible from {eligible_from})" if eligible_from else ""
        super().__init__(f"not eligible: {refusal.value}{detail}")
        self.refusal = refusal
        self.eligible_from = eligible_from


class InvalidForm(RegistryError):
    """A form has problems; ``problems`` lists every one (field and what is wrong)."""

    def __init__(self, problems: tuple[FieldProblem, ...]) -> None:
        listed = ", ".join(f"{p.field.value}: {p.problem.value}" for p in problems)
        super().__init__(f"the form has {len(problems)} problem(s): {listed}")
        self.problems = problems


class CaptchaFailed(RegistryError):
    """The captcha answer was not accepted; ``result`` says why (wrong, expired, unknown)."""

    def __init__(self, result: CaptchaResult) -> None:
        super().__init__(f"captcha not passed: {result.value}")
        self.result = result


class InvalidTrackingCode(RegistryError):
    """Typed text is not a tracking code; ``problem`` says which rule it broke."""

    def __init__(self, problem: CodeProblem, what: str = "tracking code") -> None:
        super().__init__(f"not a valid {what}: {problem.value}")
        self.problem = problem
        self.what = what


class FeeNotDefined(RegistryError):
    """No schedule in effect on ``on`` prices ``item`` (a fee or an office service)."""

    def __init__(self, item: object, on: jdatetime.date) -> None:
        name = getattr(item, "value", item)
        super().__init__(f"no fee schedule in effect on {on} prices {name}")
        self.item = item
        self.on = on


class TransitionRefused(RegistryError):
    """The lifecycle forbids going from ``from_status`` to ``to_status``."""

    def __init__(self, from_status: Status, to_status: Status) -> None:
        super().__init__(f"an application cannot go from {from_status.value} "
                         f"to {to_status.value}")
        self.from_status = from_status
        self.to_status = to_status


class BookingNotAllowed(RegistryError):
    """Booking is refused by a deadline; ``block`` says which, ``until`` the date involved.

    For ``WINDOW_CLOSED`` ``until`` is the last day booking was open; for
    ``BARRED_AFTER_MISSED`` it is the first day booking opens again.
    """

    def __init__(self, block: BookingBlock, until: jdatetime.date | None) -> None:
        super().__init__(f"booking not allowed: {block.value} ({until})")
        self.block = block
        self.until = until
