"""The card image: everything the chip keeps across power cycles (its EEPROM).

Serialized as JSON with binary fields in base64, so a developer can open it and
see what a card holds; written only through :class:`simulators.card.store.CardStore`.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from apdu.profile import NID_AID, Lifecycle

IMAGE_FORMAT = "nidkiosk-card-image/1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


class CardImageError(ValueError):
    """A card image file is unreadable or not ours."""


@dataclass
class CardImage:
    """Persistent chip content.

    ``files`` maps a file identifier inside the NID application to its content;
    ``secrets`` holds key material and reference data that no command reads out;
    ``counters`` holds retry counters and similar small integers.
    """

    files: dict[int, bytes] = field(default_factory=dict, repr=False)
    lifecycle: Lifecycle = Lifecycle.PERSONALIZED
    aid: bytes = NID_AID
    secrets: dict[str, bytes] = field(default_factory=dict, repr=False)
    counters: dict[str, int] = field(default_factory=dict)
    label: str = ""

    def to_json(self) -> str:
        document: dict[str, Any] = {
            "format": IMAGE_FORMAT,
            "label": self.label,
            "aid": self.aid.hex().upper(),
            "lifecycle": self.lifecycle.name,
            "files": {f"{fid:04X}": _b64(content) for fid, content in sorted(self.files.items())},
            "secrets": {name: _b64(value) for name, value in sorted(self.secrets.items())},
            "counters": dict(sorted(self.counters.items())),
        }
        return json.dumps(document, indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CardImage:
        try:
            document = json.loads(text)
            if document.get("format") != IMAGE_FORMAT:
                raise CardImageError(f"not a card image (format {document.get('format')!r})")
            return cls(
                files={int(fid, 16): _unb64(v) for fid, v in document["files"].items()},
                lifecycle=Lifecycle[document["lifecycle"]],
                aid=bytes.fromhex(document["aid"]),
                secrets={name: _unb64(v) for name, v in document["secrets"].items()},
                counters={name: int(v) for name, v in document["counters"].items()},
                label=document.get("label", ""),
            )
        except CardImageError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CardImageError(f"card image is damaged: {exc}") from exc

    def copy(self) -> CardImage:
        return CardImage(
            dict(self.files), self.lifecycle, self.aid, dict(self.secrets), dict(self.counters),
            self.label,
        )
