"""The command line's share of the security review: no traceback, no secret file readable by
others, no authority created behind a relying party's back, device errors as device errors."""

import os
import stat
import subprocess

import pytest

from tests.conftest import NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow


def cli(*args, stdin="", env=None):
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=120, env=env)


def insert(reader0, chip):
    reader0.readers[0].insert(chip)
    wait_for_card(0)


def test_photo_into_a_missing_directory_and_photo_privacy(reader0, cards, tmp_path):
    insert(reader0, cards.chip(120))
    missing = cli("read", "--photo", str(tmp_path / "no" / "such" / "face.jpg"))
    assert missing.returncode == 2 and "no directory" in missing.stderr
    assert "Traceback" not in missing.stderr
    photo = tmp_path / "face.jpg"
    saved = cli("read", "--photo", str(photo))
    assert saved.returncode == 0, saved.stderr
    assert stat.S_IMODE(photo.stat().st_mode) == 0o600


def test_sign_verify_never_creates_an_authority(tmp_path):
    home = tmp_path / "relying-party"
    home.mkdir()
    document, signature = tmp_path / "doc", tmp_path / "doc.p7s"
    document.write_bytes(b"x")
    signature.write_bytes(b"not a signature")
    env = {**os.environ, "NIDKIOSK_HOME": str(home)}
    result = cli("sign", "verify", str(document), str(signature), env=env)
    assert result.returncode == 2 and "--trust" in result.stderr
    assert not (home / "ca").exists()  # no private key appeared in a relying party's home


def test_a_missing_sensor_is_a_device_error(reader0, cards, tmp_path):
    insert(reader0, cards.chip(121, fingers=True))
    result = cli("finger", "verify", "--sensor", str(tmp_path / "ttyNothing"))
    assert result.returncode == 3, result.stderr
    assert "sensor" in result.stderr and "Traceback" not in result.stderr


def test_messages_in_persian(reader0, cards):
    insert(reader0, cards.chip(122))
    status = cli("--lang", "fa", "pin", "change", "--which", "pin2")
    assert status.returncode == 3
    assert "هنوز تعیین نشده" in status.stderr
