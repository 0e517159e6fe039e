"""Wire values of the R30x / ZFM-20 / AS608 fingerprint-module protocol.

Names follow the module manuals (GenImg, Img2Tz, UpImage, ...) so the code reads next
to them. Every value that travels on the wire is an IntEnum or IntFlag.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag, unique


@unique
class PacketId(IntEnum):
    """The packet identifier (PID) byte."""

    COMMAND = 0x01
    DATA = 0x02
    ACK = 0x07
    END_OF_DATA = 0x08


@unique
class Instruction(IntEnum):
    """Instruction codes of the family (ZFM-20/R30x, AS608, R503 manuals).

    ``docs/sensor-module.md`` lists which ones the simulator answers and how; the few it
    does not (the AS608's automatic ENROLL/IDENTIFY, GEN_BIN_IMAGE, the R503's
    AUTO_ENROLL/AUTO_IDENTIFY) are named here for logs.
    """

    GEN_IMG = 0x01
    IMG_2_TZ = 0x02
    MATCH = 0x03
    SEARCH = 0x04
    REG_MODEL = 0x05
    STORE = 0x06
    LOAD_CHAR = 0x07
    UP_CHAR = 0x08
    DOWN_CHAR = 0x09
    UP_IMAGE = 0x0A
    DOWN_IMAGE = 0x0B
    DELETE_CHAR = 0x0C
    EMPTY = 0x0D
    SET_SYS_PARA = 0x0E
    READ_SYS_PARA = 0x0F
    ENROLL = 0x10  # AS608 automatic enrolment (not simulated)
    IDENTIFY = 0x11  # AS608 automatic identification (not simulated)
    SET_PWD = 0x12
    VFY_PWD = 0x13
    GET_RANDOM_CODE = 0x14
    SET_ADDER = 0x15
    WRITE_NOTEPAD = 0x18
    READ_NOTEPAD = 0x19
    HIGH_SPEED_SEARCH = 0x1B
    GEN_BIN_IMAGE = 0x1C  # AS608 / ZFM-70 (not simulated)
    TEMPLATE_NUM = 0x1D
    READ_INDEX_TABLE = 0x1F
    GET_IMAGE_EX = 0x28
    CANCEL = 0x30
    AUTO_ENROLL = 0x31  # R503 (not simulated)
    AUTO_IDENTIFY = 0x32  # R503 (not simulated)
    AURA_LED_CONFIG = 0x35
    CHECK_SENSOR = 0x36
    GET_ALG_VER = 0x39
    GET_FW_VER = 0x3A
    READ_PROD_INFO = 0x3C
    SOFT_RESET = 0x3D
    HANDSHAKE = 0x40
    OPEN_LED = 0x50
    CLOSE_LED = 0x51
    GET_ECHO = 0x53


@unique
class ConfirmationCode(IntEnum):
    """First content byte of an acknowledge packet."""

    OK = 0x00
    PACKET_ERROR = 0x01
    NO_FINGER = 0x02
    IMAGE_FAIL = 0x03
    IMAGE_DISORDERLY = 0x06
    TOO_FEW_FEATURES = 0x07
    NO_MATCH = 0x08
    NOT_FOUND = 0x09
    MERGE_FAIL = 0x0A
    BAD_LOCATION = 0x0B
    TEMPLATE_READ_ERROR = 0x0C
    TEMPLATE_UPLOAD_FAIL = 0x0D
    DATA_RECEIVE_FAIL = 0x0E
    IMAGE_UPLOAD_FAIL = 0x0F
    DELETE_FAIL = 0x10
    CLEAR_FAIL = 0x11
    WRONG_PASSWORD = 0x13
    NO_VALID_IMAGE = 0x15
    FLASH_ERROR = 0x18
    UNDEFINED_ERROR = 0x19
    INVALID_REGISTER = 0x1A
    BAD_REGISTER_VALUE = 0x1B
    BAD_NOTEPAD_PAGE = 0x1C
    PORT_FAIL = 0x1D
    LIBRARY_FULL = 0x1F
    ADDRESS_CODE = 0x20
    PASSWORD_REQUIRED = 0x21
    TEMPLATE_EMPTY = 0x22
    LIBRARY_EMPTY = 0x24
    TIMEOUT = 0x26
    ALREADY_EXISTS = 0x27
    SENSOR_ABNORMAL = 0x29
    ECHO_OK = 0x55
    UNSUPPORTED = 0xFC
    HARDWARE_ERROR = 0xFD
    EXECUTION_FAILURE = 0xFE


CODE_DESCRIPTIONS: dict[int, str] = {
    ConfirmationCode.OK: "command executed",
    ConfirmationCode.PACKET_ERROR: "error receiving the packet",
    ConfirmationCode.NO_FINGER: "no finger on the sensor",
    ConfirmationCode.IMAGE_FAIL: "failed to take the finger image",
    ConfirmationCode.IMAGE_DISORDERLY: "image too disorderly to extract features",
    ConfirmationCode.TOO_FEW_FEATURES: "too few features or too small an image",
    ConfirmationCode.NO_MATCH: "fingers do not match",
    ConfirmationCode.NOT_FOUND: "no matching finger in the library",
    ConfirmationCode.MERGE_FAIL: "failed to combine the character files",
    ConfirmationCode.BAD_LOCATION: "page number beyond the finger library",
    ConfirmationCode.TEMPLATE_READ_ERROR: "error reading the template, or invalid template",
    ConfirmationCode.TEMPLATE_UPLOAD_FAIL: "error uploading the template",
    ConfirmationCode.DATA_RECEIVE_FAIL: "module cannot receive the following data packets",
    ConfirmationCode.IMAGE_UPLOAD_FAIL: "error uploading the image",
    ConfirmationCode.DELETE_FAIL: "failed to delete the template",
    ConfirmationCode.CLEAR_FAIL: "failed to clear the finger library",
    ConfirmationCode.WRONG_PASSWORD: "wrong password",
    ConfirmationCode.NO_VALID_IMAGE: "no valid image in the image buffer",
    ConfirmationCode.FLASH_ERROR: "error writing flash",
    ConfirmationCode.UNDEFINED_ERROR: "undefined error",
    ConfirmationCode.INVALID_REGISTER: "invalid register number",
    ConfirmationCode.BAD_REGISTER_VALUE: "invalid register value",
    ConfirmationCode.BAD_NOTEPAD_PAGE: "invalid notepad page",
    ConfirmationCode.PORT_FAIL: "failed to operate the communication port",
    ConfirmationCode.LIBRARY_FULL: "the finger library is full",
    ConfirmationCode.ADDRESS_CODE: "wrong address code",
    ConfirmationCode.PASSWORD_REQUIRED: "the password must be verified first",
    ConfirmationCode.TEMPLATE_EMPTY: "the character buffer holds no template",
    ConfirmationCode.LIBRARY_EMPTY: "the finger library is empty",
    ConfirmationCode.TIMEOUT: "timeout",
    ConfirmationCode.ALREADY_EXISTS: "the fingerprint already exists",
    ConfirmationCode.SENSOR_ABNORMAL: "sensor hardware error",
    ConfirmationCode.ECHO_OK: "module ready (echo)",
    ConfirmationCode.UNSUPPORTED: "unsupported command",
    ConfirmationCode.HARDWARE_ERROR: "hardware error",
    ConfirmationCode.EXECUTION_FAILURE: "command execution failure",
}


def describe_code(code: int) -> str:
    """English description of a confirmation code, for developers and logs only.

    Faces word :class:`ConfirmationCode` (or the error types) themselves.
    """
    return CODE_DESCRIPTIONS.get(code, f"unknown confirmation code 0x{code:02X}")


class StatusFlags(IntFlag):
    """Status register returned by ReadSysPara."""

    BUSY = 0x0001
    PASS = 0x0002  # a finger matched
    PWD = 0x0004  # the handshake password was verified
    IMG_BUF_STAT = 0x0008  # the image buffer holds a valid image


@unique
class SysParam(IntEnum):
    """Register numbers accepted by SetSysPara."""

    BAUD_RATE = 4  # value N: 9600 * N bps
    SECURITY_LEVEL = 5  # 1..5
    PACKET_SIZE = 6  # see PACKET_SIZES


NOTEPAD_PAGES = 16  # WriteNotepad / ReadNotepad pages of 32 bytes
NOTEPAD_PAGE_BYTES = 32
CHAR_FILE_BYTES = 512  # what UpChar sends and DownChar takes for one character buffer
INDEX_PAGE_TEMPLATES = 256  # ReadIndexTable: one page of 32 bytes, a bit per template
INDEX_PAGES = 4

PACKET_SIZES: dict[int, int] = {0: 32, 1: 64, 2: 128, 3: 256}
"""Data-packet size code (system parameter) to bytes of content per data packet."""


def packet_size_code(size: int) -> int:
    """Inverse of PACKET_SIZES; ValueError for a size the family cannot do."""
    for code, value in PACKET_SIZES.items():
        if value == size:
            return code
    raise ValueError(f"packet size must be one of {sorted(PACKET_SIZES.values())}, not {size}")


@unique
class LedControl(IntEnum):
    """Control byte of the R503 AuraLedConfig instruction."""

    BREATHING = 0x01
    FLASHING = 0x02
    ON = 0x03
    OFF = 0x04
    GRADUAL_ON = 0x05
    GRADUAL_OFF = 0x06


@unique
class LedColor(IntEnum):
    """Colour index of the R503 AuraLedConfig instruction (4..7 on later R503 batches)."""

    RED = 0x01
    BLUE = 0x02
    PURPLE = 0x03
    GREEN = 0x04
    YELLOW = 0x05
    CYAN = 0x06
    WHITE = 0x07


READY_BYTE = 0x55
"""The single byte a module sends when it has finished starting (after SoftReset)."""
