"""What the fingerprint-sensor layer raises: the device's failures, and the capture's ends.

:class:`SensorError` and its leaves mean the module or its line failed, timed out, is
absent or broke the protocol: a device error, never the person's fault. Two other ends
of a capture are not device errors and stay outside that branch: :class:`CaptureTimeout`
(no usable touch in time, a :class:`biometric.errors.NoUsableTouch`) and
:class:`CaptureCancelled` (the caller's event). All derive from
:class:`biometric.errors.BiometricError`.

Every error carries data a face can word: the :class:`SensorPhase` it failed in, the
instruction, how long it waited against which bound, how many bytes it saw. ``str()`` is
built from that data for logs; it never holds image bytes, templates or passwords.
"""

from __future__ import annotations

from enum import Enum, unique

from biometric.errors import BiometricError, NoUsableTouch
from biometric.sensor.constants import ConfirmationCode, Instruction
from biometric.sensor.feedback import Feedback


@unique
class SensorPhase(Enum):
    """What the driver was doing when it stopped."""

    OPEN = "open"  # opening the serial port
    SEND = "send"  # writing a command packet
    ACK = "ack"  # waiting for the module's acknowledgement
    DATA = "data"  # receiving the data packets of an upload
    DRAIN = "drain"  # discarding the rest of an earlier, abandoned answer
    WAIT_FINGER = "wait-finger"  # between polls for a finger (a capture, cancellation only)


@unique
class FramingProblem(Enum):
    """Why bytes from the module are not the packet we expected."""

    TRUNCATED = "truncated"  # a packet began but did not finish in time
    CHECKSUM = "checksum"  # whole, but its checksum does not match its bytes
    WRONG_ADDRESS = "wrong-address"  # a packet for or from another module address
    WRONG_PACKET_TYPE = "wrong-packet-type"  # e.g. a data packet where an ack belongs
    DATA_TOO_LONG = "data-too-long"  # an upload longer than announced
    DATA_TOO_SHORT = "data-too-short"  # an upload that ended early
    BAD_RESULT = "bad-result"  # acknowledgement results of the wrong size or value
    NOT_ONE_PACKET = "not-one-packet"  # bytes that decode to other than one whole packet
    FLOOD = "flood"  # a stream of bytes with no packet structure at all


def _instruction_name(instruction: int | None) -> str:
    if instruction is None:
        return ""
    try:
        return f"{Instruction(instruction).name} "
    except ValueError:
        return f"instruction 0x{instruction:02X} "


class SensorError(BiometricError):
    """Base of the device's failures: the module or its line (the CLI's device error).

    ``phase`` and ``instruction`` say where it happened (None where the codec raised it
    outside an exchange).
    """

    def __init__(self, phase: SensorPhase | None = None, instruction: int | None = None) -> None:
        super().__init__()
        self.phase = phase
        self.instruction = instruction

    def _detail(self) -> str:
        return type(self).__name__

    def __str__(self) -> str:
        where = _instruction_name(self.instruction)
        if self.phase is not None:
            where += f"{self.phase.value}: "
        elif where:
            where = where.rstrip() + ": "
        return where + self._detail()


class SensorIOError(SensorError):
    """The serial port failed to read or write (unplugged, driver error); ``errno`` if known."""

    def __init__(
        self,
        port: str,
        phase: SensorPhase,
        instruction: int | None = None,
        errno: int | None = None,
    ) -> None:
        super().__init__(phase, instruction)
        self.port = port
        self.errno = errno

    def _detail(self) -> str:
        code = f" (errno {self.errno})" if self.errno is not None else ""
        return f"serial port {self.port} failed{code}"


class SensorUnavailable(SensorIOError):
    """The port cannot be opened or is not open: no such device, busy, or no permission.

    ``errno`` tells which when the system said (ENOENT absent, EBUSY/EAGAIN held by
    another process, EACCES permission); None for a sensor used before ``open()``.
    """

    def _detail(self) -> str:
        code = f" (errno {self.errno})" if self.errno is not None else " (not open)"
        return f"serial port {self.port} unavailable{code}"


class SensorTimeout(SensorError):
    """The module did not answer within ``limit`` seconds.

    ``elapsed`` is how long was waited, ``received`` how many bytes arrived meanwhile
    (in this attempt), ``expected`` how many a whole answer has, when known.
    """

    def __init__(
        self,
        phase: SensorPhase,
        instruction: int | None,
        *,
        limit: float,
        elapsed: float,
        received: int = 0,
        expected: int | None = None,
    ) -> None:
        super().__init__(phase, instruction)
        self.limit = limit
        self.elapsed = elapsed
        self.received = received
        self.expected = expected

    def _detail(self) -> str:
        of = f" of {self.expected}" if self.expected is not None else ""
        return (f"no answer within {self.limit:.2f} s "
                f"(waited {self.elapsed:.2f} s, {self.received}{of} bytes)")


