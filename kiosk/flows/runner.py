"""Where a flow's card, sensor and database work runs, and how its result comes back.

A flow never blocks its caller on a device. It hands a job to a :class:`Runner`; the
runner runs it (inline, or on one worker thread) and delivers the result through
``post``, which a face points at its own loop (Kivy: ``Clock.schedule_once``; the CLI
and tests: a queue they pump, or inline). Jobs of one runner run one after another, in
order, so a card is never used by two jobs at once and closing it waits for the job
that is using it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class JobResult(Generic[T]):
    """What a job returned, or the exception it raised (never both)."""

    value: T | None = None
    error: BaseException | None = None


Job = Callable[[], Any]
Done = Callable[[JobResult[Any]], None]


class Runner:
    """Runs jobs in submission order and delivers each result through ``post``."""

    def submit(self, job: Job, done: Done) -> None:
        raise NotImplementedError

    def relay(self, call: Callable[[T], None]) -> Callable[[T], None]:
        """``call`` wrapped so that a job may call it: it runs in the face's thread."""
        return call

    def close(self) -> None:
        """Stop taking jobs; jobs already submitted still run."""


def _run(job: Job) -> JobResult[Any]:
    try:
        return JobResult(value=job())
    except Exception as exc:  # noqa: BLE001 - handed to the flow, which words nothing
        return JobResult(error=exc)


class InlineRunner(Runner):
    """Runs each job at once in the caller's thread: the CLI and deterministic tests.

    A job submitted while another one's result is being delivered waits until that
    delivery returns, so results arrive in order and flows never re-enter themselves.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Job, Done]] = []
        self._busy = False

    def submit(self, job: Job, done: Done) -> None:
        self._pending.append((job, done))
        if self._busy:
            return
        self._busy = True
        try:
            while self._pending:
                next_job, next_done = self._pending.pop(0)
                next_done(_run(next_job))
        finally:
            self._busy = False


class ThreadRunner(Runner):
    """One worker thread; results go back through ``post`` (the face's own loop)."""

    def __init__(self, post: Callable[[Callable[[], None]], None], name: str = "flow-worker"):
        self._post = post
        self._jobs: queue.Queue[tuple[Job, Done] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, job: Job, done: Done) -> None:
        self._jobs.put((job, done))

    def relay(self, call: Callable[[T], None]) -> Callable[[T], None]:
        def posted(value: T) -> None:
            self._post(lambda: call(value))

        return posted

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, done = item
            result = _run(job)
            self._post(lambda done=done, result=result: done(result))  # type: ignore[misc]

    def close(self, timeout: float = 10.0) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)

    @property
    def idle(self) -> bool:
        return self._jobs.empty()


class QueueLoop:
    """A minimal event loop for a ThreadRunner outside Kivy: ``post`` queues, ``pump`` runs."""

    def __init__(self) -> None:
        self._calls: queue.Queue[Callable[[], None]] = queue.Queue()

    def post(self, call: Callable[[], None]) -> None:
        self._calls.put(call)

    def pump(self, timeout: float) -> bool:
        """Run one posted call, waiting up to ``timeout``; False if none came."""
        try:
            call = self._calls.get(timeout=timeout)
        except queue.Empty:
            return False
        call()
        return True
