"""Atomic replacement of small files (card images, journals, photos): whole new content or the old.

Lives in the base package because every layer that persists state needs it. Every file
written here is the owner's only (0600) from its first byte: card images, journals and
holder data are personal, and a file chmod'ed after writing is readable in between.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE = 0o600


def write_private(path: Path, content: bytes) -> None:
    """Replace ``path`` with ``content``, readable and writable by the owner only.

    The data goes to a new temporary file beside ``path``, created exclusively with
    mode 0600 (``O_EXCL | O_NOFOLLOW``: nothing planted under its random name is
    reused or followed), is synced, and is renamed over ``path``; the directory is
    synced too. A crash leaves the old file or the new one, never a mix, and at no
    moment is any of it readable by others. A symlink at ``path`` is replaced, not
    followed.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, PRIVATE)
    try:
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_atomically(path: Path, content: bytes) -> None:
    """Whole new content or the old; owner-only like :func:`write_private`."""
    write_private(path, content)
