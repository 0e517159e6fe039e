"""System instructions: password, address, parameters, library index, notepad, LEDs, reset.

Confirmation codes follow the ZFM-20 / R30x / R503 manuals; where they are silent the
choice is in ``docs/sensor-module.md``.
"""

from __future__ import annotations

import secrets

from biometric.sensor.constants import (
    INDEX_PAGE_TEMPLATES,
    INDEX_PAGES,
    NOTEPAD_PAGE_BYTES,
    NOTEPAD_PAGES,
    PACKET_SIZES,
    READY_BYTE,
    ConfirmationCode,
    Instruction,
    LedColor,
    LedControl,
    StatusFlags,
    SysParam,
)
from biometric.sensor.image import IMAGE_COLS, IMAGE_ROWS
from biometric.sensor.packets import SystemParameters
from simulators.sensor.config import BAUD_STEP, LedSupport
from simulators.sensor.state import Answer, Handler, LedState, ModuleState, refuse

OK = ConfirmationCode.OK
ALGORITHM_VERSION = b"nidkiosk-matcher-1"
FIRMWARE_VERSION = b"nidkiosk-sim-1"


def system_parameters(s: ModuleState) -> SystemParameters:
    """What ReadSysPara reports now (the stored baud rate, even before a reset applies it)."""
    status = StatusFlags(0)
    if s.matched:
        status |= StatusFlags.PASS
    if s.verified:
        status |= StatusFlags.PWD
    if s.image is not None:
        status |= StatusFlags.IMG_BUF_STAT
    return SystemParameters(
        status=status,
        system_id=s.config.system_id,
        library_size=s.config.library_size,
        security_level=s.flash.security_level,
        address=s.flash.address,
        packet_size=s.flash.packet_size,
        baud_rate=s.flash.baud_rate,
    )


def _word(params: bytes) -> int | None:
    return int.from_bytes(params, "big") if len(params) == 4 else None


def vfy_pwd(s: ModuleState, params: bytes) -> Answer:
    value = _word(params)
    if value is None:
        return refuse()
    if value != s.flash.password:
        return refuse(ConfirmationCode.WRONG_PASSWORD)
    s.verified = True
    return Answer(OK)


def set_pwd(s: ModuleState, params: bytes) -> Answer:
    value = _word(params)
    if value is None:
        return refuse()
    s.flash.set(password=value)
    return Answer(OK)


def set_adder(s: ModuleState, params: bytes) -> Answer:
    """The acknowledgement already comes from the new address (the ZFM manual's format)."""
    value = _word(params)
    if value is None:
        return refuse()
    s.flash.set(address=value)
    return Answer(OK, address=value)


def plain(code: int) -> Handler:
    def handler(_s: ModuleState, params: bytes) -> Answer:
        return refuse() if params else Answer(code)

    return handler


def read_sys_para(s: ModuleState, params: bytes) -> Answer:
    return refuse() if params else Answer(OK, system_parameters(s).to_bytes())


def set_sys_para(s: ModuleState, params: bytes) -> Answer:
    """Packet size and security level apply at once; a baud rate from the next start."""
    if len(params) != 2:
        return refuse()
    register, value = params
    if register == SysParam.BAUD_RATE and 1 <= value <= 12:
        s.flash.set(baud_rate=BAUD_STEP * value)
    elif register == SysParam.SECURITY_LEVEL and 1 <= value <= 5:
        s.flash.set(security_level=value)
    elif register == SysParam.PACKET_SIZE and value in PACKET_SIZES:
        s.flash.set(packet_size=PACKET_SIZES[value])
    elif register in (SysParam.BAUD_RATE, SysParam.SECURITY_LEVEL, SysParam.PACKET_SIZE):
        return refuse(ConfirmationCode.BAD_REGISTER_VALUE)
    else:
        return refuse(ConfirmationCode.INVALID_REGISTER)
    return Answer(OK)


def template_num(s: ModuleState, params: bytes) -> Answer:
    return refuse() if params else Answer(OK, len(s.flash.library).to_bytes(2, "big"))


