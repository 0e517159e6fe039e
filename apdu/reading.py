"""What an identity read returns: the raw files, the verdict, and contents only if genuine.

The files are read first and kept untouched as evidence; the verdict is computed from
them; the decoded contents exist only when the verdict is GENUINE. A face therefore
cannot show data that is unverified or undecodable: there is nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from apdu import datagroups
from apdu.authenticity import AuthenticityReport
from apdu.errors import DataGroupError
from apdu.problems import Problem, ProblemKind
from apdu.profile import DataGroup, Lifecycle
from citizen.identity import Address, Identity


@dataclass(frozen=True)
class CardFiles:
    """The card's answers as read, before anything is trusted: evidence, not for display.

    Each slot holds what was read, or the problem that stopped the reading of it.
    """

    groups: Mapping[int, bytes | Problem]
    sod: bytes | Problem
    lifecycle: Lifecycle | Problem


@dataclass(frozen=True)
class CardContents:
    """Decoded card data. From ``read_identity`` it exists only for a genuine card.

    ``lifecycle`` is the chip's own answer, not signed data: it is trusted because the
    same chip passed chip authentication. ``photo_jpeg`` is None when not read.
    """

    identity: Identity
    address: Address
    photo_jpeg: bytes | None
    lifecycle: Lifecycle


@dataclass(frozen=True)
class IdentityReading:
    """The result of ``read_identity``: the verdict, and contents only when genuine."""

    authenticity: AuthenticityReport
    contents: CardContents | None
    files: CardFiles
    apdu_count: int

    def __post_init__(self) -> None:
        if self.contents is not None and not self.authenticity.genuine:
            raise ValueError("contents belong only to a genuine reading")

    @property
    def genuine(self) -> bool:
        return self.authenticity.genuine


_DECODERS: dict[int, Callable[[bytes], object]] = {
    DataGroup.IDENTITY: datagroups.decode_identity,
    DataGroup.PHOTO: datagroups.decode_photo,
    DataGroup.ADDRESS: datagroups.decode_address,
}


def decode_contents(files: CardFiles) -> tuple[CardContents | None, list[Problem]]:
    """Decode every group read; each that does not decode is a GROUP_MALFORMED problem.

    Contents come back only when every group needed was read and decodes (the read
    problems themselves are reported by ``assess``, not here).
    """
    decoded: dict[int, object] = {}
    problems: list[Problem] = []
    for number, raw in sorted(files.groups.items()):
        decoder = _DECODERS.get(number)
        if decoder is None or not isinstance(raw, bytes):
            continue
        try:
            decoded[number] = decoder(raw)
        except DataGroupError as exc:
            problems.append(Problem(ProblemKind.GROUP_MALFORMED, group=number, field=exc.field))
    identity = decoded.get(DataGroup.IDENTITY)
    address = decoded.get(DataGroup.ADDRESS)
    photo = decoded.get(DataGroup.PHOTO)
    photo_wanted = DataGroup.PHOTO in files.groups
    if (problems or not isinstance(identity, Identity) or not isinstance(address, Address)
            or not isinstance(files.lifecycle, Lifecycle)
            or (photo_wanted and not isinstance(photo, bytes))):
        return None, problems
    return CardContents(identity, address, photo if isinstance(photo, bytes) else None,
                        files.lifecycle), problems
