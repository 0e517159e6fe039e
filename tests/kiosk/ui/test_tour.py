"""The scripted tour that ``make run`` runs without a display, run as ``make run`` runs it.

A child process with no DISPLAY (as in CI): it must finish every step, print where the
screenshots are, draw each screen (no blank frame), and leave no PIN of the tour in the
kiosk's audit log or anywhere else under its home.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk.ui.backend import SIM_PIN1, SIM_PUK
from kiosk.ui.tour import FORGOT_PIN1, NEW_PIN1, NEW_PIN2, OPERATOR

ROOT = Path(__file__).resolve().parents[3]

# the screens the tour must pass, card services, registration and office mode
MUST_SHOW = ("attract", "identity", "menu", "pin-entry", "finger", "activation-progress",
             "signature-active", "forged", "review", "tracking-code", "held", "booked",
             "status", "office-schedule", "office-fingers", "office-decision",
             "office-delivered", "en-attract", "en-card-removed")


@pytest.mark.slow
def test_tour_runs_offscreen_and_draws_every_screen(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KIVY_", "SDL_", "NIDKIOSK_")) and k != "DISPLAY"
           and k != "WAYLAND_DISPLAY"}
    env.update(NIDKIOSK_HOME=str(tmp_path / "home"), KIVY_HOME=str(tmp_path / "kivy"))
    shots = tmp_path / "shots"
    done = subprocess.run([sys.executable, "-m", "kiosk", "kiosk", "--tour", str(shots)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    saved = sorted(shots.glob("*.png"))
    assert last == f"{len(saved)} screenshots in {shots}"
    names = {p.stem.split("-", 1)[1] for p in saved}
    assert not set(MUST_SHOW) - names, sorted(set(MUST_SHOW) - names)
    for path in saved:
        with Image.open(path) as image:
            assert image.size == (1280, 800), path.name
            low, high = image.convert("L").getextrema()
            assert high - low > 100, f"{path.name} is blank"
    secrets = [s.encode() for s in (SIM_PIN1, SIM_PUK, NEW_PIN1, FORGOT_PIN1, NEW_PIN2,
                                    OPERATOR)]
    audit = tmp_path / "home" / "audit" / "kiosk.jsonl"
    assert audit.stat().st_size > 0
    for path in (tmp_path / "home").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaked = [s for s in secrets if s in data]
            assert not leaked, f"{path}: {leaked}"