class SensorDeadlineExceeded(SensorTimeout):
    """The operation's overall deadline passed while its answer was still arriving.

    A module dripping its answer slower than its line's speed allows; never retried,
    since a second attempt would be no faster. ``limit`` is the overall deadline.
    """

    def _detail(self) -> str:
        of = f" of {self.expected}" if self.expected is not None else ""
        return (f"deadline of {self.limit:.2f} s passed after {self.elapsed:.2f} s "
                f"with {self.received}{of} bytes")


class FramingError(SensorError):
    """Bytes that do not form the packet we expected; ``problem`` says how.

    ``received`` and ``expected`` are byte counts where they mean something (a truncated
    packet's bytes, an upload's length).
    """

    def __init__(
        self,
        problem: FramingProblem,
        phase: SensorPhase | None = None,
        instruction: int | None = None,
        *,
        received: int | None = None,
        expected: int | None = None,
    ) -> None:
        super().__init__(phase, instruction)
        self.problem = problem
        self.received = received
        self.expected = expected

    def _detail(self) -> str:
        text = self.problem.value
        if self.received is not None:
            of = f" of {self.expected}" if self.expected is not None else ""
            text += f" ({self.received}{of} bytes)"
        return text


class ChecksumError(FramingError):
    """A packet arrived whole but its ``checksum`` is not the sum of its bytes (``computed``)."""

    def __init__(
        self,
        computed: int,
        checksum: int,
        phase: SensorPhase | None = None,
        instruction: int | None = None,
    ) -> None:
        super().__init__(FramingProblem.CHECKSUM, phase, instruction)
        self.computed = computed
        self.checksum = checksum

    def _detail(self) -> str:
        return f"checksum {self.checksum:04X}, computed {self.computed:04X}"


class SensorFlood(FramingError):
    """More bytes than a packet can hold arrived without forming one: not a glitch.

    ``discarded`` bytes were skipped in ``elapsed`` seconds. Never retried.
    """

    def __init__(
        self,
        phase: SensorPhase,
        instruction: int | None,
        *,
        discarded: int,
        elapsed: float,
    ) -> None:
        super().__init__(FramingProblem.FLOOD, phase, instruction, received=discarded)
        self.discarded = discarded
        self.elapsed = elapsed

    def _detail(self) -> str:
        return f"flood: {self.discarded} bytes without a packet in {self.elapsed:.2f} s"


class SensorRejected(SensorError):
    """The module answered with a confirmation ``code`` other than the ones expected."""

    def __init__(self, code: int, instruction: int | None = None) -> None:
        super().__init__(SensorPhase.ACK, instruction)
        self.code = code

    @property
    def confirmation(self) -> ConfirmationCode | None:
        """The code as an enum member, or None for a code outside the family's table."""
        try:
            return ConfirmationCode(self.code)
        except ValueError:
            return None

    def _detail(self) -> str:
        name = self.confirmation.name if self.confirmation is not None else "unknown"
        return f"module answered 0x{self.code:02X} ({name})"


class CaptureCancelled(BiometricError):
    """The caller's event was set; ``phase`` says where the driver stopped (None: between
    touches). Not a device error. The line is drained before the next command."""

    def __init__(self, phase: SensorPhase | None = None, instruction: int | None = None) -> None:
        super().__init__()
        self.phase = phase
        self.instruction = instruction

    def __str__(self) -> str:
        where = self.phase.value if self.phase is not None else "between touches"
        return f"{_instruction_name(self.instruction)}cancelled ({where})"


class CaptureTimeout(NoUsableTouch):
    """No usable image within ``timeout`` seconds; ``last_feedback`` is the last reason.

    The device answered every poll: this is about the person (no finger, or only poor
    touches), not the sensor. ``last_feedback`` is None if no poll was answered yet.
    """

    def __init__(self, timeout: float, last_feedback: Feedback | None = None) -> None:
        super().__init__()
        self.timeout = timeout
        self.last_feedback = last_feedback

    def __str__(self) -> str:
        last = self.last_feedback.name if self.last_feedback is not None else "none"
        return f"no usable image within {self.timeout:g} s (last feedback {last})"
