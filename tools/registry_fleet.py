"""Run a command against a registry fleet on this machine: the switch for face tests.

    python tools/registry_fleet.py [--services 2] -- python -m pytest tests/kiosk/ui -q

Starts a private PostgreSQL (``registry.storage.scratch_postgres``: a Unix socket, no
TCP port), migrates it, creates a device CA, a service certificate and a developer
device, starts ``--services`` ``nidkiosk registry serve --simulators
--simulator-control`` processes on loopback, and runs the command with

- ``NIDKIOSK_REGISTRY_URL`` = every service address (comma-separated),
- ``NIDKIOSK_REGISTRY_SIMULATOR=1`` and ``NIDKIOSK_DEVICE_DIR`` = the developer device,
- ``NIDKIOSK_FLEET_ISSUER`` = the test issuer PKI the services' simulated card factory
  personalizes with (their own data directory's), for a face that must trust the cards
  the fleet issues (the kiosk's UI tests copy it into theirs),

so any code that opens its registry through ``registry.connect.open_registry`` (the
kiosk, the office app, the CLI, their tests) talks to the service, its test clock and
simulated bank driving the service's. Everything is stopped afterwards (the services'
logs stay in the directory it prints); the command's exit code is this script's. As
root, PostgreSQL runs as the postgres user.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from registry.api import Role  # noqa: E402
from registry.devices import DeviceAuthority  # noqa: E402
from registry.storage import migrate  # noqa: E402
from registry.storage.database import Database  # noqa: E402
from registry.storage.scratch_postgres import ScratchPostgres  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    work = Path(tempfile.mkdtemp(prefix="nidkiosk-fleet-"))
    service_env = {**os.environ, "NIDKIOSK_HOME": str(work / "home")}
    server = ScratchPostgres.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        url = server.create_database("registry")
        migrate.upgrade(url)
        authority = DeviceAuthority.create(work / "device-ca")
        database = Database.open(url, pool_size=1)
        authority.issue(database, "fleet-service", Role.SERVER,
                        hosts=("127.0.0.1", "localhost")).write(work / "service")
        authority.issue(database, "fleet-developer", Role.DEVELOPER).write(work / "developer")
        database.close()
        urls = []
        for i in range(args.services):
            ready, log = work / f"service-{i}.port", work / f"service-{i}.log"
            with log.open("wb") as sink:
                processes.append(subprocess.Popen(
                    [sys.executable, "-m", "kiosk", "registry", "serve", "--db", url,
                     "--tls", str(work / "service"), "--port", "0", "--ready-file",
                     str(ready), "--name", f"fleet-{i}", "--simulators",
                     "--simulator-control"], cwd=REPO, stdout=sink, stderr=sink,
                    env=service_env))
            deadline = time.monotonic() + 60
            while not ready.exists() or not ready.read_text().strip():
                if processes[-1].poll() is not None or time.monotonic() > deadline:
                    print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
                    return 3
                time.sleep(0.05)
            urls.append(f"https://127.0.0.1:{ready.read_text().strip()}")
        env = {**os.environ, "NIDKIOSK_REGISTRY_URL": ",".join(urls),
               "NIDKIOSK_REGISTRY_SIMULATOR": "1",
               "NIDKIOSK_DEVICE_DIR": str(work / "developer"),
               "NIDKIOSK_FLEET_ISSUER": str(work / "home" / "issuer")}
        print(f"registry fleet: {', '.join(urls)} (logs in {work})", file=sys.stderr)
        return subprocess.run(command, env=env, cwd=REPO).returncode
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
