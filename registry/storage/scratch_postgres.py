"""A throwaway PostgreSQL server for tests and benchmarks: private, local, gone after.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres``
user (``runuser``) in a directory under /tmp chowned to it. The server listens on no TCP
port at all (``listen_addresses=''``): only on a Unix socket in that directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"


class ScratchServerError(RuntimeError):
    """The scratch server could not be set up, started or stopped; ``log`` says why."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message + (f"\n--- server log ---\n{log}" if log else ""))
        self.log = log


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        raise ScratchServerError("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(found[-1])


class ScratchPostgres:
    """One private server. ``durable=False`` turns fsync off: fine for tests, not for figures."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="nidkiosk-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.logfile = self.root / "server.log"
        self._as_root = os.geteuid() == 0
        self._running = False

    @classmethod
    def start(cls, durable: bool = False) -> ScratchPostgres:
        server = cls(durable)
        try:
            server._initdb()
            server._pg_ctl("start")
            server._running = True
        except BaseException:
            server._cleanup()
            raise
        return server

    @property
    def socket_dir(self) -> str:
        return str(self.root)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SERVER_USER}@/{database}?host={self.root}"

    def _command(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", SERVER_USER, "--"] if self._as_root else []
        return [*prefix, *args]

    def _run(self, args: list[str], what: str) -> None:
        done = subprocess.run(self._command(*args), capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            log = self.logfile.read_text(errors="replace")[-4000:] if self.logfile.exists() else ""
            raise ScratchServerError(f"{what} failed ({done.returncode}): "
                                     f"{(done.stderr or done.stdout).strip()[-2000:]}", log)

    def _initdb(self) -> None:
        if self._as_root:
            try:
                account = pwd.getpwnam(SERVER_USER)
            except KeyError as exc:
                raise ScratchServerError("no 'postgres' user: is PostgreSQL installed?") from exc
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.root.chmod(0o700)
        self._run([str(self.bin / "initdb"), "-D", str(self.data), "-U", SERVER_USER,
                   "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], "initdb")

    def _pg_ctl(self, action: str) -> None:
        options = [f"-k {self.root}", "-c listen_addresses=''", "-c max_connections=200"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off",
                        "-c full_page_writes=off"]
        args = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile),
                "-w", "-t", "30"]
        if action == "start":
            args += ["-o", " ".join(options), "start"]
        else:
            args += ["-m", "immediate", "stop"]
        self._run(args, f"pg_ctl {action}")

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(host=self.socket_dir, user=SERVER_USER, dbname="postgres",
                               autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (copied from ``template`` if given); returns its URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        with self._admin() as connection:
            connection.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                               .format(sql.Identifier(name)))

    def stop(self) -> None:
        try:
            if self._running:
                self._pg_ctl("stop")
                self._running = False
        finally:
            self._cleanup()

    def _cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ScratchPostgres:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
