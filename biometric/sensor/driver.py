"""Driver for the UART fingerprint modules (R30x / ZFM-20 / AS608 family) on pyserial.

Blocking calls that wait for a person take an optional ``threading.Event`` to cancel
and an ``on_feedback`` callback for progress, the way python-fido2 does for its
authenticators; the event cancels any wait, mid-exchange included. Every packet has a
timeout and every exchange an overall deadline (an upload's from the line's baud rate);
a garbled, truncated or unanswered exchange is re-issued a bounded number of times, then
raised as a :class:`SensorError`. Callbacks get enums, errors carry data: no sentences.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import Enum

from biometric.sensor.admin import AdminCommands
from biometric.sensor.errors import (
    CaptureCancelled,
    CaptureTimeout,
    FramingError,
    SensorPhase,
    SensorRejected,
)
from biometric.sensor.feedback import Feedback
from biometric.sensor.image import IMAGE_BYTES, GrayImage, unpack_image
from biometric.sensor.library import LibraryCommands
from biometric.sensor.link import SerialLink
from biometric.sensor.packets import (
    DEFAULT_ADDRESS,
    DEFAULT_PASSWORD,
    ConfirmationCode,
    Instruction,
    LedColor,
    LedControl,
    SysParam,
    SystemParameters,
    packet_size_code,
)

logger = logging.getLogger("nidkiosk.sensor")

DEFAULT_BAUDRATE = 57600


class LedMethod(Enum):
    """How the module's LED is driven; AUTO probes the first time it is used."""

    AUTO = "auto"
    AURA = "aura"  # R503 AuraLedConfig (0x35)
    OPEN_CLOSE = "open_close"  # AS608 OpenLED (0x50) / CloseLED (0x51)
    NONE = "none"


_GEN_IMG_FEEDBACK = {
    ConfirmationCode.NO_FINGER: Feedback.NO_FINGER,
    ConfirmationCode.IMAGE_FAIL: Feedback.POOR_IMAGE,
}
_IMG2TZ_FEEDBACK = {
    ConfirmationCode.IMAGE_DISORDERLY: Feedback.LIFT_AND_PLACE,
    ConfirmationCode.TOO_FEW_FEATURES: Feedback.PLACE_AGAIN,
}


