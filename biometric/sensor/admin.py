"""The module's own settings and housekeeping, from the host's side.

A new password or address is in force at once (the next command uses it); a new baud
rate only from the module's next start, as the manuals say, so the caller reopens the
port at that speed after :meth:`AdminCommands.soft_reset`.
"""

from __future__ import annotations

import threading

from biometric.sensor.commands import CommandBase
from biometric.sensor.constants import (
    NOTEPAD_PAGE_BYTES,
    NOTEPAD_PAGES,
    ConfirmationCode,
    Instruction,
    SysParam,
)
from biometric.sensor.errors import SensorRejected

OK = ConfirmationCode.OK
BAUD_STEP = 9600


def _word(value: int, name: str) -> bytes:
    if not 0 <= value <= 0xFFFFFFFF:
        raise ValueError(f"{name} must fit in 32 bits")
    return value.to_bytes(4, "big")


class AdminCommands(CommandBase):
    """SetPwd, SetAdder, SetSysPara, GetRandomCode, CheckSensor, SoftRst, notepad."""

    _password: int

    def set_password(self, password: int) -> None:
        """SetPwd; the driver verifies with the new password from now on."""
        self._command(Instruction.SET_PWD, _word(password, "password"))
        self._password = password

    def set_address(self, address: int) -> None:
        """SetAdder; the acknowledgement already comes from the new address. Sent once
        (a retry to the old address would meet silence)."""
        params = _word(address, "address")
        ack, _ = self.link.exchange(Instruction.SET_ADDER, params, answer_address=address,
                                    retries=0)
        if ack.code != OK:
            raise SensorRejected(ack.code, Instruction.SET_ADDER)
        self.link.address = address

    def set_security_level(self, level: int) -> None:
        """SetSysPara register 5: 1 (most lenient) .. 5 (strictest)."""
        if not 1 <= level <= 5:
            raise ValueError("security level must be 1..5")
        self._command(Instruction.SET_SYS_PARA, bytes([SysParam.SECURITY_LEVEL, level]))

    def set_baud_rate(self, baud_rate: int) -> None:
        """SetSysPara register 4: recorded now, in force after the module's next start."""
        if baud_rate % BAUD_STEP or not 1 <= baud_rate // BAUD_STEP <= 12:
            raise ValueError("baud rate must be 9600 x N, N in 1..12")
        self._command(Instruction.SET_SYS_PARA,
                      bytes([SysParam.BAUD_RATE, baud_rate // BAUD_STEP]))

    def random_number(self) -> int:
        """GetRandomCode: 32 bits from the module's generator."""
        return int.from_bytes(self._command(Instruction.GET_RANDOM_CODE).params[:4], "big")

    def check_sensor(self) -> bool:
        """CheckSensor (R503): True when the module reports its sensor healthy (False: 0x29)."""
        ack = self._command(Instruction.CHECK_SENSOR,
                            ok=(OK, ConfirmationCode.SENSOR_ABNORMAL))
        return ack.code == OK

    def soft_reset(self, event: threading.Event | None = None) -> None:
        """SoftRst: the module acknowledges, restarts and says 0x55 when ready. Its
        buffers are empty afterwards and a password must be verified again."""
        ack, _ = self.link.exchange(Instruction.SOFT_RESET, ready_byte=True, event=event)
        if ack.code != OK:
            raise SensorRejected(ack.code, Instruction.SOFT_RESET)

    def write_notepad(self, page: int, data: bytes) -> None:
        """WriteNotepad: 32 bytes of the host's own on one of 16 pages of flash."""
        if not 0 <= page < NOTEPAD_PAGES or len(data) != NOTEPAD_PAGE_BYTES:
            raise ValueError(f"notepad pages are 0..{NOTEPAD_PAGES - 1}, of 32 bytes")
        self._command(Instruction.WRITE_NOTEPAD, bytes([page]) + bytes(data))

    def read_notepad(self, page: int) -> bytes:
        """ReadNotepad: the 32 bytes of one page."""
        if not 0 <= page < NOTEPAD_PAGES:
            raise ValueError(f"notepad pages are 0..{NOTEPAD_PAGES - 1}")
        return self._command(Instruction.READ_NOTEPAD, bytes([page])).params[:NOTEPAD_PAGE_BYTES]
