"""Files the command line writes for people: created private, refused with a clear reason."""

from __future__ import annotations

from pathlib import Path

from apdu.atomic import write_private
from kiosk.cli.common import UsageError


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` readable by its owner only, from the first byte on."""
    try:
        write_private(path, content)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
