"""The module's character buffers and template library, from the host's side.

Outcomes a caller acts on (no match, nothing found, an empty page) come back as values;
only a failing module or line raises (:class:`SensorError`), and a confirmation code the
manual does not give for a command raises :class:`SensorRejected` with that code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from biometric.sensor.commands import CommandBase
from biometric.sensor.constants import (
    CHAR_FILE_BYTES,
    INDEX_PAGE_TEMPLATES,
    INDEX_PAGES,
    ConfirmationCode,
    Instruction,
)
from biometric.sensor.errors import FramingError, FramingProblem, SensorPhase, SensorRejected

OK = ConfirmationCode.OK


@dataclass(frozen=True)
class Comparison:
    """Match (0x03) of CharBuffer1 against CharBuffer2: the module's verdict and score."""

    matched: bool
    score: int


@dataclass(frozen=True)
class SearchHit:
    """The library page a Search found, and its score."""

    page: int
    score: int


def _page(page: int) -> bytes:
    if not 0 <= page <= 0xFFFF:
        raise ValueError("a library page is 0..65535")
    return page.to_bytes(2, "big")


def _buffer(buffer_id: int) -> bytes:
    if buffer_id not in (1, 2):
        raise ValueError("the character buffers are 1 and 2")
    return bytes([buffer_id])


class LibraryCommands(CommandBase):
    """RegModel, Store, LoadChar, UpChar, DownChar, DeletChar, Empty, Match, Search,
    TemplateNum and ReadIndexTable."""

    def create_model(self) -> bool:
        """RegModel: True when buffers 1 and 2 became one template (in both buffers);
        False when the module found the two touches too different (0x0A)."""
        ack = self._command(Instruction.REG_MODEL,
                            ok=(OK, ConfirmationCode.MERGE_FAIL))
        return ack.code == OK

    def store(self, page: int, buffer_id: int = 1) -> None:
        """Store a buffer on a library page (over whatever was there).

        SensorRejected: 0x0B page beyond the library, 0x18 flash error, 0x22 empty buffer.
        """
        self._command(Instruction.STORE, _buffer(buffer_id) + _page(page))

    def load(self, page: int, buffer_id: int = 1) -> bool:
        """LoadChar: True when the page held a template, now in the buffer; False for an
        empty or unreadable page (0x0C). SensorRejected 0x0B beyond the library."""
        ack = self._command(Instruction.LOAD_CHAR, _buffer(buffer_id) + _page(page),
                            ok=(OK, ConfirmationCode.TEMPLATE_READ_ERROR))
        return ack.code == OK

    def upload_characteristics(self, buffer_id: int = 1) -> bytes:
        """UpChar: the buffer's 512 bytes. SensorRejected 0x0D for an empty buffer."""
        ack, data = self.link.exchange(
            Instruction.UP_CHAR, _buffer(buffer_id), expect_data=CHAR_FILE_BYTES,
            packet_size=self._packet_size)
        if ack.code != OK:
            raise SensorRejected(ack.code, Instruction.UP_CHAR)
        return data

    def download_characteristics(self, data: bytes, buffer_id: int = 1) -> None:
        """DownChar: put 512 bytes (from UpChar, possibly another module's) in a buffer."""
        if len(data) != CHAR_FILE_BYTES:
            raise ValueError(f"a character file is {CHAR_FILE_BYTES} bytes, not {len(data)}")
        ack, _ = self.link.exchange(Instruction.DOWN_CHAR, _buffer(buffer_id),
                                    send_data=bytes(data), packet_size=self._packet_size)
        if ack.code != OK:
            raise SensorRejected(ack.code, Instruction.DOWN_CHAR)

    def delete(self, page: int, count: int = 1) -> None:
        """DeletChar: empty ``count`` pages from ``page``. SensorRejected 0x10 outside
        the library."""
        self._command(Instruction.DELETE_CHAR, _page(page) + _page(count))

    def empty_library(self) -> None:
        """Empty: delete every template."""
        self._command(Instruction.EMPTY)

    def match(self) -> Comparison:
        """Match: CharBuffer1 against CharBuffer2 at the module's security level."""
        ack = self._command(Instruction.MATCH, ok=(OK, ConfirmationCode.NO_MATCH))
        score = int.from_bytes(ack.params[:2], "big") if len(ack.params) >= 2 else 0
        return Comparison(ack.code == OK, score)

    def search(
        self, buffer_id: int = 1, start: int = 0, count: int | None = None,
        high_speed: bool = False,
    ) -> SearchHit | None:
        """Search (or HighSpeedSearch) the library for a buffer; None when nothing matches.

        ``count`` defaults to the library's capacity (from ReadSysPara).
        """
        if count is None:
            count = self.parameters.library_size if self.parameters is not None else 0xFFFF
        instruction = Instruction.HIGH_SPEED_SEARCH if high_speed else Instruction.SEARCH
        ack = self._command(instruction, _buffer(buffer_id) + _page(start) + _page(count),
                            ok=(OK, ConfirmationCode.NOT_FOUND))
        if ack.code != OK:
            return None
        if len(ack.params) < 4:
            raise FramingError(FramingProblem.BAD_RESULT, SensorPhase.ACK, instruction,
                               received=len(ack.params), expected=4)
        return SearchHit(int.from_bytes(ack.params[:2], "big"),
                         int.from_bytes(ack.params[2:4], "big"))

    def template_count(self) -> int:
        """TemplateNum: how many templates the library holds."""
        ack = self._command(Instruction.TEMPLATE_NUM)
        return int.from_bytes(ack.params[:2], "big")

    def stored_pages(self) -> frozenset[int]:
        """ReadIndexTable over the library's capacity: the pages that hold a template."""
        capacity = self.parameters.library_size if self.parameters is not None else 0
        pages = min(INDEX_PAGES, max(1, math.ceil(capacity / INDEX_PAGE_TEMPLATES)))
        used: set[int] = set()
        for index in range(pages):
            table = self._command(Instruction.READ_INDEX_TABLE, bytes([index])).params
            for offset, byte in enumerate(table[: INDEX_PAGE_TEMPLATES // 8]):
                used.update(index * INDEX_PAGE_TEMPLATES + offset * 8 + bit
                            for bit in range(8) if byte >> bit & 1)
        return frozenset(used)

    def first_free_page(self) -> int | None:
        """The lowest library page holding no template; None when the library is full."""
        capacity = self.parameters.library_size if self.parameters is not None else 0
        used = self.stored_pages()
        return next((p for p in range(capacity) if p not in used), None)
