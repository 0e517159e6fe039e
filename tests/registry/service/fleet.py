"""A fleet on loopback: a device CA, service processes (real ``nidkiosk registry serve``
subprocesses over one database, on mutual TLS), and devices with their credentials."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from registry.api import Role
from registry.devices import DeviceAuthority
from registry.remote import RemoteRegistry
from registry.storage.database import Database
from tests.conftest import NIDKIOSK, REPO


class ServiceProcess:
    def __init__(self, name: str, process: subprocess.Popen[bytes], port: int,
                 log: Path) -> None:
        self.name = name
        self.process = process
        self.port = port
        self.log = log

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL, as a machine losing power would stop it."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


class Fleet:
    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root
        self.authority = DeviceAuthority.create(root / "device-ca")
        self.database = Database.open(url, pool_size=2)
        self.services: list[ServiceProcess] = []
        self.server_dir = self.device("service", Role.SERVER, hosts=("127.0.0.1", "localhost"))

    def device(self, name: str, role: Role, office_id: int | None = None,
               hosts: tuple[str, ...] = ()) -> Path:
        issued = self.authority.issue(self.database, name, role, office_id=office_id,
                                      hosts=hosts)
        directory = self.root / "devices" / name
        issued.write(directory)
        return directory

    def start(self, name: str, *extra: str, env: dict[str, str] | None = None
              ) -> ServiceProcess:
        ready, log = self.root / f"{name}.port", self.root / f"{name}.log"
        ready.unlink(missing_ok=True)
        command = [*NIDKIOSK, "registry", "serve", "--db", self.url, "--tls",
                   str(self.server_dir), "--port", "0", "--ready-file", str(ready),
                   "--name", name, *extra]
        with log.open("wb") as sink:
            process = subprocess.Popen(command, cwd=REPO, stdout=sink, stderr=sink,
                                       env={**os.environ, **(env or {})})
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"service {name} did not start:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        service = ServiceProcess(name, process, int(ready.read_text()), log)
        self.services.append(service)
        return service

    def client(self, device: Path, *services: ServiceProcess, **options: object
               ) -> RemoteRegistry:
        urls = [s.url for s in (services or tuple(self.services))]
        return RemoteRegistry.from_directory(urls, device, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        for service in self.services:
            service.stop()
        self.database.close()
