"""Where nidkiosk keeps its files: one home directory, overridable for tests and offices."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """``$NIDKIOSK_HOME``, else ``~/.local/share/nidkiosk``."""
    configured = os.environ.get("NIDKIOSK_HOME")
    return Path(configured) if configured else Path.home() / ".local" / "share" / "nidkiosk"


def issuer_dir() -> Path:
    """The test issuer PKI (CSCA and document signer keys) used to personalize cards."""
    return home() / "issuer"


def trust_dir() -> Path:
    """Trust anchors (CSCA certificates) the reader accepts."""
    return home() / "trust"


def cards_dir() -> Path:
    return home() / "cards"


def run_dir() -> Path:
    return home() / "run"


def sim_control_socket() -> Path:
    return run_dir() / "sim-card.sock"


def sensor_control_socket() -> Path:
    return run_dir() / "sim-sensor.sock"


def ca_dir() -> Path:
    """The local certificate authority that certifies signature keys in test set-ups."""
    return home() / "ca"
