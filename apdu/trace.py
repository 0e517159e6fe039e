"""APDU traffic logging at its own level, below DEBUG, with secrets masked.

Traffic goes to the ``nidkiosk.apdu`` logger at level TRAFFIC (5). A command marked
``sensitive`` (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, biometric data)
is logged as its header and the length of its data only: the PIN never reaches a
log line. Turning traffic on prints a warning, as traces can reveal personal data.
"""

from __future__ import annotations

import logging

from apdu.command import CommandApdu, ResponseApdu
from apdu.constants import Ins, sw_name

TRAFFIC = 5
logging.addLevelName(TRAFFIC, "TRAFFIC")
logger = logging.getLogger("nidkiosk.apdu")

_INS_NAMES = {ins.value: ins.name for ins in Ins}


def describe_command(command: CommandApdu) -> str:
    """A one-line, masked description of a command APDU."""
    name = _INS_NAMES.get(command.ins, f"INS {command.ins:02X}")
    head = f"{command.cla:02X} {command.ins:02X} {command.p1:02X} {command.p2:02X}"
    if command.data:
        if command.sensitive:
            data = f" data=<{len(command.data)} bytes masked>"
        else:
            data = f" data={command.data.hex().upper()}"
    else:
        data = ""
    le = f" Ne={command.ne}" if command.ne is not None else ""
    ext = " ext" if command.extended or command.needs_extended else ""
    return f"> {name} {head}{data}{le}{ext}"


def describe_response(response: ResponseApdu, sensitive: bool = False) -> str:
    """A one-line description of a response; ``sensitive`` masks its data too."""
    if response.data and sensitive:
        data = f"<{len(response.data)} bytes masked> "
    elif response.data:
        shown = response.data[:64].hex().upper()
        more = f"...(+{len(response.data) - 64})" if len(response.data) > 64 else ""
        data = f"{shown}{more} "
    else:
        data = ""
    return f"< {data}{response.sw:04X} {sw_name(response.sw)}"


def enable_traffic_log(stream_handler: logging.Handler | None = None) -> None:
    """Turn on APDU tracing, loudly."""
    logger.setLevel(TRAFFIC)
    if stream_handler is not None:
        logger.addHandler(stream_handler)
    logging.getLogger("nidkiosk").warning(
        "APDU tracing is on: traces can contain personal data; secrets are masked"
    )


def trace_exchange(command: CommandApdu, response: ResponseApdu) -> None:
    if logger.isEnabledFor(TRAFFIC):
        logger.log(TRAFFIC, describe_command(command))
        logger.log(TRAFFIC, describe_response(response, command.sensitive))
