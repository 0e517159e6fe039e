"""Character buffers and the template library: RegModel, Store, LoadChar, UpChar,
DownChar, DeletChar, Empty, Match, Search and HighSpeedSearch.

Scores come from :mod:`simulators.sensor.charfile` (the project's matcher); a match
needs the score of the stored security level.
"""

from __future__ import annotations

from biometric.sensor.constants import CHAR_FILE_BYTES, ConfirmationCode, Instruction
from simulators.sensor import charfile
from simulators.sensor.state import Answer, Download, Handler, ModuleState, Target, refuse

OK = ConfirmationCode.OK


def _page(params: bytes) -> int:
    return int.from_bytes(params[:2], "big")


def reg_model(s: ModuleState, params: bytes) -> Answer:
    """00: both buffers now hold the template; 0A the two touches are not one finger."""
    if params:
        return refuse()
    first, second = s.buffers.get(1), s.buffers.get(2)
    if first is None or second is None or charfile.score(first, second) < s.threshold:
        return refuse(ConfirmationCode.MERGE_FAIL)
    one, two = charfile.decode(first), charfile.decode(second)
    assert one is not None and two is not None  # a score above 0 decoded both
    template = charfile.merge(one, two).encode()
    s.buffers.put(1, template)
    s.buffers.put(2, template)
    return Answer(OK)


def store(s: ModuleState, params: bytes) -> Answer:
    """00 stored (over any template there), 0B page beyond the library, 22 empty buffer."""
    if len(params) != 3:
        return refuse()
    page = _page(params[1:])
    if page >= s.config.library_size:
        return refuse(ConfirmationCode.BAD_LOCATION)
    data = s.buffers.get(params[0])
    if data is None:
        return refuse(ConfirmationCode.TEMPLATE_EMPTY)
    s.flash.store(page, data)
    return Answer(OK)


def load_char(s: ModuleState, params: bytes) -> Answer:
    """00 loaded, 0B page beyond the library, 0C nothing (valid) on that page."""
    if len(params) != 3:
        return refuse()
    page = _page(params[1:])
    if page >= s.config.library_size:
        return refuse(ConfirmationCode.BAD_LOCATION)
    data = s.flash.library.get(page)
    if data is None:
        return refuse(ConfirmationCode.TEMPLATE_READ_ERROR)
    s.buffers.put(params[0], data)
    return Answer(OK)


def up_char(s: ModuleState, params: bytes) -> Answer:
    """00 and the buffer's 512 bytes in data packets; 0D an empty buffer."""
    if len(params) != 1:
        return refuse()
    data = s.buffers.get(params[0])
    if data is None:
        return refuse(ConfirmationCode.TEMPLATE_UPLOAD_FAIL)
    return Answer(OK, data=data)


def down_char(s: ModuleState, params: bytes) -> Answer:
    """00, then the host's data packets (512 bytes) become the buffer, byte for byte."""
    if len(params) != 1:
        return refuse()
    s.download = Download(Target.CHAR_BUFFER, CHAR_FILE_BYTES, params[0])
    return Answer(OK)


def delete_char(s: ModuleState, params: bytes) -> Answer:
    """00 deleted (pages already empty included); 10 a range outside the library."""
    if len(params) != 4:
        return refuse()
    start, count = _page(params), _page(params[2:])
    if count == 0 or start + count > s.config.library_size:
        return refuse(ConfirmationCode.DELETE_FAIL)
    s.flash.delete(range(start, start + count))
    return Answer(OK)


def empty(s: ModuleState, params: bytes) -> Answer:
    if params:
        return refuse()
    s.flash.empty()
    return Answer(OK)


def match(s: ModuleState, params: bytes) -> Answer:
    """00 and the score when CharBuffer1 and 2 match; 08 (with the score) when not."""
    if params:
        return refuse()
    first, second = s.buffers.get(1), s.buffers.get(2)
    value = 0 if first is None or second is None else charfile.score(first, second)
    matched = value >= s.threshold
    s.matched = matched
    code = OK if matched else ConfirmationCode.NO_MATCH
    return Answer(code, min(value, 0xFFFF).to_bytes(2, "big"))


def search(s: ModuleState, params: bytes) -> Answer:
    """00 with the best page and its score; 09 nothing in the range matches.

    The range is clipped to the library; an empty buffer or library finds nothing (09,
    as the ZFM modules answer, rather than the R503's 24 that older hosts do not know).
    """
    if len(params) != 5:
        return refuse()
    probe = s.buffers.get(params[0])
    start, count = _page(params[1:3]), _page(params[3:5])
    end = min(start + count, s.config.library_size)
    pages = [p for p in sorted(s.flash.library) if start <= p < end]
    best_page, best = 0, 0
    if probe is not None:
        for page in pages:
            value = charfile.score(probe, s.flash.library[page])
            if value > best:
                best_page, best = page, value
    s.matched = best >= s.threshold
    if not s.matched:
        return Answer(ConfirmationCode.NOT_FOUND, compared=len(pages))
    results = best_page.to_bytes(2, "big") + min(best, 0xFFFF).to_bytes(2, "big")
    return Answer(OK, results, compared=len(pages))


HANDLERS: dict[int, Handler] = {
    Instruction.REG_MODEL: reg_model,
    Instruction.STORE: store,
    Instruction.LOAD_CHAR: load_char,
    Instruction.UP_CHAR: up_char,
    Instruction.DOWN_CHAR: down_char,
    Instruction.DELETE_CHAR: delete_char,
    Instruction.EMPTY: empty,
    Instruction.MATCH: match,
    Instruction.SEARCH: search,
    Instruction.HIGH_SPEED_SEARCH: search,
}
