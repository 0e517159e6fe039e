"""Simulated UART fingerprint module (R30x / ZFM-20 / AS608 family) on a pseudo-terminal.

``run_sensor()`` starts one and returns a handle whose ``port_path`` the driver opens
with pyserial; what is on the glass is set through the handle, a :class:`FingerSource`,
or the Unix-socket control channel (``control_request`` and helpers).
"""

from simulators.sensor.charfile import CharFile, FileKind
from simulators.sensor.config import MODELS, LedSupport, Model, ModuleConfig, WrongAddress
from simulators.sensor.control import (
    ControlError,
    control_request,
    lift,
    place_image,
    place_persona,
    poor,
    status,
)
from simulators.sensor.faults import DEFAULT_NOISE, FLOOD_PATTERN, Fault, FaultKind, FaultPlan
from simulators.sensor.flash import Flash, FlashError
from simulators.sensor.glass import (
    FingerSource,
    Glass,
    NoFinger,
    NoPersonaProvider,
    PersonaProvider,
    PoorTouch,
    ProvidedImage,
    StaticImage,
    Touch,
    TouchKind,
    TouchSequence,
    get_persona_provider,
    persona_finger,
    set_persona_provider,
)
from simulators.sensor.module import Reply, SimulatedModule
from simulators.sensor.patterns import assess_quality, noise_image, ridge_pattern
from simulators.sensor.server import SensorHandle, run_sensor, serve_forever
from simulators.sensor.timing import Timing

__all__ = [
    "DEFAULT_NOISE",
    "FLOOD_PATTERN",
    "MODELS",
    "CharFile",
    "FileKind",
    "Flash",
    "FlashError",
    "Model",
    "Reply",
    "Timing",
    "TouchSequence",
    "WrongAddress",
    "ControlError",
    "Fault",
    "FaultKind",
    "FaultPlan",
    "FingerSource",
    "Glass",
    "LedSupport",
    "ModuleConfig",
    "NoFinger",
    "NoPersonaProvider",
    "PersonaProvider",
    "PoorTouch",
    "ProvidedImage",
    "SensorHandle",
    "SimulatedModule",
    "StaticImage",
    "Touch",
    "TouchKind",
    "assess_quality",
    "control_request",
    "get_persona_provider",
    "lift",
    "noise_image",
    "persona_finger",
    "place_image",
    "place_persona",
    "poor",
    "ridge_pattern",
    "run_sensor",
    "serve_forever",
    "set_persona_provider",
    "status",
]
