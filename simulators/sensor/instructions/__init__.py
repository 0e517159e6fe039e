"""The module's instructions by family, each ``(state, params) -> Answer``.

``HANDLERS`` maps instruction codes to handlers; ``RESULT_BYTES`` gives the fixed
length of the results each acknowledgement carries (the modules send the same format
whatever the confirmation code, which hosts that read a fixed byte count rely on).
"""

from __future__ import annotations

from collections.abc import Mapping

from biometric.sensor.constants import Instruction
from simulators.sensor.instructions import image, library, system
from simulators.sensor.state import Handler

HANDLERS: Mapping[int, Handler] = {**system.HANDLERS, **image.HANDLERS, **library.HANDLERS}

RESULT_BYTES: Mapping[int, int] = {
    Instruction.READ_SYS_PARA: 16,
    Instruction.TEMPLATE_NUM: 2,
    Instruction.READ_INDEX_TABLE: 32,
    Instruction.MATCH: 2,
    Instruction.SEARCH: 4,
    Instruction.HIGH_SPEED_SEARCH: 4,
    Instruction.GET_RANDOM_CODE: 4,
    Instruction.READ_NOTEPAD: 32,
    Instruction.GET_ALG_VER: 32,
    Instruction.GET_FW_VER: 32,
    Instruction.READ_PROD_INFO: 46,
}

__all__ = ["HANDLERS", "RESULT_BYTES", "Handler"]
