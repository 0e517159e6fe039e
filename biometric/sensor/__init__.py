"""UART fingerprint module (R30x / ZFM-20 / AS608 family): packet codec and driver.

Commands by group: the image path in :mod:`~biometric.sensor.driver`, the template
library in :mod:`~biometric.sensor.library`, settings in :mod:`~biometric.sensor.admin`,
and a whole two-touch enrolment in :func:`enrol_finger`.

The driver (:class:`FingerprintSensor`) speaks to a real module or to the simulator in
``simulators.sensor`` over a serial port; the codec in :mod:`biometric.sensor.packets`
is shared by both sides. Errors: :class:`SensorError` (the device failed),
:class:`CaptureTimeout` (no usable touch), :class:`CaptureCancelled` (the caller's
event), all :class:`biometric.errors.BiometricError`.
"""

from biometric.sensor.driver import DEFAULT_BAUDRATE, FingerprintSensor, LedMethod
from biometric.sensor.enrol import (
    Enrolment,
    EnrolmentRefused,
    EnrolProblem,
    EnrolStep,
    enrol_finger,
)
from biometric.sensor.errors import (
    CaptureCancelled,
    CaptureTimeout,
    ChecksumError,
    FramingError,
    FramingProblem,
    SensorDeadlineExceeded,
    SensorError,
    SensorFlood,
    SensorIOError,
    SensorPhase,
    SensorRejected,
    SensorTimeout,
    SensorUnavailable,
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
from biometric.sensor.library import Comparison, SearchHit
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
    "Comparison",
    "EnrolProblem",
    "EnrolStep",
    "Enrolment",
    "EnrolmentRefused",
    "ConfirmationCode",
    "Feedback",
    "FingerprintSensor",
    "FramingError",
    "FramingProblem",
    "Instruction",
    "LedColor",
    "LedMethod",
    "PacketId",
    "SensorDeadlineExceeded",
    "SensorError",
    "SensorFlood",
    "SensorIOError",
    "SensorPhase",
    "SensorRejected",
    "SensorTimeout",
    "SearchHit",
    "SensorUnavailable",
    "SystemParameters",
    "enrol_finger",
    "pack_image",
    "quantize",
    "unpack_image",
]
