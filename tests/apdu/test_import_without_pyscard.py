"""The card client, the profile and the parsers import without pyscard (no libpcsclite).

A registry or a server uses ``apdu`` over another transport; only ``apdu.pcsc`` (and
``apdu.events``) need PC/SC.
"""

import subprocess
import sys

from tests.conftest import REPO

NO_PYSCARD = "import sys; sys.modules['smartcard'] = None; "


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", NO_PYSCARD + code], cwd=REPO,
                          capture_output=True, text=True, timeout=60)


def test_apdu_client_imports_without_pyscard():
    result = run("import apdu.client, apdu.transport, apdu.atr, apdu.authenticity, "
                 "apdu.pin_client, apdu.signature_client, apdu.biometric_client, apdu.errors; "
                 "from apdu.client import NidCard; print('ok', sys.modules['smartcard'])")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok None"


def test_the_shim_does_block_pyscard():
    result = run("import apdu.pcsc")
    assert result.returncode != 0 and "smartcard" in result.stderr
