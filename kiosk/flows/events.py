"""What a face sends to a flow. Secrets ride on events but never show in their repr."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """Base of every event a face sends."""


@dataclass(frozen=True)
class Start(Event):
    """Begin: open the card (or the document) and look at what is possible."""


@dataclass(frozen=True)
class CardInserted(Event):
    """A card is in ``reader`` (a flow waiting for a card starts on this)."""

    reader: str | None = None


@dataclass(frozen=True)
class CardRemoved(Event):
    """The card left the reader: the flow ends at once, whatever it was doing."""


@dataclass(frozen=True)
class PinEntered(Event):
    """The PIN or PUK the flow asked for (its ``asking`` says which)."""

    pin: str = field(repr=False)


@dataclass(frozen=True)
class NewPinEntered(Event):
    """A new PIN, typed twice; the flow checks the policy before the card sees it."""

    pin: str = field(repr=False)
    again: str = field(repr=False)


@dataclass(frozen=True)
class Confirm(Event):
    """The person agrees to go on (a fee, a consequence the flow showed)."""


@dataclass(frozen=True)
class Retry(Event):
    """Try the finger again after the card did not recognise it."""


@dataclass(frozen=True)
class SkipFinger(Event):
    """The operator records that the finger asked for cannot be taken (missing, injured)."""


@dataclass(frozen=True)
class Cancel(Event):
    """The person gave up; the flow ends and the card forgets what was verified."""


@dataclass(frozen=True)
class Timeout(Event):
    """The face's idle timer ran out; same as Cancel, reported differently."""


ENDING_EVENTS = (CardRemoved, Cancel, Timeout)
