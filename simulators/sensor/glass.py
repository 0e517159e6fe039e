"""What is on the simulated sensor's glass.

A :class:`FingerSource` answers one question for GenImg: what does the module see now?
The :class:`Glass` holds the current source and is changed by tests, by the control
socket, or by a kiosk demo; the module reads it on every GenImg.

Synthetic fingers come from elsewhere (``simulators/fingers``): plug any
``image_provider(...) -> ndarray`` into :class:`ProvidedImage`, and register a persona
provider with :func:`set_persona_provider` so the control socket can place a persona's
finger by seed, finger number and impression number.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from biometric.sensor.image import GrayImage, check_image


class TouchKind(Enum):
    """The three things GenImg can find."""

    NONE = "none"  # nothing on the glass: GenImg answers 0x02
    POOR = "poor"  # a touch the module cannot image: GenImg answers 0x03
    IMAGE = "image"  # a finger: GenImg answers 0x00 and fills the image buffer


@dataclass(frozen=True, eq=False)
class Touch:
    """One reading of the glass."""

    kind: TouchKind
    image: GrayImage | None = None


class FingerSource(ABC):
    """Extension point: something that can be on the glass."""

    label: str = "source"

    @abstractmethod
    def touch(self) -> Touch:
        """What the module sees at this GenImg."""

    def describe(self) -> dict[str, object]:
        """A JSON-able summary for the control channel's status."""
        return {"kind": self.touch().kind.value, "label": self.label}


class NoFinger(FingerSource):
    """An empty glass."""

    label = "none"

    def touch(self) -> Touch:
        return Touch(TouchKind.NONE)


class PoorTouch(FingerSource):
    """A finger the module cannot image (too wet, too dry, pressed too lightly)."""

    label = "poor"

    def touch(self) -> Touch:
        return Touch(TouchKind.POOR)


class StaticImage(FingerSource):
    """A fixed 288 x 256 uint8 image, served at every GenImg."""

    def __init__(self, image: npt.ArrayLike, label: str = "image") -> None:
        self._image = check_image(image).copy()
        self._image.setflags(write=False)
        self.label = label

    def touch(self) -> Touch:
        return Touch(TouchKind.IMAGE, self._image)


class ProvidedImage(StaticImage):
    """An image rendered once by a pluggable ``provider(*args, **kwargs)`` at placement.

    Rendering at placement (not at each GenImg) means a finger left on the glass gives
    the same impression every time, and a provider error reaches whoever placed it.
    """

    def __init__(
        self,
        provider: Callable[..., npt.ArrayLike],
        *args: object,
        label: str = "provided",
        **kwargs: object,
    ) -> None:
        super().__init__(provider(*args, **kwargs), label=label)


class TouchSequence(FingerSource):
    """Several sources, one per GenImg in turn; the last stays on the glass.

    A scripted person: place, lift, place again, as an enrolment's host expects without
    a thread moving fingers in step with its polls. ``describe()`` reports the source
    now under the finger without consuming it.
    """

    label = "sequence"

    def __init__(self, sources: list[FingerSource]) -> None:
        if not sources:
            raise ValueError("a touch sequence needs at least one source")
        self._sources = list(sources)
        self._lock = threading.Lock()
        self.read = 0

    def touch(self) -> Touch:
        with self._lock:
            source = self._sources[min(self.read, len(self._sources) - 1)]
            self.read += 1
        return source.touch()

    def describe(self) -> dict[str, object]:
        with self._lock:
            position = min(self.read, len(self._sources) - 1)
            source = self._sources[position]
        return {**source.describe(), "sequence": f"{position + 1}/{len(self._sources)}"}


class PersonaProvider(Protocol):
    """Renders impression ``impression`` of finger ``finger`` (1..10) of a persona."""

    def __call__(self, persona_seed: int, finger: int, impression: int) -> npt.ArrayLike: ...


class NoPersonaProvider(LookupError):
    """A persona finger was asked for but no provider is registered."""


_persona_lock = threading.Lock()
_persona_provider: PersonaProvider | None = None


def set_persona_provider(provider: PersonaProvider | None) -> PersonaProvider | None:
    """Register the persona renderer (None unregisters); returns the previous one."""
    global _persona_provider
    with _persona_lock:
        previous, _persona_provider = _persona_provider, provider
    return previous


def get_persona_provider() -> PersonaProvider | None:
    """The registered persona renderer, if any."""
    with _persona_lock:
        return _persona_provider


def persona_finger(
    persona_seed: int, finger: int, impression: int, provider: PersonaProvider | None = None
) -> ProvidedImage:
    """A persona's impression as a finger source.

    Uses ``provider`` when given, else the registered one; NoPersonaProvider if neither.
    """
    if provider is None:
        provider = get_persona_provider()
    if provider is None:
        raise NoPersonaProvider(
            "no persona image provider is registered "
            "(call simulators.sensor.set_persona_provider first)"
        )
    label = f"persona {persona_seed} finger {finger} impression {impression}"
    return ProvidedImage(provider, persona_seed, finger, impression, label=label)


class Glass:
    """The current finger source, swapped atomically from any thread."""

    def __init__(self, source: FingerSource | None = None) -> None:
        self._source: FingerSource = source if source is not None else NoFinger()
        self._lock = threading.Lock()
        self.placements = 0

    @property
    def source(self) -> FingerSource:
        with self._lock:
            return self._source

    def place(self, source: FingerSource) -> None:
        """Put ``source`` on the glass."""
        with self._lock:
            self._source = source
            self.placements += 1

    def place_image(self, image: npt.ArrayLike, label: str = "image") -> None:
        """Put a fixed image on the glass."""
        self.place(StaticImage(image, label=label))

    def place_poor(self) -> None:
        """Put a touch the module cannot image on the glass."""
        self.place(PoorTouch())

    def lift(self) -> None:
        """Take the finger off."""
        self.place(NoFinger())

    def touch(self) -> Touch:
        """Read the glass once (what GenImg does)."""
        return self.source.touch()


def blank_image(value: int = 255) -> GrayImage:
    """A uniform image (an optical module sees white where nothing touches)."""
    return np.full((288, 256), value, dtype=np.uint8)
