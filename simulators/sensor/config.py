"""Power-on settings of a simulated module: what a technician picks when wiring one in.

Module models bundle the settings that differ between the family's members (library
capacity, LED instructions, system id); every field can still be set on its own. Values
that a host can change at run time (password, address, security level, packet size,
baud rate) are factory settings here: the module's flash (:mod:`simulators.sensor.flash`)
keeps what the host set, and the factory value only fills a flash that has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from biometric.sensor.constants import INDEX_PAGE_TEMPLATES, INDEX_PAGES, packet_size_code
from biometric.sensor.packets import DEFAULT_ADDRESS, DEFAULT_PASSWORD
from simulators.sensor.timing import Timing

BAUD_STEP = 9600
MAX_CAPACITY = INDEX_PAGE_TEMPLATES * INDEX_PAGES  # what ReadIndexTable can describe


class LedSupport(Enum):
    """Which LED instruction set the simulated module understands."""

    AURA = "aura"  # R503 AuraLedConfig (0x35)
    OPEN_CLOSE = "open_close"  # AS608 OpenLED / CloseLED (0x50 / 0x51)
    BOTH = "both"
    NONE = "none"  # R307 and ZFM-20: the light follows the sensor by itself


class WrongAddress(Enum):
    """What the module does with a command packet for another address.

    The manuals: "the module only responds to packets whose address is its own", so
    IGNORE is the default (the simulator logs a warning and counts it, so the developer
    is told why the host waits). NAK answers 0x20 ("address code incorrect") from the
    module's own address instead, for hosts that would rather fail at once.
    """

    IGNORE = "ignore"
    NAK = "nak"


@dataclass(frozen=True)
class Model:
    """What distinguishes one member of the family from another, for the simulator."""

    name: str
    capacity: int
    led: LedSupport
    system_id: int = 0x0009


MODELS: dict[str, Model] = {
    "r503": Model("R503", 200, LedSupport.AURA),
    "r307": Model("R307", 1000, LedSupport.NONE),
    "as608": Model("AS608", 300, LedSupport.OPEN_CLOSE),
    "zfm20": Model("ZFM-20", 162, LedSupport.NONE),
}
DEFAULT_MODEL = MODELS["r503"]


@dataclass(frozen=True)
class ModuleConfig:
    """Power-on settings of the simulated module (factory values where flash has none)."""

    address: int = DEFAULT_ADDRESS
    password: int = DEFAULT_PASSWORD
    packet_size: int = 128
    security_level: int = 3
    library_size: int = DEFAULT_MODEL.capacity
    system_id: int = DEFAULT_MODEL.system_id
    baud_rate: int = 57600
    led: LedSupport = DEFAULT_MODEL.led
    model: str = DEFAULT_MODEL.name
    wrong_address: WrongAddress = WrongAddress.IGNORE
    timing: Timing = field(default_factory=Timing)

    def __post_init__(self) -> None:
        packet_size_code(self.packet_size)  # raises for a size the family cannot do
        if not 1 <= self.security_level <= 5:
            raise ValueError("security level must be 1..5")
        if not 1 <= self.library_size <= MAX_CAPACITY:
            raise ValueError(f"library size must be 1..{MAX_CAPACITY}")
        if self.baud_rate % BAUD_STEP or not 1 <= self.baud_rate // BAUD_STEP <= 12:
            raise ValueError("baud rate must be 9600 x N with N in 1..12")
        for name, value in (("address", self.address), ("password", self.password)):
            if not 0 <= value <= 0xFFFFFFFF:
                raise ValueError(f"{name} must fit in 32 bits")

    @classmethod
    def for_model(cls, name: str, **overrides: object) -> ModuleConfig:
        """The settings of a known model (``MODELS``), with ``overrides`` applied."""
        model = MODELS[name.lower()]
        values: dict[str, object] = {"library_size": model.capacity, "led": model.led,
                                     "system_id": model.system_id, "model": model.name}
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
