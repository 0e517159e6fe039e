"""How a command handler ends with an error status word: raise CardStatus."""

from __future__ import annotations

from apdu.constants import SW


class CardStatus(Exception):
    """Stop processing the command and answer this status word (and optional data)."""

    def __init__(self, sw: int, data: bytes = b"") -> None:
        super().__init__(f"{sw:04X}")
        self.sw = sw
        self.data = data


def require(condition: bool, sw: int = SW.CONDITIONS_NOT_SATISFIED) -> None:
    if not condition:
        raise CardStatus(sw)
