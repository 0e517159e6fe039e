"""Start a simulated sensor: pty link, module, glass, faults and control socket together.

``run_sensor`` returns at once with a handle (for tests and in-process demos);
``serve_forever`` blocks until stopped (for the ``nidkiosk sim sensor`` command).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import numpy.typing as npt

from biometric.sensor.image import GrayImage
from simulators.sensor.control import ControlDispatcher, ControlServer
from simulators.sensor.faults import Fault, FaultPlan
from simulators.sensor.glass import FingerSource, Glass, PersonaProvider
from simulators.sensor.link import PtyLink
from simulators.sensor.module import ModuleConfig, SimulatedModule
from simulators.sensor.patterns import assess_quality

logger = logging.getLogger("nidkiosk.sim.sensor")


class SensorHandle:
    """A running simulated sensor. ``port_path`` is what the driver opens."""

    def __init__(
        self,
        link: PtyLink,
        glass: Glass,
        faults: FaultPlan,
        control: ControlServer | None,
        dispatcher: ControlDispatcher,
    ) -> None:
        self._link = link
        self._control = control
        self._dispatcher = dispatcher
        self.glass = glass
        self.faults = faults
        self.module: SimulatedModule = link.module
        self.port_path: str = link.port_path
        self.control_path: str | None = control.path if control is not None else None
        self._stopped = False

    # -- what is on the glass ---------------------------------------------------------

    def place(self, source: FingerSource) -> None:
        """Put any finger source on the glass."""
        self.glass.place(source)

    def place_image(self, image: npt.ArrayLike) -> None:
        """Put a 288 x 256 uint8 image on the glass."""
        self.glass.place_image(image)

    def poor(self) -> None:
        """Put a touch the module cannot image on the glass."""
        self.glass.place_poor()

    def lift(self) -> None:
        """Take the finger off the glass."""
        self.glass.lift()

    # -- faults and state -------------------------------------------------------------

    def inject(self, fault: Fault) -> None:
        """Queue a fault on the module's coming answers."""
        self.faults.add(fault)

    def clear_faults(self) -> None:
        """Drop queued faults (ends an unlimited SILENCE)."""
        self.faults.clear()

    def status(self) -> dict[str, object]:
        """The same snapshot the control channel's ``status`` returns."""
        return self._dispatcher.status()

    @property
    def bytes_sent(self) -> int:
        """Bytes the module has written to the line so far."""
        return self._link.bytes_out

    @property
    def image_buffer(self) -> GrayImage | None:
        """The module's image buffer (4-bit quantised), or None."""
        return self.module.image

    # -- lifetime ---------------------------------------------------------------------

    def stop(self) -> None:
        """Stop the control socket and the pty; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if self._control is not None:
            self._control.stop()
        self._link.stop()
        logger.debug("simulated sensor on %s stopped", self.port_path)

    def __enter__(self) -> SensorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_sensor(
    control_path: str | None = None,
    *,
    source: FingerSource | None = None,
    config: ModuleConfig | None = None,
    line_rate: bool = False,
    quality: Callable[[GrayImage], int] = assess_quality,
    persona_provider: PersonaProvider | None = None,
    flash_path: str | Path | None = None,
    faults: FaultPlan | None = None,
) -> SensorHandle:
    """Start a simulated module on a new pty (and a control socket if a path is given).

    ``line_rate`` paces the output at the module's baud rate (about 7 s per image at
    57600), as ``config.timing.pace`` does; by default the pty runs as fast as it can.
    ``flash_path`` keeps the module's flash (template library, password, address,
    parameters) in a file across runs, and what it holds wins over ``config``'s factory
    settings (the CLI writes explicit options into it first); without it the flash lives
    in memory.
    ``persona_provider`` overrides the registered one for ``place persona`` requests;
    ``faults`` starts with faults already queued.
    """
    glass = Glass(source)
    module = SimulatedModule.with_flash_file(
        Path(flash_path) if flash_path is not None else None, glass, config, quality)
    faults = faults if faults is not None else FaultPlan()
    link = PtyLink(module, faults, line_rate=line_rate)
    dispatcher = ControlDispatcher(glass, module, faults, link.port_path, persona_provider)
    control: ControlServer | None = None
    try:
        if control_path is not None:
            control = ControlServer(control_path, dispatcher)
        link.start()
        if control is not None:
            control.start()
    except BaseException:
        if control is not None:
            control.stop()
        link.stop()
        raise
    return SensorHandle(link, glass, faults, control, dispatcher)


def serve_forever(
    control_path: str | None,
    *,
    link_path: str | None = None,
    stop_event: threading.Event | None = None,
    on_ready: Callable[[SensorHandle], None] | None = None,
    config: ModuleConfig | None = None,
    line_rate: bool = False,
    persona_provider: PersonaProvider | None = None,
    flash_path: str | Path | None = None,
    faults: FaultPlan | None = None,
) -> None:
    """Run a simulated sensor until ``stop_event`` is set, Ctrl-C or SIGTERM.

    ``link_path`` makes a stable symlink (e.g. ``/tmp/nidkiosk-sensor``) to the pty so
    the kiosk's configuration need not change between runs; ``on_ready`` receives the
    handle once serving (the CLI prints ``handle.port_path`` from there).
    """
    stop = stop_event if stop_event is not None else threading.Event()
    previous_term = None
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:

        def _on_term(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        previous_term = signal.signal(signal.SIGTERM, _on_term)
    try:
        with run_sensor(
            control_path, config=config, line_rate=line_rate, persona_provider=persona_provider,
            flash_path=flash_path, faults=faults,
        ) as handle:
            if link_path is not None:
                _replace_symlink(link_path, handle.port_path)
            try:
                if on_ready is not None:
                    on_ready(handle)
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                logger.debug("simulated sensor interrupted")
            finally:
                if link_path is not None and os.path.islink(link_path):
                    os.unlink(link_path)
    finally:
        if in_main and previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)


def _replace_symlink(link_path: str, target: str) -> None:
    """Point ``link_path`` at ``target``, replacing an old symlink but nothing else."""
    if os.path.lexists(link_path):
        if not os.path.islink(link_path):
            raise FileExistsError(f"{link_path} exists and is not a symlink")
        os.unlink(link_path)
    os.symlink(target, link_path)
