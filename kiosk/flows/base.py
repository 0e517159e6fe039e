"""The flow machinery: states, events in order, jobs on a runner, one typed outcome.

A flow is driven from one thread (the face's). ``send`` checks the event is one the
current state accepts (else :class:`EventRefused`), moves the state, and may hand a job
to the runner; the job's result comes back through the runner and moves the state
again. ``Cancel``, ``Timeout`` and ``CardRemoved`` are accepted in every state until the
flow ends. A result that arrives after the flow ended is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import Any

from kiosk.flows.events import Cancel, CardRemoved, Event, Timeout
from kiosk.flows.outcome import Ending, Outcome
from kiosk.flows.runner import JobResult, Runner

logger = logging.getLogger("nidkiosk.flows")

Handler = Callable[[Any], None]


class FlowError(Exception):
    """Base of the errors a flow raises to the face that drives it."""


class EventRefused(FlowError):
    """The flow's current state does not take this event (out of order, or finished)."""

    def __init__(self, flow: str, state: Enum | None, event: Event) -> None:
        where = state.name if state is not None else "finished"
        super().__init__(f"{flow}: {type(event).__name__} refused in state {where}")
        self.flow = flow
        self.state = state
        self.event = event


class Flow:
    """Base of every service flow. Subclasses declare ``handlers`` per state."""

    name = "flow"

    def __init__(self, runner: Runner, on_change: Callable[[Flow], None] | None = None) -> None:
        self._runner = runner
        self._listeners: list[Callable[[Flow], None]] = [on_change] if on_change else []
        self._state: Enum = self.initial_state()
        self._outcome: Outcome | None = None
        self._job = 0  # the job whose result is awaited; older results are dropped
        self._busy = False

    # -- what faces read -----------------------------------------------------
    @property
    def state(self) -> Enum:
        return self._state

    @property
    def outcome(self) -> Outcome | None:
        return self._outcome

    @property
    def finished(self) -> bool:
        return self._outcome is not None

    @property
    def busy(self) -> bool:
        """A job (card, sensor, database) is running for this flow."""
        return self._busy

    def expects(self) -> frozenset[type[Event]]:
        """The events the current state takes (beyond Cancel, Timeout, CardRemoved)."""
        if self.finished or self._busy:
            return frozenset()
        return frozenset(self.handlers().get(self._state, {}))

    def subscribe(self, listener: Callable[[Flow], None]) -> None:
        self._listeners.append(listener)

    # -- what faces do -------------------------------------------------------
    def send(self, event: Event) -> None:
        if self.finished:
            raise EventRefused(self.name, None, event)
        if isinstance(event, Cancel | Timeout | CardRemoved):
            ending = {Cancel: Ending.CANCELLED, Timeout: Ending.TIMED_OUT,
                      CardRemoved: Ending.CARD_REMOVED}[type(event)]
            self._finish(Outcome(ending))
            return
        handler = None if self._busy else self.handlers().get(self._state, {}).get(type(event))
        if handler is None:
            raise EventRefused(self.name, self._state, event)
        handler(event)

    # -- for subclasses --------------------------------------------------------
    def initial_state(self) -> Enum:
        raise NotImplementedError

    def handlers(self) -> dict[Enum, dict[type[Event], Handler]]:
        raise NotImplementedError

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener(self)

    def _goto(self, state: Enum) -> None:
        self._state = state
        self._changed()

    def _run(self, busy_state: Enum, job: Callable[[], Any],
             on_value: Callable[[Any], None],
             on_error: Callable[[BaseException], Outcome | None] | None = None) -> None:
        """Run ``job`` on the runner in ``busy_state``; its value goes to ``on_value``.

        ``on_error`` may turn an exception into a state change (returning None) or an
        outcome; what it leaves alone ends the flow through :meth:`outcome_for_error`.
        """
        self._job += 1
        token = self._job
        self._busy = True
        self._goto(busy_state)

        def done(result: JobResult[Any]) -> None:
            if token != self._job or self.finished:
                return  # the flow moved on (cancelled, card pulled): drop it
            self._busy = False
            if result.error is None:
                on_value(result.value)
                return
            outcome = on_error(result.error) if on_error else self.outcome_for_error(
                result.error)
            if outcome is not None:
                self._finish(outcome)

        self._runner.submit(job, done)

    def outcome_for_error(self, error: BaseException) -> Outcome:
        logger.error("%s: unexpected %s", self.name, type(error).__name__, exc_info=error)
        return Outcome(Ending.INTERNAL_ERROR, detail=error)

    def _finish(self, outcome: Outcome) -> None:
        if self.finished:
            return
        self._outcome = outcome
        self._job += 1  # any job still running reports into the void
        self._busy = False
        self._release()
        self._changed()

    def _release(self) -> None:
        """Give back what the flow holds (the card); runs once, when it ends."""
