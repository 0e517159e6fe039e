"""The running card simulator: virtual readers, their cards, and a control socket.

Another process inserts and removes cards through a Unix socket that speaks one
JSON object per line: ``{"op": "insert", "reader": 0, "image": PATH}``,
``{"op": "remove", "reader": 0}``, ``{"op": "status"}``, and the fault
``{"op": "freeze", "reader": 0}`` (the card stops answering commands) and its end
``{"op": "thaw", "reader": 0}``. Each gets one JSON line back with ``"ok"`` and
either the result or an ``"error"`` in words.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from simulators.card import CardImageError, CardStore, SimulatedChip
from simulators.vpcd import VirtualReaders

logger = logging.getLogger("nidkiosk.sim.service")
MAX_REQUEST = 65536


class ControlError(Exception):
    """A control request failed; the message is for the person who sent it."""


class CardSimulator:
    """Owns the virtual reader slots and the control socket."""

    def __init__(self, readers: VirtualReaders, control_path: Path | None = None) -> None:
        self.readers = readers
        self.control_path = control_path
        self._server: socket.socket | None = None
        self._stopping = threading.Event()
        if control_path is not None:
            self._listen(control_path)

    def insert(self, reader: int, image_path: Path) -> SimulatedChip:
        try:
            store = CardStore.open(image_path)
        except FileNotFoundError as exc:
            raise ControlError(f"no card image at {image_path}") from exc
        except CardImageError as exc:
            raise ControlError(str(exc)) from exc
        chip = SimulatedChip(store)
        self.readers[reader].insert(chip)
        return chip

    def remove(self, reader: int) -> None:
        self.readers[reader].remove()

    def status(self) -> list[dict[str, Any]]:
        return [asdict(slot.status()) for slot in self.readers.slots]

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        try:
            reader = int(request.get("reader", 0))
            if op == "insert":
                self.insert(reader, Path(str(request["image"])))
                return {"ok": True}
            if op == "remove":
                self.remove(reader)
                return {"ok": True}
            if op == "freeze":
                self.readers[reader].freeze()
                return {"ok": True}
            if op == "thaw":
                self.readers[reader].thaw()
                return {"ok": True}
            if op == "status":
                return {"ok": True, "readers": self.status()}
            raise ControlError(f"unknown operation {op!r}")
        except (ControlError, IndexError, KeyError, ValueError) as exc:
            return {"ok": False, "error": str(exc)}

    def _listen(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        os.chmod(path, 0o600)
        server.listen(8)
        self._server = server
        threading.Thread(target=self._accept, name="sim-control", daemon=True).start()

    def _accept(self) -> None:
        assert self._server is not None
        while not self._stopping.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as stream:
            for line in stream:
                if len(line) > MAX_REQUEST:
                    reply: dict[str, Any] = {"ok": False, "error": "request too long"}
                else:
                    try:
                        request = json.loads(line)
                        if not isinstance(request, dict):
                            raise ValueError("a request is a JSON object")
                        reply = self.handle(request)
                    except ValueError as exc:
                        reply = {"ok": False, "error": f"bad request: {exc}"}
                stream.write(json.dumps(reply).encode() + b"\n")
                stream.flush()

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.close()
            if self.control_path is not None and self.control_path.exists():
                self.control_path.unlink()
        self.readers.stop()


def control_request(path: Path, request: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
    """Send one request to a running simulator and return its reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(path))
        except OSError as exc:
            raise ControlError(
                f"no card simulator is listening on {path} (start one with 'nidkiosk sim card')"
            ) from exc
        sock.sendall(json.dumps(request).encode() + b"\n")
        with sock.makefile("rb") as stream:
            line = stream.readline()
    if not line:
        raise ControlError("the card simulator closed the connection")
    reply = json.loads(line)
    if not reply.get("ok"):
        raise ControlError(reply.get("error", "the card simulator refused the request"))
    return reply
