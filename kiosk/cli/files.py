"""Files the command line writes for people: created private, refused with a clear reason."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.common import UsageError


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` readable by its owner only, from the first byte on."""
    try:
        from apdu.atomic import write_private  # type: ignore[attr-defined]
    except ImportError:  # until the atomic-file module offers it
        from apdu.atomic import write_atomically as write_private
    try:
        write_private(path, content)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from exc
