"""Starting a pcscd with the vpcd virtual readers, reachable from this machine only.

The vpcd driver as Debian ships it listens on every network interface, and its
reversed mode cannot reconnect after a card is pulled (pcscd aborts). So we run
vpcd in server mode inside a private network namespace that holds nothing but
loopback: the reader's port exists only there, while pcscd's Unix socket
(/run/pcscd/pcscd.comm, a file) stays visible to every PC/SC program on the machine.

Tests go one step further and also take a private mount namespace with a tmpfs on
/run/pcscd, so they neither see nor disturb a pcscd the machine already runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from simulators.vpcd import VPCD_BASE_PORT

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


class PcscdError(RuntimeError):
    """pcscd could not be found, started or reached; the message says what to do."""


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def _unshare(flags: int) -> None:
    if _libc().unshare(flags) != 0:
        errno = ctypes.get_errno()
        raise PcscdError(f"unshare failed: {os.strerror(errno)} (needs root)")


def loopback_up() -> None:
    """Bring ``lo`` up in the current network namespace (what ``ip link set lo up`` does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def enter_private_network() -> None:
    """Move this process (call from the main thread, before any thread) to a loopback-only netns."""
    _unshare(CLONE_NEWNET)
    loopback_up()


def enter_private_namespaces() -> None:
    """Private network and mount namespaces with an empty /run/pcscd, for test isolation."""
    _unshare(CLONE_NEWNS | CLONE_NEWNET)
    libc = _libc()
    if libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise PcscdError(f"cannot make mounts private: {os.strerror(ctypes.get_errno())}")
    PCSCD_SOCKET.parent.mkdir(parents=True, exist_ok=True)
    if libc.mount(b"tmpfs", str(PCSCD_SOCKET.parent).encode(), b"tmpfs", 0, b"mode=0755") != 0:
        raise PcscdError(f"cannot mount tmpfs on /run/pcscd: {os.strerror(ctypes.get_errno())}")
    loopback_up()


def network_is_loopback_only() -> bool:
    """True when this network namespace has no interface but ``lo``."""
    return [name for _index, name in socket.if_nameindex()] == ["lo"]


def pcscd_running() -> bool:
    """Whether a pcscd answers on its socket."""
    if not PCSCD_SOCKET.exists():
        return False
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(PCSCD_SOCKET))
        except OSError:
            return False
    return True


def write_reader_conf(directory: Path, port: int = VPCD_BASE_PORT) -> Path:
    """A reader.conf.d directory with the vpcd reader in server mode on ``port``."""
    directory.mkdir(parents=True, exist_ok=True)
    conf = directory / "vpcd"
    conf.write_text(
        'FRIENDLYNAME "Virtual PCD"\n'
        f"DEVICENAME   /dev/null:0x{port:04X}\n"
        f"LIBPATH      {VPCD_DRIVER}\n"
        f"CHANNELID    0x{port:04X}\n",
        encoding="ascii",
    )
    return directory


def _limit_descriptors() -> None:
    # pcscd uses select(): a descriptor number above FD_SETSIZE (1024) aborts it.
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
    os.setsid()


@dataclass
class PcscdProcess:
    """A pcscd we started; ``stop()`` ends it and removes the files it made.

    ``work_dir`` is the temporary directory made for the reader configuration and the
    log when the caller gave no place for them; it goes with ``stop()``, except when
    pcscd failed to start (its log is what the error points to).
    """

    process: subprocess.Popen[bytes]
    conf_dir: Path
    log_path: Path
    work_dir: Path | None = None

    @classmethod
    def start(cls, conf_dir: Path | None = None, log_path: Path | None = None,
              timeout: float = 10.0) -> PcscdProcess:
        if shutil.which("pcscd") is None:
            raise PcscdError("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
        if not VPCD_DRIVER.exists():
            raise PcscdError("the vpcd driver is not installed (apt-get install vsmartcard-vpcd)")
        if pcscd_running():
            raise PcscdError("a pcscd is already running on /run/pcscd/pcscd.comm")
        work = None
        if conf_dir is None or log_path is None:
            work = Path(tempfile.mkdtemp(prefix="nidkiosk-pcscd-"))
            conf_dir = conf_dir or work / "reader.conf.d"
            log_path = log_path or work / "pcscd.log"
        conf_dir = write_reader_conf(conf_dir)
        log = open(log_path, "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            ["pcscd", "--foreground", "--info", "--config", str(conf_dir)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_limit_descriptors,
        )
        log.close()
        daemon = cls(process, conf_dir, log_path, work)
        daemon._wait_ready(timeout)
        return daemon

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PcscdError(f"pcscd exited at start; see {self.log_path}")
            if pcscd_running():
                return
            time.sleep(0.02)
        self._terminate()
        raise PcscdError(f"pcscd did not come up within {timeout} s; see {self.log_path}")

    @property
    def pid(self) -> int:
        return self.process.pid

    def _terminate(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def stop(self) -> None:
        self._terminate()
        if self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir = None
