"""SELECT, READ BINARY and GET DATA on the simulated chip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apdu.command import CommandApdu
from apdu.constants import SW, Ins
from apdu.profile import Lifecycle
from simulators.card.filesystem import NID_DF, Selection
from simulators.card.status import CardStatus

if TYPE_CHECKING:
    from simulators.card.chip import SimulatedChip

# SELECT P1 values (ISO 7816-4 table 39)
SELECT_BY_FID = 0x00
SELECT_EF_UNDER_DF = 0x02
SELECT_BY_NAME = 0x04
SELECT_PATH_FROM_MF = 0x08
SELECT_PATH_FROM_DF = 0x09
# SELECT P2 response options (first occurrence only)
P2_FCI, P2_FCP, P2_FMD, P2_NONE = 0x00, 0x04, 0x08, 0x0C


def select(chip: SimulatedChip, command: CommandApdu) -> bytes:
    fs = chip.fs
    session = chip.session
    if command.p2 not in (P2_FCI, P2_FCP, P2_FMD, P2_NONE):
        raise CardStatus(SW.INCORRECT_P1P2)
    p1, data = command.p1, command.data
    current_df = session.selection.df
    if p1 == SELECT_BY_FID:
        if len(data) not in (0, 2):
            raise CardStatus(SW.NC_INCONSISTENT_WITH_P1P2)
        fid = int.from_bytes(data, "big") if data else 0x3F00
        selection = fs.by_fid(current_df, fid)
    elif p1 == SELECT_EF_UNDER_DF:
        if len(data) != 2:
            raise CardStatus(SW.NC_INCONSISTENT_WITH_P1P2)
        selection = fs.by_fid(current_df, int.from_bytes(data, "big"))
        if selection.ef is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
    elif p1 == SELECT_BY_NAME:
        if not 1 <= len(data) <= 16:
            raise CardStatus(SW.NC_INCONSISTENT_WITH_P1P2)
        selection = fs.by_name(data)
    elif p1 == SELECT_PATH_FROM_MF:
        selection = fs.by_path("MF", data)
    elif p1 == SELECT_PATH_FROM_DF:
        selection = fs.by_path(current_df, data)
    else:
        raise CardStatus(SW.INCORRECT_P1P2)
    if selection.df != session.selection.df:
        session.verified.clear()  # leaving the application drops its verified state
    session.selection = selection
    if chip.image.lifecycle == Lifecycle.TERMINATED and selection.df == NID_DF:
        raise CardStatus(SW.SELECTED_FILE_DEACTIVATED)
    if command.p2 == P2_NONE:
        return b""
    return fs.fcp(selection)


def read_binary(chip: SimulatedChip, command: CommandApdu) -> bytes:
    session = chip.session
    if command.data:
        raise CardStatus(SW.WRONG_LENGTH)
    if command.ne is None:
        raise CardStatus(SW.WRONG_LENGTH)
    if command.p1 & 0x80:
        if command.p1 & 0x60:
            raise CardStatus(SW.INCORRECT_P1P2)
        selection = chip.fs.by_sfi(session.selection.df, command.p1 & 0x1F)
        session.selection = selection
        offset = command.p2
    else:
        selection = session.selection
        offset = (command.p1 << 8) | command.p2
    content = chip.fs.ef_content(selection)
    if offset > len(content):
        raise CardStatus(SW.WRONG_P1P2)
    chunk = content[offset : offset + command.ne]
    if len(chunk) < command.ne:
        raise CardStatus(SW.END_OF_FILE, chunk)
    return chunk


def select_application_required(chip: SimulatedChip) -> Selection:
    selection = chip.session.selection
    if selection.df != NID_DF:
        raise CardStatus(SW.CONDITIONS_NOT_SATISFIED)
    return selection


HANDLERS = {Ins.SELECT: select, Ins.READ_BINARY: read_binary}
