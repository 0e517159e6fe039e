"""Atomic persistence of the card image, with a hook that can cut power at any write.

A real chip's EEPROM write either completes or leaves the old content (with the
transaction mechanisms cards use); we model that with write-to-temp, fsync, rename
and a directory fsync. The fault hook runs before each write and may raise
:class:`PowerLoss`, which the chip lets escape, as a card that lost power says nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from apdu.atomic import write_atomically
from simulators.card.image import CardImage


class PowerLoss(Exception):
    """Injected: power was cut before a persistent write (the write did not happen)."""


FaultHook = Callable[[str], None]


class CardStore:
    """Holds the live image and writes it, whole and atomically, on each commit."""

    def __init__(self, image: CardImage, path: Path | None = None) -> None:
        self.image = image
        self.path = path
        self.fault_hook: FaultHook | None = None
        self.writes = 0
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> CardStore:
        return cls(CardImage.from_json(Path(path).read_text(encoding="utf-8")), Path(path))

    def commit(self, label: str) -> None:
        """Persist the current image. ``label`` names the write for fault injection.

        The hook is called as ``hook("<label>:before")`` and ``hook("<label>:after")``:
        raising PowerLoss there cuts power just before or just after the write.
        """
        if self.fault_hook is not None:
            self.fault_hook(f"{label}:before")
        with self._lock:
            self.writes += 1
            if self.path is not None:
                write_atomically(self.path, self.image.to_json().encode("utf-8"))
        if self.fault_hook is not None:
            self.fault_hook(f"{label}:after")

    def reload(self) -> None:
        """Re-read what is persisted, as a chip does when power comes back."""
        if self.path is not None:
            self.image = CardImage.from_json(self.path.read_text(encoding="utf-8"))
