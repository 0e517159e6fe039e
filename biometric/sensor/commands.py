"""What every group of module commands needs: the link, and one checked exchange."""

from __future__ import annotations

import threading
from collections.abc import Collection

from biometric.sensor.errors import SensorRejected
from biometric.sensor.link import SerialLink
from biometric.sensor.packets import ConfirmationCode, Instruction, Packet, SystemParameters


class CommandBase:
    """Base of the driver's command groups; :class:`FingerprintSensor` joins them."""

    link: SerialLink
    parameters: SystemParameters | None

    def _command(
        self,
        instruction: Instruction,
        params: bytes = b"",
        ok: Collection[int] = (ConfirmationCode.OK,),
        event: threading.Event | None = None,
    ) -> Packet:
        """One exchange; SensorRejected unless the confirmation code is in ``ok``."""
        ack, _ = self.link.exchange(instruction, params, event=event)
        if ack.code not in ok:
            raise SensorRejected(ack.code, instruction)
        return ack

    @property
    def _packet_size(self) -> int | None:
        return self.parameters.packet_size if self.parameters is not None else None
