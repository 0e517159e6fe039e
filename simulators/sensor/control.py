"""Control channel of a running simulated sensor: a Unix socket, one JSON object a line.

Another process (a test, a demo script, the kiosk's developer menu) places and lifts
fingers on the simulated glass without touching the serial line. Each request line gets
one reply line: ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``.

Requests::

    {"op": "place", "kind": "image", "npy_path": "/path/finger.npy"}
    {"op": "place", "kind": "persona", "persona_seed": 7, "finger": 2, "impression": 3}
    {"op": "place", "kind": "pattern", "seed": 4}      # built-in ridge test image
    {"op": "place", "kind": "poor"}   or   {"op": "poor"}
    {"op": "lift"}
    {"op": "status"}
    {"op": "fault", "kind": "silence", "instruction": "GEN_IMG", "count": 1, ...}
    {"op": "fault", "kind": "drip", "instruction": "UP_IMAGE", "length": 139, "interval": 0.2}
    {"op": "fault", "kind": "flood", "packet": 50}     # garbage until clear_faults
    {"op": "fault", "kind": "refuse", "instruction": "STORE", "code": "FLASH_ERROR"}
    {"op": "clear_faults"}
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import socketserver
import stat
import threading
from collections.abc import Callable, Mapping

import numpy as np

from simulators.sensor.faults import Fault, FaultPlan
from simulators.sensor.glass import Glass, PersonaProvider, StaticImage, persona_finger
from simulators.sensor.module import SimulatedModule
from simulators.sensor.patterns import ridge_pattern

logger = logging.getLogger("nidkiosk.sim.sensor")

MAX_LINE = 64 * 1024
_SUN_PATH_MAX = 107


class ControlError(Exception):
    """The simulator refused a control request; the text is its reason."""


Reply = dict[str, object]


class ControlDispatcher:
    """Turns one request object into one reply object."""

    def __init__(
        self,
        glass: Glass,
        module: SimulatedModule,
        faults: FaultPlan,
        port_path: str = "",
        persona_provider: PersonaProvider | None = None,
    ) -> None:
        self.persona_provider = persona_provider
        self.glass = glass
        self.module = module
        self.faults = faults
        self.port_path = port_path
        self._ops: dict[str, Callable[[Mapping[str, object]], Reply]] = {
            "place": self._place,
            "lift": lambda _r: self._lift(),
            "poor": lambda _r: self._place({"kind": "poor"}),
            "status": lambda _r: self.status(),
            "fault": self._fault,
            "clear_faults": lambda _r: self._clear_faults(),
        }

    def __call__(self, request: object) -> Reply:
        try:
            if not isinstance(request, dict):
                raise ControlError("a request must be a JSON object")
            op = request.get("op")
            handler = self._ops.get(str(op))
            if handler is None:
                raise ControlError(f"unknown op {op!r}; known: {', '.join(sorted(self._ops))}")
            reply = handler(request)
        except (ControlError, LookupError, ValueError, TypeError, OSError) as exc:
            return {"ok": False, "error": str(exc) or type(exc).__name__}
        except Exception as exc:  # a plugged-in provider failed: report it, keep serving
            logger.debug("control request failed", exc_info=True)
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        return {"ok": True, **reply}

    def status(self) -> Reply:
        source = self.glass.source
        return {
            "port": self.port_path,
            "finger": source.describe(),
            "placements": self.glass.placements,
            "module": self.module.status(),
            "faults": [f.describe() for f in self.faults.pending()],
        }

    def _place(self, request: Mapping[str, object]) -> Reply:
        kind = request.get("kind", "image")
        if kind == "image":
            path = request.get("npy_path")
            if not isinstance(path, str):
                raise ControlError("place image needs npy_path")
            image = np.load(path, allow_pickle=False)
            self.glass.place(StaticImage(image, label=os.path.basename(path)))
        elif kind == "persona":
            seed, finger, impression = (
                _int(request, "persona_seed"),
                _int(request, "finger", 1),
                _int(request, "impression", 0),
            )
            self.glass.place(persona_finger(seed, finger, impression, self.persona_provider))
        elif kind == "pattern":
            seed = _int(request, "seed", 0)
            self.glass.place(StaticImage(ridge_pattern(seed), label=f"pattern {seed}"))
        elif kind == "poor":
            self.glass.place_poor()
        elif kind == "none":
            self.glass.lift()
        else:
            raise ControlError(f"unknown finger kind {kind!r}")
        return {"finger": self.glass.source.describe()}

    def _lift(self) -> Reply:
        self.glass.lift()
        return {"finger": self.glass.source.describe()}

    def _fault(self, request: Mapping[str, object]) -> Reply:
        fault = Fault.from_json(request)
        self.faults.add(fault)
        return {"fault": fault.describe()}

    def _clear_faults(self) -> Reply:
        self.faults.clear()
        return {}


def _int(request: Mapping[str, object], key: str, default: int | None = None) -> int:
    value = request.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(f"{key} must be an integer")
    return value


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        while True:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                return
            if len(line) > MAX_LINE:
                reply: Reply = {"ok": False, "error": "request line too long"}
            else:
                try:
                    request = json.loads(line)
                except json.JSONDecodeError as exc:
                    reply = {"ok": False, "error": f"not JSON: {exc.msg}"}
                else:
                    reply = self.server.dispatcher(request)
                    logger.debug(
                        "control %s -> ok=%s",
                        request.get("op") if isinstance(request, dict) else "?",
                        reply.get("ok"),
                    )
            self.wfile.write(json.dumps(reply).encode() + b"\n")


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: str, dispatcher: ControlDispatcher) -> None:
        self.dispatcher = dispatcher
        super().__init__(path, _Handler)


class ControlServer:
    """The socket server; ``start()`` runs it in a daemon thread."""

    def __init__(self, path: str, dispatcher: ControlDispatcher) -> None:
        if len(os.fsencode(path)) > _SUN_PATH_MAX:
            raise ValueError(f"control socket path longer than {_SUN_PATH_MAX} bytes: {path}")
        _remove_stale_socket(path)
        self.path = path
        self._server = _Server(path, dispatcher)
        os.chmod(path, 0o600)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Serve requests in a daemon thread."""
        thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sensor-sim-control",
            daemon=True,
        )
        thread.start()
        self._thread = thread

    def stop(self) -> None:
        """Stop serving and remove the socket file."""
        if self._thread is not None:
            self._server.shutdown()
        self._server.server_close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def _remove_stale_socket(path: str) -> None:
    """Remove a socket file left by a dead simulator; refuse a live one or a non-socket."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise FileExistsError(f"{path} exists and is not a socket")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.settimeout(1.0)
        probe.connect(path)
    except OSError:
        os.unlink(path)
        return
    finally:
        probe.close()
    raise OSError(f"another simulator is listening on {path}")


def control_request(path: str, request: Mapping[str, object], timeout: float = 5.0) -> Reply:
    """Send one request to a running simulator; its reply, or ControlError."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(json.dumps(dict(request)).encode() + b"\n")
        with sock.makefile("rb") as stream:
            line = stream.readline(MAX_LINE + 1)
    if not line:
        raise ControlError("the simulator closed the connection without a reply")
    reply = json.loads(line)
    if not reply.get("ok"):
        raise ControlError(str(reply.get("error", "request refused")))
    return dict(reply)


def place_image(path: str, npy_path: str) -> Reply:
    """Put the image saved in ``npy_path`` (288 x 256 uint8) on the glass."""
    return control_request(path, {"op": "place", "kind": "image", "npy_path": npy_path})


def place_persona(path: str, persona_seed: int, finger: int = 1, impression: int = 0) -> Reply:
    """Put a persona's finger on the glass (needs a registered persona provider)."""
    return control_request(
        path,
        {
            "op": "place",
            "kind": "persona",
            "persona_seed": persona_seed,
            "finger": finger,
            "impression": impression,
        },
    )


def lift(path: str) -> Reply:
    """Take the finger off the glass."""
    return control_request(path, {"op": "lift"})


def poor(path: str) -> Reply:
    """Put a touch the module cannot image on the glass."""
    return control_request(path, {"op": "poor"})


def status(path: str) -> Reply:
    """What is on the glass, the module's state and the queued faults."""
    return control_request(path, {"op": "status"})
