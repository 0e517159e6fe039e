"""What a kiosk remembers between attempts at one card's activation.

The card's own state says how far an activation got; the journal adds what the card
cannot know: a certificate issued but not yet written, that the authority refused the
current key, and that a redo is under way (so resuming it supersedes the old
certificate even if the holder does not ask for a redo again).

The file name is a hash of the verified national code and card serial, never the
serial itself: card data must not choose a path (a serial of ``../../x`` once wrote
outside the journal directory). The directory is created 0700, files 0600.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from apdu.atomic import write_atomically
from citizen.identity import Identity


@dataclass(frozen=True)
class Notes:
    """A journal's content; every field optional."""

    key: str | None = None  # key id (SHA-256 of the SPKI) the notes are about
    certificate_pem: str | None = None  # issued for ``key``, not yet on the card
    refused: bool = False  # the authority refused ``key``: generate a new one
    redo: bool = False  # a redo started: supersede the card's old certificate


def journal_name(identity: Identity) -> str:
    digest = hashlib.sha256(f"{identity.national_code}\0{identity.card_serial}".encode())
    return f"activation-{digest.hexdigest()[:32]}.json"


class Journal:
    """One card's notes in ``directory``; raises ``OSError`` when the disk fails."""

    def __init__(self, directory: Path, identity: Identity) -> None:
        self.directory = directory
        self.path = directory / journal_name(identity)

    def load(self) -> Notes:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return Notes()
        if not isinstance(data, dict):
            return Notes()
        text = {k: v for k, v in data.items() if isinstance(v, str)}
        return Notes(text.get("key"), text.get("certificate_pem"),
                     data.get("refused") is True, data.get("redo") is True)

    def save(self, notes: Notes) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        content = {"key": notes.key, "certificate_pem": notes.certificate_pem,
                   "refused": notes.refused, "redo": notes.redo}
        write_atomically(self.path, json.dumps(content).encode("utf-8"))  # created 0600

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
