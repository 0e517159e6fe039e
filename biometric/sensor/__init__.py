"""UART fingerprint module (R30x / ZFM-20 / AS608 family): packet codec and driver.

The driver (:class:`FingerprintSensor`) speaks to a real module or to the simulator in
``simulators.sensor`` over a serial port; the codec in :mod:`biometric.sensor.packets`
is shared by both sides.
"""

from biometric.sensor.driver import DEFAULT_BAUDRATE, FingerprintSensor, LedMethod
from biometric.sensor.errors import (
    CaptureCancelled,
    CaptureTimeout,
    ChecksumError,
    FramingError,
    SensorError,
    SensorIOError,
    SensorRejected,
    SensorTimeout,
)
from biometric.sensor.feedback import Feedback
from biometric.sensor.image import (
    IMAGE_BYTES,
    IMAGE_COLS,
    IMAGE_ROWS,
    IMAGE_SHAPE,
    pack_image,
    quantize,
    unpack_image,
)
from biometric.sensor.packets import (
    ConfirmationCode,
    Instruction,
    LedColor,
    PacketId,
    SystemParameters,
)

__all__ = [
    "DEFAULT_BAUDRATE",
    "IMAGE_BYTES",
    "IMAGE_COLS",
    "IMAGE_ROWS",
    "IMAGE_SHAPE",
    "CaptureCancelled",
    "CaptureTimeout",
    "ChecksumError",
    "ConfirmationCode",
    "Feedback",
    "FingerprintSensor",
    "FramingError",
    "Instruction",
    "LedColor",
    "LedMethod",
    "PacketId",
    "SensorError",
    "SensorIOError",
    "SensorRejected",
    "SensorTimeout",
    "SystemParameters",
    "pack_image",
    "quantize",
    "unpack_image",
]
