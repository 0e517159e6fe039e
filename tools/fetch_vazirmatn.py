"""Fetch the Vazirmatn font (SIL OFL 1.1) from the npm registry, pinned and checked.

The kiosk and the receipts are drawn with it. Not copied into the repository by hand: ``make fonts``
and the receipt tests run this, which packs the pinned version with npm, checks the
tarball's SHA-256, and unpacks the regular and bold TTFs with their licence into
``$NIDKIOSK_FONT_DIR`` (default ``~/.cache/nidkiosk/fonts``).

    python tools/fetch_vazirmatn.py [DIR]
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "33.0.3"
SHA256 = "9506e9e6a27e62b353c04a136c27de0cc3aa9e434658b45a6363f7c98c357090"
FILES = ("fonts/ttf/Vazirmatn-Regular.ttf", "fonts/ttf/Vazirmatn-Medium.ttf",
         "fonts/ttf/Vazirmatn-Bold.ttf", "OFL.txt")


def default_dir() -> Path:
    configured = os.environ.get("NIDKIOSK_FONT_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "nidkiosk" / "fonts"


def fetch(target: Path) -> Path:
    """The directory holding the fonts, fetched if any file is missing."""
    if all((target / Path(name).name).exists() for name in FILES):
        return target
    if shutil.which("npm") is None:
        raise SystemExit("npm is needed to fetch the font (apt-get install npm)")
    with tempfile.TemporaryDirectory() as work:
        done = subprocess.run(["npm", "pack", "--silent", f"vazirmatn@{VERSION}"], cwd=work,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise SystemExit(f"npm pack failed: {done.stderr.strip()[-500:]}")
        tarball = Path(work) / f"vazirmatn-{VERSION}.tgz"
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != SHA256:
            raise SystemExit(f"vazirmatn-{VERSION}.tgz has SHA-256 {digest}, not {SHA256}")
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for name in FILES:
                member = archive.extractfile(f"package/{name}")
                assert member is not None
                (target / Path(name).name).write_bytes(member.read())
    return target


if __name__ == "__main__":
    where = fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else default_dir())
    print(f"Vazirmatn {VERSION} (SIL OFL 1.1) in {where}")
