"""The simulated module's flash: what survives a reset or a restart of the simulator.

The template library (page number to 512-byte file), the notepad, and the settings a
host can change (password, address, security level, packet size, baud rate). With a
path, every change is written at once, atomically and readable by the owner only
(templates are biometric data); without one the flash lives as long as the process.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from apdu.atomic import write_private
from biometric.sensor.constants import CHAR_FILE_BYTES, NOTEPAD_PAGE_BYTES, NOTEPAD_PAGES
from simulators.sensor.config import ModuleConfig

logger = logging.getLogger("nidkiosk.sim.sensor")

FORMAT = "nidkiosk-sensor-flash/1"


class FlashError(ValueError):
    """A flash file that cannot be read as one (the path and the reason say which)."""


@dataclass
class Flash:
    """The persistent part of a module. Mutate through the methods, which save."""

    password: int
    address: int
    security_level: int
    packet_size: int
    baud_rate: int
    library: dict[int, bytes] = field(default_factory=dict)
    notepad: dict[int, bytes] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def factory(cls, config: ModuleConfig, path: Path | None = None) -> Flash:
        """A fresh module's flash: the configured factory settings, nothing stored."""
        return cls(config.password, config.address, config.security_level,
                   config.packet_size, config.baud_rate, path=path)

    @classmethod
    def open(cls, path: Path | None, config: ModuleConfig) -> Flash:
        """The flash saved at ``path``, or a factory one (saved there at once)."""
        if path is None:
            return cls.factory(config)
        path = Path(path)
        if not path.exists():
            flash = cls.factory(config, path)
            flash.save()
            return flash
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise FlashError(f"{path}: not a sensor flash file")
            flash = cls(
                password=int(data["password"]), address=int(data["address"]),
                security_level=int(data["security_level"]),
                packet_size=int(data["packet_size"]), baud_rate=int(data["baud_rate"]),
                library={int(k): bytes.fromhex(v) for k, v in data["library"].items()},
                notepad={int(k): bytes.fromhex(v) for k, v in data["notepad"].items()},
                path=path,
            )
        except (OSError, KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, FlashError):
                raise
            raise FlashError(f"{path}: {type(exc).__name__}: {exc}") from exc
        if any(len(v) != CHAR_FILE_BYTES for v in flash.library.values()) or any(
            len(v) != NOTEPAD_PAGE_BYTES or not 0 <= k < NOTEPAD_PAGES
            for k, v in flash.notepad.items()
        ):
            raise FlashError(f"{path}: a template or notepad page of the wrong size")
        return flash

    def save(self) -> None:
        """Write the whole flash to its file (no-op without a path)."""
        if self.path is None:
            return
        document = {
            "format": FORMAT,
            "password": self.password,
            "address": self.address,
            "security_level": self.security_level,
            "packet_size": self.packet_size,
            "baud_rate": self.baud_rate,
            "library": {str(k): v.hex() for k, v in sorted(self.library.items())},
            "notepad": {str(k): v.hex() for k, v in sorted(self.notepad.items())},
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_private(self.path, json.dumps(document, indent=1).encode())

    # -- changes (each one saved) -------------------------------------------------------

    def store(self, page: int, data: bytes) -> None:
        self.library[page] = bytes(data)
        self.save()

    def delete(self, pages: range) -> int:
        """Remove the templates on ``pages``; how many there were."""
        removed = sum(1 for p in pages if self.library.pop(p, None) is not None)
        if removed:
            self.save()
        return removed

    def empty(self) -> None:
        self.library.clear()
        self.save()

    def set(self, **values: int) -> None:
        """Change settings (password, address, security_level, packet_size, baud_rate)."""
        for name, value in values.items():
            if name not in {"password", "address", "security_level", "packet_size", "baud_rate"}:
                raise AttributeError(name)
            setattr(self, name, value)
        self.save()

    def write_notepad(self, page: int, data: bytes) -> None:
        self.notepad[page] = bytes(data)
        self.save()