class FingerprintSensor(LibraryCommands, AdminCommands):
    """One module on one serial port. Use as a context manager, or call open()/close().

    The image path (capture, upload) is here; the template library and the module's
    settings come from :class:`LibraryCommands` and :class:`AdminCommands`, and a whole
    office enrolment from :func:`biometric.sensor.enrol.enrol_finger`.

    ``response_timeout`` bounds each wait for a packet; ``retries`` is how many times a
    command is re-issued after a garbled, truncated or missing answer (or the module's
    own "packet receive error"); ``drain_limit`` bounds the wait for a line to fall
    quiet after a failure (None: the time the longest answer takes at ``baudrate``).
    Each exchange's overall deadline follows from these and the baud rate
    (:mod:`biometric.sensor.timing`). These live on ``self.link``. Exchanges are
    serialised by a lock, so another thread may switch the LED between the polls of a
    running capture. ``check_quality`` adds Img2Tz after each GenImg as the quality gate.
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUDRATE,
        address: int = DEFAULT_ADDRESS,
        password: int = DEFAULT_PASSWORD,
        response_timeout: float = 2.0,
        retries: int = 2,
        check_quality: bool = True,
        poll_interval: float = 0.05,
        led: LedMethod = LedMethod.AUTO,
        drain_limit: float | None = None,
    ) -> None:
        self.port = port
        self.check_quality = check_quality
        self.poll_interval = poll_interval
        self._password = password
        self._led_method = led
        self.link = SerialLink(
            port,
            baudrate=baudrate,
            address=address,
            response_timeout=response_timeout,
            retries=retries,
            drain_limit=drain_limit,
        )
        self.parameters: SystemParameters | None = None

    # -- lifetime ---------------------------------------------------------------

    def open(self) -> None:
        """Open the port, verify the password and read the system parameters."""
        self.link.open()
        try:
            self.verify_password()
            self.read_system_parameters()
        except BaseException:
            self.close()
            raise
        logger.debug("sensor open on %s", self.port)

    def close(self) -> None:
        """Close the port; safe to call twice."""
        self.link.close()

    def __enter__(self) -> FingerprintSensor:
        if not self.link.is_open:
            self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- module commands ----------------------------------------------------------

    def handshake(self) -> None:
        """HandShake (0x40, R30x/R50x): raises unless the module says it is ready."""
        self._command(Instruction.HANDSHAKE)

    def echo(self) -> None:
        """GetEcho (0x53, ZFM style): accepts 0x00 or the family's 0x55 "ready"."""
        self._command(Instruction.GET_ECHO, ok=(ConfirmationCode.OK, ConfirmationCode.ECHO_OK))

    def verify_password(self, password: int | None = None) -> None:
        """VfyPwd (0x13); SensorRejected with code 0x13 when the password is wrong."""
        value = self._password if password is None else password
        self._command(Instruction.VFY_PWD, value.to_bytes(4, "big"))

    def read_system_parameters(self) -> SystemParameters:
        """ReadSysPara (0x0F); also kept on ``self.parameters``."""
        ack = self._command(Instruction.READ_SYS_PARA)
        try:
            self.parameters = SystemParameters.from_bytes(ack.params)
        except FramingError as exc:
            exc.phase, exc.instruction = SensorPhase.ACK, Instruction.READ_SYS_PARA
            raise
        return self.parameters

    def set_packet_size(self, size: int) -> None:
        """SetSysPara register 6: bytes per data packet (32, 64, 128 or 256)."""
        params = bytes([SysParam.PACKET_SIZE, packet_size_code(size)])
        self._command(Instruction.SET_SYS_PARA, params)
        self.read_system_parameters()

    def take_image(self, event: threading.Event | None = None) -> ConfirmationCode:
        """GenImg once: OK, NO_FINGER or IMAGE_FAIL; other answers raise."""
        ack = self._command(
            Instruction.GEN_IMG,
            ok=(ConfirmationCode.OK, ConfirmationCode.NO_FINGER, ConfirmationCode.IMAGE_FAIL),
            event=event,
        )
        return ConfirmationCode(ack.code)

    def image_to_features(
        self, buffer_id: int = 1, event: threading.Event | None = None
    ) -> ConfirmationCode:
        """Img2Tz: OK, IMAGE_DISORDERLY or TOO_FEW_FEATURES; used as the quality gate."""
        ack = self._command(
            Instruction.IMG_2_TZ,
            bytes([buffer_id]),
            ok=(
                ConfirmationCode.OK,
                ConfirmationCode.IMAGE_DISORDERLY,
                ConfirmationCode.TOO_FEW_FEATURES,
            ),
            event=event,
        )
        return ConfirmationCode(ack.code)

    @property
    def led_method(self) -> LedMethod:
        """The LED instruction set in use (AUTO until the first set_led call)."""
        return self._led_method

    def set_led(self, on: bool, color: LedColor = LedColor.BLUE) -> bool:
        """Switch the LED; False when the module has no LED instruction we know."""
        if self._led_method is LedMethod.AUTO:
            methods = [LedMethod.AURA, LedMethod.OPEN_CLOSE]
        else:
            methods = [self._led_method]
        for method in methods:
            if method is LedMethod.AURA:
                control = LedControl.ON if on else LedControl.OFF
                instruction, params = Instruction.AURA_LED_CONFIG, bytes([control, 0, color, 0])
            elif method is LedMethod.OPEN_CLOSE:
                instruction = Instruction.OPEN_LED if on else Instruction.CLOSE_LED
                params = b""
            else:
                continue
            ack, _ = self.link.exchange(instruction, params, retry_codes=())
            if ack.code == ConfirmationCode.OK:
                self._led_method = method
                return True
            if ack.code != ConfirmationCode.PACKET_ERROR:
                raise SensorRejected(ack.code, instruction)
            logger.debug("LED method %s not supported", method.value)
        self._led_method = LedMethod.NONE
        return False

    def upload_image(self, event: threading.Event | None = None) -> GrayImage:
        """UpImage (0x0A): the image buffer as 288 x 256 uint8; re-issued on bad data.

        Bounded by the time its bytes take at the line's baud rate, with margin
        (SensorDeadlineExceeded, not retried, for a module that drips). ``event`` cancels
        at any point (CaptureCancelled); the rest of the transfer is drained before the
        next command.
        """
        ack, data = self.link.exchange(
            Instruction.UP_IMAGE, expect_data=IMAGE_BYTES, packet_size=self._packet_size,
            event=event,
        )
        if ack.code != ConfirmationCode.OK:
            raise SensorRejected(ack.code, Instruction.UP_IMAGE)
        logger.debug("image uploaded (%d bytes)", len(data))
        return unpack_image(data)

    # -- the blocking capture --------------------------------------------------------

    def capture(
        self,
        event: threading.Event | None = None,
        on_feedback: Callable[[Feedback], None] | None = None,
        timeout: float = 10.0,
    ) -> GrayImage:
        """Wait for a finger, check it, upload it: a 288 x 256 uint8 image.

        Polls GenImg (then Img2Tz when ``check_quality``) until an image is accepted,
        calling ``on_feedback`` each time the feedback changes. Raises CaptureCancelled
        when ``event`` is set (at any point), CaptureTimeout (a NoUsableTouch, not a
        SensorError: the module answered, no usable finger came) after ``timeout``
        seconds, and a SensorError when the module or its line failed.
        """
        self.capture_features(1 if self.check_quality else None, event, on_feedback, timeout)
        return self.upload_image(event)

    def capture_features(
        self,
        buffer_id: int | None = 1,
        event: threading.Event | None = None,
        on_feedback: Callable[[Feedback], None] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Wait for a finger and turn it into a character file in ``buffer_id`` (1 or 2).

        The polling of :meth:`capture` without the upload: one touch of an enrolment.
        ``buffer_id`` None takes the image only (GenImg, no Img2Tz). Same ends as
        :meth:`capture`: CaptureCancelled, CaptureTimeout, SensorError.
        """
        deadline = time.monotonic() + timeout
        last: Feedback | None = None

        def report(feedback: Feedback) -> None:
            nonlocal last
            if feedback != last:
                last = feedback
                logger.debug("capture feedback %s", feedback.name)
                if on_feedback is not None:
                    on_feedback(feedback)

        while True:
            if event is not None and event.is_set():
                raise CaptureCancelled(SensorPhase.WAIT_FINGER)
            if time.monotonic() >= deadline:
                raise CaptureTimeout(timeout, last)
            code = self.take_image(event)
            feedback = _GEN_IMG_FEEDBACK.get(code)
            if code == ConfirmationCode.OK and buffer_id is not None:
                code = self.image_to_features(buffer_id, event)
                feedback = _IMG2TZ_FEEDBACK.get(code)
            if code == ConfirmationCode.OK:
                break
            report(feedback if feedback is not None else Feedback.POOR_IMAGE)
            wait = min(self.poll_interval, max(0.0, deadline - time.monotonic()))
            if event is not None:
                event.wait(wait)
            else:
                time.sleep(wait)
        report(Feedback.GOOD)

    def wait_for_lift(
        self,
        event: threading.Event | None = None,
        on_feedback: Callable[[Feedback], None] | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Poll until the glass is empty: between two fingers of an enrolment the same
        finger must not be taken twice. Reports LIFT_AND_PLACE while a finger stays."""
        deadline = time.monotonic() + timeout
        told = False
        while True:
            if event is not None and event.is_set():
                raise CaptureCancelled(SensorPhase.WAIT_FINGER)
            if self.take_image(event) == ConfirmationCode.NO_FINGER:
                return
            if time.monotonic() >= deadline:
                raise CaptureTimeout(timeout, Feedback.LIFT_AND_PLACE)
            if not told and on_feedback is not None:
                on_feedback(Feedback.LIFT_AND_PLACE)
                told = True
            if event is not None:
                event.wait(self.poll_interval)
            else:
                time.sleep(self.poll_interval)