def read_index_table(s: ModuleState, params: bytes) -> Answer:
    """32 bytes a page; bit b of byte i is template page * 256 + 8 i + b."""
    if len(params) != 1 or params[0] >= INDEX_PAGES:
        return refuse()
    first = params[0] * INDEX_PAGE_TEMPLATES
    table = bytearray(INDEX_PAGE_TEMPLATES // 8)
    for page in s.flash.library:
        if first <= page < first + INDEX_PAGE_TEMPLATES:
            offset = page - first
            table[offset // 8] |= 1 << (offset % 8)
    return Answer(OK, bytes(table))


def get_random_code(_s: ModuleState, params: bytes) -> Answer:
    return refuse() if params else Answer(OK, secrets.token_bytes(4))


def write_notepad(s: ModuleState, params: bytes) -> Answer:
    if len(params) != 1 + NOTEPAD_PAGE_BYTES:
        return refuse()
    if params[0] >= NOTEPAD_PAGES:
        return refuse(ConfirmationCode.BAD_NOTEPAD_PAGE)
    s.flash.write_notepad(params[0], params[1:])
    return Answer(OK)


def read_notepad(s: ModuleState, params: bytes) -> Answer:
    if len(params) != 1:
        return refuse()
    if params[0] >= NOTEPAD_PAGES:
        return refuse(ConfirmationCode.BAD_NOTEPAD_PAGE)
    return Answer(OK, s.flash.notepad.get(params[0], bytes(NOTEPAD_PAGE_BYTES)))


def soft_reset(s: ModuleState, params: bytes) -> Answer:
    """Acknowledge, restart (RAM cleared, stored settings in force), then say 0x55."""
    if params:
        return refuse()
    s.power_on()
    return Answer(OK, trailer=bytes([READY_BYTE]))


def _ascii(text: bytes, size: int) -> bytes:
    return text[:size].ljust(size, b"\x00")


def read_prod_info(s: ModuleState, params: bytes) -> Answer:
    """R503 layout: model, batch, serial, hardware version, sensor, size, template, library."""
    if params:
        return refuse()
    info = (
        _ascii(s.config.model.encode("ascii", "replace"), 16)
        + _ascii(b"SIM1", 4)
        + _ascii(b"00000001", 8)
        + bytes([1, 0])
        + _ascii(b"SIMGLASS", 8)
        + IMAGE_COLS.to_bytes(2, "big")
        + IMAGE_ROWS.to_bytes(2, "big")
        + (512).to_bytes(2, "big")
        + s.config.library_size.to_bytes(2, "big")
    )
    return Answer(OK, info)


def version(text: bytes) -> Handler:
    def handler(_s: ModuleState, params: bytes) -> Answer:
        return refuse() if params else Answer(OK, _ascii(text, 32))

    return handler


_LED_CONTROLS = frozenset(int(c) for c in LedControl)
_LED_COLORS = frozenset(int(c) for c in LedColor)


def aura_led(s: ModuleState, params: bytes) -> Answer:
    if s.config.led not in (LedSupport.AURA, LedSupport.BOTH) or len(params) != 4:
        return refuse()
    control, _speed, color, _count = params
    if control not in _LED_CONTROLS or color not in _LED_COLORS:
        return refuse()
    on = control not in (LedControl.OFF, LedControl.GRADUAL_OFF)
    s.led = LedState(on=on, control=control, color=color)
    return Answer(OK)


def open_close_led(on: bool) -> Handler:
    def handler(s: ModuleState, params: bytes) -> Answer:
        if s.config.led not in (LedSupport.OPEN_CLOSE, LedSupport.BOTH) or params:
            return refuse()
        s.led = LedState(on=on, control=LedControl.ON if on else LedControl.OFF,
                         color=s.led.color)
        return Answer(OK)

    return handler


HANDLERS: dict[int, Handler] = {
    Instruction.VFY_PWD: vfy_pwd,
    Instruction.SET_PWD: set_pwd,
    Instruction.SET_ADDER: set_adder,
    Instruction.HANDSHAKE: plain(OK),
    Instruction.GET_ECHO: plain(ConfirmationCode.ECHO_OK),
    Instruction.CHECK_SENSOR: plain(OK),
    Instruction.CANCEL: plain(OK),
    Instruction.READ_SYS_PARA: read_sys_para,
    Instruction.SET_SYS_PARA: set_sys_para,
    Instruction.TEMPLATE_NUM: template_num,
    Instruction.READ_INDEX_TABLE: read_index_table,
    Instruction.GET_RANDOM_CODE: get_random_code,
    Instruction.WRITE_NOTEPAD: write_notepad,
    Instruction.READ_NOTEPAD: read_notepad,
    Instruction.SOFT_RESET: soft_reset,
    Instruction.READ_PROD_INFO: read_prod_info,
    Instruction.GET_ALG_VER: version(ALGORITHM_VERSION),
    Instruction.GET_FW_VER: version(FIRMWARE_VERSION),
    Instruction.AURA_LED_CONFIG: aura_led,
    Instruction.OPEN_LED: open_close_led(True),
    Instruction.CLOSE_LED: open_close_led(False),
}
