"""ISO/IEC 7816-4/-8/-9 values used on the wire, named as the standard names them."""

from __future__ import annotations

from enum import Enum, IntEnum, unique


@unique
class Ins(IntEnum):
    """Instruction bytes (ISO/IEC 7816-4 table 4 and 7816-8/-9)."""

    DEACTIVATE_FILE = 0x04
    ERASE_BINARY = 0x0E
    VERIFY = 0x20
    MANAGE_SECURITY_ENVIRONMENT = 0x22
    CHANGE_REFERENCE_DATA = 0x24
    PERFORM_SECURITY_OPERATION = 0x2A
    RESET_RETRY_COUNTER = 0x2C
    ACTIVATE_FILE = 0x44
    GENERATE_ASYMMETRIC_KEY_PAIR = 0x46
    MANAGE_CHANNEL = 0x70
    EXTERNAL_AUTHENTICATE = 0x82
    GET_CHALLENGE = 0x84
    INTERNAL_AUTHENTICATE = 0x88
    SELECT = 0xA4
    READ_BINARY = 0xB0
    GET_RESPONSE = 0xC0
    GET_DATA = 0xCA
    UPDATE_BINARY = 0xD6
    PUT_DATA = 0xDA
    TERMINATE_DF = 0xE6


@unique
class SW(IntEnum):
    """Status words (ISO/IEC 7816-4 section 5.6). 61xx, 63Cx and 6Cxx are ranges."""

    OK = 0x9000
    NO_INFORMATION_NV_UNCHANGED = 0x6200
    END_OF_FILE = 0x6282
    SELECTED_FILE_DEACTIVATED = 0x6283
    VERIFY_FAILED = 0x6300
    MEMORY_FAILURE = 0x6581
    WRONG_LENGTH = 0x6700
    LOGICAL_CHANNEL_NOT_SUPPORTED = 0x6881
    SECURE_MESSAGING_NOT_SUPPORTED = 0x6882
    LAST_COMMAND_EXPECTED = 0x6883
    COMMAND_CHAINING_NOT_SUPPORTED = 0x6884
    COMMAND_INCOMPATIBLE = 0x6981
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    REFERENCE_DATA_NOT_USABLE = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED_NO_EF = 0x6986
    INCORRECT_SM_DATA_OBJECTS = 0x6988
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    RECORD_NOT_FOUND = 0x6A83
    NOT_ENOUGH_MEMORY = 0x6A84
    INCORRECT_P1P2 = 0x6A86
    NC_INCONSISTENT_WITH_P1P2 = 0x6A87
    REFERENCE_NOT_FOUND = 0x6A88
    FILE_ALREADY_EXISTS = 0x6A89
    WRONG_P1P2 = 0x6B00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


SW_MORE_DATA = 0x61  # 61xx: xx more bytes available with GET RESPONSE
SW_WRONG_LE = 0x6C  # 6Cxx: re-issue with Le = xx
SW_COUNTER = 0x63C0  # 63Cx: verification failed, x tries left


def sw_name(sw: int) -> str:
    """A readable name for any status word, ranges included."""
    try:
        return SW(sw).name
    except ValueError:
        pass
    high, low = sw >> 8, sw & 0xFF
    if high == SW_MORE_DATA:
        return f"MORE_DATA({low})"
    if high == SW_WRONG_LE:
        return f"WRONG_LE(exact {low})"
    if sw & 0xFFF0 == SW_COUNTER:
        return f"VERIFY_FAILED({sw & 0x0F} tries left)"
    return "UNKNOWN"


def retries_from_sw(sw: int) -> int | None:
    """Tries left encoded by a status word: 63Cx gives x, 6983 gives 0, others None."""
    if sw & 0xFFF0 == SW_COUNTER:
        return sw & 0x0F
    if sw == SW.AUTH_METHOD_BLOCKED:
        return 0
    return None


@unique
class PinRef(IntEnum):
    """Reference data (P2 of VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER)."""

    PIN1 = 0x81  # holder authentication
    PIN2 = 0x82  # signature: unusable until the signature key is activated
    PUK = 0x83  # unblocks PIN1 and PIN2


@unique
class PinState(IntEnum):
    USABLE = 0x00
    BLOCKED = 0x01
    NOT_SET = 0x02  # PIN2 before signature activation


class Verification(Enum):
    """What a command needs to have been verified on the card in this session."""

    PIN1 = "pin1"
    PIN2 = "pin2"
    FINGER = "finger"
    HOLDER = "holder"  # the holder, by finger or by PIN1


CLA_CHAINING = 0x10  # ISO 7816-4: command chaining bit of an interindustry CLA
