"""The chip's file tree: MF with EF.DIR and the NID application DF holding the data groups.

Selection by file identifier, by DF name (AID), by path from the MF or the current
DF, and by short EF identifier, as ISO/IEC 7816-4 section 7.1 describes.
"""

from __future__ import annotations

from dataclasses import dataclass

from apdu import tlv
from apdu.constants import SW
from apdu.profile import (
    DATA_GROUP_FILES,
    EF_COM,
    EF_SIG_CERT,
    EF_SOD,
    MF_FID,
    NID_DF_FID,
    Lifecycle,
)
from simulators.card.image import CardImage
from simulators.card.status import CardStatus

EF_DIR_FID = 0x2F00
MF = "MF"
NID_DF = "NID"

# Every EF the application may hold, with its SFI, regardless of whether it is written.
APPLICATION_EFS: dict[int, int] = {f.fid: f.sfi for f in DATA_GROUP_FILES.values()}
APPLICATION_EFS.update(
    {EF_COM.fid: EF_COM.sfi, EF_SOD.fid: EF_SOD.sfi, EF_SIG_CERT.fid: EF_SIG_CERT.sfi}
)
SFI_TO_FID = {sfi: fid for fid, sfi in APPLICATION_EFS.items()}

# ISO 7816-4 life cycle status byte (tag 8A) per product lifecycle.
_LCS = {
    Lifecycle.PERSONALIZED: 0x05,
    Lifecycle.ACTIVE: 0x05,
    Lifecycle.SIGNATURE_ACTIVE: 0x05,
    Lifecycle.BLOCKED: 0x05,
    Lifecycle.TERMINATED: 0x0C,
}


@dataclass(frozen=True)
class Selection:
    """What SELECT found: a DF (``ef`` None) or an EF inside a DF."""

    df: str
    ef: int | None


def ef_dir(image: CardImage) -> bytes:
    app = tlv.build(0x61, [tlv.build(0x4F, image.aid), tlv.build(0x50, b"NID IR")])
    return app.encode()


class FileSystem:
    """Resolves selections against the image; holds no session state itself."""

    def __init__(self, image: CardImage) -> None:
        self.image = image

    def ef_content(self, selection: Selection) -> bytes:
        if selection.ef is None:
            raise CardStatus(SW.COMMAND_NOT_ALLOWED_NO_EF)
        if selection.df == MF:
            if selection.ef == EF_DIR_FID:
                return ef_dir(self.image)
            raise CardStatus(SW.FILE_NOT_FOUND)
        content = self.image.files.get(selection.ef)
        if content is None:
            raise CardStatus(SW.FILE_NOT_FOUND)
        return content

    def by_fid(self, current_df: str, fid: int) -> Selection:
        if fid == MF_FID:
            return Selection(MF, None)
        if fid == NID_DF_FID:
            return Selection(NID_DF, None)
        if current_df == MF and fid == EF_DIR_FID:
            return Selection(MF, fid)
        if current_df == NID_DF and fid in self.image.files:
            return Selection(NID_DF, fid)
        raise CardStatus(SW.FILE_NOT_FOUND)

    def by_name(self, name: bytes) -> Selection:
        if name and self.image.aid.startswith(name):
            return Selection(NID_DF, None)
        raise CardStatus(SW.FILE_NOT_FOUND)

    def by_path(self, start_df: str, path: bytes) -> Selection:
        if not path or len(path) % 2:
            raise CardStatus(SW.WRONG_DATA)
        fids = [int.from_bytes(path[i : i + 2], "big") for i in range(0, len(path), 2)]
        selection = Selection(start_df, None)
        for position, fid in enumerate(fids):
            if selection.ef is not None:
                raise CardStatus(SW.FILE_NOT_FOUND)
            if fid == MF_FID and position == 0:
                selection = Selection(MF, None)
                continue
            if selection.df == MF and fid == NID_DF_FID:
                selection = Selection(NID_DF, None)
                continue
            selection = self.by_fid(selection.df, fid)
        return selection

    def by_sfi(self, current_df: str, sfi: int) -> Selection:
        fid = SFI_TO_FID.get(sfi)
        if current_df != NID_DF or fid is None or fid not in self.image.files:
            raise CardStatus(SW.FILE_NOT_FOUND)
        return Selection(NID_DF, fid)

    def fcp(self, selection: Selection) -> bytes:
        """File control parameters (tag 62) for a SELECT with P2 = 04."""
        lcs = bytes([_LCS[self.image.lifecycle]])
        if selection.ef is not None:
            size = len(self.ef_content(selection))
            children = [
                tlv.build(0x80, size.to_bytes(2, "big")),
                tlv.build(0x82, b"\x01"),  # working EF, transparent
                tlv.build(0x83, selection.ef.to_bytes(2, "big")),
            ]
            sfi = APPLICATION_EFS.get(selection.ef)
            if sfi is not None and selection.df == NID_DF:
                children.append(tlv.build(0x88, bytes([sfi])))
            children.append(tlv.build(0x8A, lcs))
        elif selection.df == MF:
            children = [tlv.build(0x82, b"\x38"), tlv.build(0x83, MF_FID.to_bytes(2, "big")),
                        tlv.build(0x8A, b"\x05")]
        else:
            children = [
                tlv.build(0x82, b"\x38"),
                tlv.build(0x83, NID_DF_FID.to_bytes(2, "big")),
                tlv.build(0x84, self.image.aid),
                tlv.build(0x8A, lcs),
            ]
        return tlv.build(0x62, children).encode()
