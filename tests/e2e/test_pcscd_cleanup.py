"""A pcscd we start leaves nothing behind in the temporary directory when it stops."""

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow

SCRIPT = """
set -eu
mount -t tmpfs tmpfs /run/pcscd
ip link set lo up
{py} -c "
import os
from simulators.pcscd import PcscdProcess
daemon = PcscdProcess.start()
print('running', daemon.work_dir is not None and daemon.work_dir.is_dir(), daemon.log_path.exists())
daemon.stop()
daemon.stop()  # twice is harmless
print('left', sorted(os.listdir('{tmp}')))
"
"""


def test_pcscd_stop_removes_its_temporary_directory(tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    script = SCRIPT.format(py=sys.executable, tmp=scratch)
    result = subprocess.run(["unshare", "--mount", "--net", "--fork", "bash", "-c", script],
                            capture_output=True, text=True, cwd=REPO, timeout=60,
                            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "TMPDIR": str(scratch)})
    assert "running True True" in result.stdout, result.stdout + result.stderr
    assert "left []" in result.stdout, result.stdout
