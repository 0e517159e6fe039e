"""How long the simulated module takes: the line at its baud rate, and its own work.

Off by default, so tests run at pty speed. ``Timing.realistic()`` uses the figures of
the family's datasheets: image capture under 0.3-0.5 s (R307/R305), feature
generation under 0.5 s (R503), 1:N search under 1 s for 1,000 templates (R307), and
flash writes of tens of milliseconds; the R503 is ready 50 ms after a reset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from biometric.sensor.constants import Instruction

REALISTIC_DELAYS: Mapping[int, float] = {
    Instruction.GEN_IMG: 0.3,
    Instruction.GET_IMAGE_EX: 0.3,
    Instruction.IMG_2_TZ: 0.4,
    Instruction.REG_MODEL: 0.2,
    Instruction.MATCH: 0.1,
    Instruction.STORE: 0.05,
    Instruction.DELETE_CHAR: 0.05,
    Instruction.EMPTY: 0.2,
    Instruction.SET_PWD: 0.05,
    Instruction.SET_ADDER: 0.05,
    Instruction.SET_SYS_PARA: 0.05,
    Instruction.WRITE_NOTEPAD: 0.05,
    Instruction.SOFT_RESET: 0.05,  # from the acknowledgement to the ready byte
}
REALISTIC_PER_TEMPLATE = 0.001  # Search / HighSpeedSearch, per template compared


@dataclass(frozen=True)
class Timing:
    """``pace``: write at the module's baud rate (8N1); ``delays``: seconds of work per
    instruction before its answer; ``per_template``: extra seconds per template a
    search compares."""

    pace: bool = False
    delays: Mapping[int, float] = field(default_factory=dict)
    per_template: float = 0.0

    def __post_init__(self) -> None:
        if any(not 0 <= d <= 60 for d in self.delays.values()) or not 0 <= self.per_template <= 1:
            raise ValueError("delays must be 0..60 s (per template 0..1 s)")

    @classmethod
    def realistic(cls, pace: bool = True) -> Timing:
        """The datasheets' figures, and the line paced at the module's baud rate."""
        return cls(pace=pace, delays=dict(REALISTIC_DELAYS),
                   per_template=REALISTIC_PER_TEMPLATE)

    def with_delay(self, instruction: int, seconds: float) -> Timing:
        """The same timing with one instruction's delay set."""
        return replace(self, delays={**self.delays, int(instruction): seconds})

    def delay(self, instruction: int, templates: int = 0) -> float:
        """Seconds of work before the module answers ``instruction``."""
        return self.delays.get(int(instruction), 0.0) + templates * self.per_template
