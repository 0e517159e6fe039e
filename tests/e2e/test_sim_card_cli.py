"""``nidkiosk sim card`` on a machine where no pcscd runs: it starts one and says so."""

import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def test_sim_card_starts_pcscd_reads_and_stops(cards, issuer, tmp_path):
    genuine = cards.file(41)
    second = cards.file(42)
    py = sys.executable
    script = f"""
set -u
mount -t tmpfs tmpfs /run/pcscd
ip link set lo up
{py} -m kiosk sim card --image {genuine} --image {second} --control {tmp_path}/ctl.sock \
    > {tmp_path}/sim.out 2>&1 &
sim=$!
for i in $(seq 200); do grep -q '^ready' {tmp_path}/sim.out && break; sleep 0.05; done
{py} -m kiosk readers
{py} -c "import socket; print('vpcd port from outside:', \
    socket.socket().connect_ex(('127.0.0.1', 35963)))"
{py} -m kiosk read --reader 0 --no-photo; echo "read0=$?"
{py} -m kiosk read --reader 1 --no-photo; echo "read1=$?"
{py} -m kiosk sim remove --reader 1 --control {tmp_path}/ctl.sock
kill -TERM $sim; wait $sim; echo "sim=$?"
test -S /run/pcscd/pcscd.comm && echo "pcscd socket left behind" || echo "pcscd gone"
"""
    result = subprocess.run(["unshare", "--mount", "--net", "--fork", "bash", "-c", script],
                            capture_output=True, text=True, cwd=REPO, timeout=120)
    sim_out = (tmp_path / "sim.out").read_text()
    assert "No pcscd was running: started one" in sim_out, sim_out
    assert "0: Virtual PCD 00 00  [card]" in result.stdout, result.stdout + result.stderr
    assert "read0=0" in result.stdout and "read1=0" in result.stdout
    assert result.stdout.count("Authenticity: genuine") == 2
    # the reader's port lives in the simulator's own loopback-only namespace: not even
    # this machine's other network namespaces, let alone the network, can reach it
    assert "vpcd port from outside: 111" in result.stdout  # ECONNREFUSED
    assert "sim=0" in result.stdout and "pcscd gone" in result.stdout

