"""The simulated fingerprint module: its answers byte for byte, faults, control channel."""

from __future__ import annotations

import os
import select
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from biometric.sensor import Feedback, FingerprintSensor, quantize
from biometric.sensor.packets import (
    HEADER,
    ConfirmationCode,
    Instruction,
    Packet,
    PacketId,
    PacketReader,
    ack_packet,
    command_packet,
    encode_packet,
)
from simulators.sensor import (
    ControlError,
    Fault,
    FaultKind,
    FaultPlan,
    Glass,
    ModuleConfig,
    NoPersonaProvider,
    ProvidedImage,
    SimulatedModule,
    control_request,
    lift,
    persona_finger,
    place_image,
    place_persona,
    poor,
    ridge_pattern,
    run_sensor,
    serve_forever,
    set_persona_provider,
    status,
)
from simulators.sensor.faults import DEFAULT_NOISE, FLOOD_PATTERN, apply_fault

NO_HANG = 5.0


def ask(module: SimulatedModule, instruction: int, params: bytes = b"") -> list[Packet]:
    return module.handle(Packet(PacketId.COMMAND, bytes([instruction]) + params))


def codes(packets: list[Packet]) -> list[int]:
    return [p.code for p in packets]


@pytest.fixture
def short_dir() -> Iterator[str]:
    """Unix socket paths must stay under 108 bytes; pytest's tmp_path may not."""
    path = tempfile.mkdtemp(prefix="nks", dir="/tmp")
    yield path
    shutil.rmtree(path, ignore_errors=True)


# -- the module state machine ------------------------------------------------------------


def test_answers_byte_for_byte() -> None:
    module = SimulatedModule()
    assert [p.encode() for p in ask(module, Instruction.VFY_PWD, bytes(4))] == [
        bytes.fromhex("EF01FFFFFFFF07000300000A")
    ]
    assert ask(module, Instruction.GEN_IMG)[0].encode() == bytes.fromhex("EF01FFFFFFFF07000302000C")
    assert ask(module, Instruction.VFY_PWD, b"\x00\x00\x00\x01")[0].encode() == bytes.fromhex(
        "EF01FFFFFFFF0700031300 1D".replace(" ", "")
    )


def test_refusals() -> None:
    module = SimulatedModule()
    assert codes(ask(module, 0x7E)) == [ConfirmationCode.PACKET_ERROR]  # unknown instruction
    assert codes(ask(module, Instruction.VFY_PWD, b"\x00")) == [ConfirmationCode.PACKET_ERROR]
    # UpImage with nothing to send: 0x0F, the one failure the manual lists for it
    assert codes(ask(module, Instruction.UP_IMAGE)) == [ConfirmationCode.IMAGE_UPLOAD_FAIL]
    assert codes(ask(module, Instruction.IMG_2_TZ, b"\x01")) == [ConfirmationCode.NO_VALID_IMAGE]
    assert codes(ask(module, Instruction.SET_SYS_PARA, b"\x09\x01")) == [
        ConfirmationCode.INVALID_REGISTER
    ]
    assert codes(ask(module, Instruction.SET_SYS_PARA, b"\x06\x07")) == [
        ConfirmationCode.BAD_REGISTER_VALUE
    ]
    other = Packet(PacketId.COMMAND, bytes([Instruction.GEN_IMG]), address=0x12345678)
    assert module.handle(other) == []  # not our address: silence
    assert module.handle(Packet(PacketId.DATA, b"\x00")) == []


def test_password_must_be_verified_first() -> None:
    module = SimulatedModule(config=ModuleConfig(password=42))
    assert codes(ask(module, Instruction.GEN_IMG)) == [ConfirmationCode.PASSWORD_REQUIRED]
    assert codes(ask(module, Instruction.HANDSHAKE)) == [ConfirmationCode.OK]
    assert codes(ask(module, Instruction.VFY_PWD, (41).to_bytes(4, "big"))) == [
        ConfirmationCode.WRONG_PASSWORD
    ]
    assert codes(ask(module, Instruction.VFY_PWD, (42).to_bytes(4, "big"))) == [ConfirmationCode.OK]
    assert codes(ask(module, Instruction.GEN_IMG)) == [ConfirmationCode.NO_FINGER]


@pytest.mark.parametrize("size", [32, 64, 128, 256])
def test_upload_honours_packet_size(size: int) -> None:
    glass = Glass()
    image = ridge_pattern(2)
    glass.place_image(image)
    module = SimulatedModule(glass, ModuleConfig(packet_size=size))
    assert codes(ask(module, Instruction.GEN_IMG)) == [ConfirmationCode.OK]
    answer = ask(module, Instruction.UP_IMAGE)
    assert answer[0].pid == PacketId.ACK and answer[0].code == ConfirmationCode.OK
    data = answer[1:]
    assert len(data) == 36_864 // size
    assert all(len(p.content) == size for p in data)
    assert [p.pid for p in data] == [PacketId.DATA] * (len(data) - 1) + [PacketId.END_OF_DATA]


def test_failed_genimg_empties_the_buffer() -> None:
    glass = Glass()
    glass.place_image(ridge_pattern(1))
    module = SimulatedModule(glass)
    ask(module, Instruction.GEN_IMG)
    assert module.image is not None
    glass.place_poor()
    assert codes(ask(module, Instruction.GEN_IMG)) == [ConfirmationCode.IMAGE_FAIL]
    assert codes(ask(module, Instruction.UP_IMAGE)) == [ConfirmationCode.IMAGE_UPLOAD_FAIL]
    assert codes(ask(module, Instruction.IMG_2_TZ, b"\x01")) == [ConfirmationCode.NO_VALID_IMAGE]


# -- faults ----------------------------------------------------------------------------


def test_fault_transformations() -> None:
    ack = ack_packet(0)
    data = [
        ack,
        encode_packet(PacketId.DATA, bytes(range(32))),
        encode_packet(PacketId.END_OF_DATA, b"\x01" * 32),
    ]
    garbled = apply_fault(Fault(FaultKind.GARBLE), [ack])[0]
    assert len(garbled) == len(ack) and garbled[9] == ack[9] ^ 0xFF
    assert apply_fault(Fault(FaultKind.BAD_CHECKSUM), [ack])[0][-2:] != ack[-2:]
    assert apply_fault(Fault(FaultKind.SILENCE), data) == []
    cut = apply_fault(Fault(FaultKind.TRUNCATE, packet=1, offset=10), data)
    assert cut == [ack, data[1][:10]]
    dropped = apply_fault(Fault(FaultKind.DROP_BYTES, packet=-1, offset=12, length=3), data)
    assert len(dropped[2]) == len(data[2]) - 3 and dropped[:2] == data[:2]
    noisy = apply_fault(Fault(FaultKind.NOISE, data=b"\x00\xef"), [ack])[0]
    assert noisy == b"\x00\xef" + ack
    assert apply_fault(Fault(FaultKind.NOISE), [ack])[0] == DEFAULT_NOISE + ack
    assert apply_fault(Fault(FaultKind.DRIP, packet=1), data) == data  # only the pace changes
    flooded = apply_fault(Fault(FaultKind.FLOOD, packet=1), data)
    assert flooded == [ack, FLOOD_PATTERN] and HEADER not in FLOOD_PATTERN


def test_fault_plan_counts_and_filters() -> None:
    plan = FaultPlan()
    plan.add(Fault(FaultKind.SILENCE, instruction=Instruction.UP_IMAGE, count=2))
    plan.add(Fault(FaultKind.GARBLE, packet=3))  # only answers with 4+ packets
    frame = [ack_packet(0)]
    assert plan.apply(Instruction.GEN_IMG, frame) == frame
    assert plan.apply(Instruction.UP_IMAGE, frame) == []
    assert plan.apply(Instruction.UP_IMAGE, frame) == []
    assert plan.apply(Instruction.UP_IMAGE, frame) == frame
    assert len(plan.pending()) == 1 and plan.applied == 2
    plan.clear()
    assert plan.pending() == []


# -- raw bytes over the pty --------------------------------------------------------------


def _raw_exchange(port: str, frame: bytes) -> list[Packet]:
    fd = os.open(port, os.O_RDWR | os.O_NOCTTY)
    try:
        os.write(fd, frame)
        reader = PacketReader()
        deadline = time.monotonic() + NO_HANG
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                reader.feed(os.read(fd, 4096))
                packet = reader.next_packet()
                if packet is not None:
                    return [packet]
        pytest.fail("no answer over the pty")
    finally:
        os.close(fd)


def test_pty_answers_raw_bytes_and_bad_checksum() -> None:
    with run_sensor() as handle:
        assert _raw_exchange(handle.port_path, command_packet(Instruction.HANDSHAKE))[0].code == 0
        broken = bytearray(command_packet(Instruction.GEN_IMG))
        broken[-1] ^= 0x55
        answer = _raw_exchange(handle.port_path, bytes(broken))
        assert answer[0].code == ConfirmationCode.PACKET_ERROR


def _read_for(fd: int, seconds: float) -> bytes:
    """Whatever the module writes to the line within ``seconds``."""
    out = bytearray()
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            out += os.read(fd, 65536)
    return bytes(out)


def test_drip_paces_the_answer_over_the_pty() -> None:
    with run_sensor() as handle:
        handle.inject(Fault(FaultKind.DRIP, Instruction.HANDSHAKE, length=4, interval=0.15))
        fd = os.open(handle.port_path, os.O_RDWR | os.O_NOCTTY)
        try:
            started = time.monotonic()
            os.write(fd, command_packet(Instruction.HANDSHAKE))
            first = _read_for(fd, 0.1)
            rest = _read_for(fd, 0.5)
        finally:
            os.close(fd)
    assert first == ack_packet(ConfirmationCode.OK)[:4]  # 12 bytes, 4 every 0.15 s
    assert first + rest == ack_packet(ConfirmationCode.OK)
    assert time.monotonic() - started >= 0.3


def test_flood_is_endless_garbage_until_cleared() -> None:
    with run_sensor() as handle:
        handle.inject(Fault(FaultKind.FLOOD, Instruction.GEN_IMG))
        fd = os.open(handle.port_path, os.O_RDWR | os.O_NOCTTY)
        try:
            os.write(fd, command_packet(Instruction.GEN_IMG))
            flood = _read_for(fd, 0.3)
            assert len(flood) > 10_000 and HEADER not in flood
            os.write(fd, command_packet(Instruction.HANDSHAKE))  # ignored while flooding
            assert len(_read_for(fd, 0.2)) > 10_000
            handle.clear_faults()
            _read_for(fd, 0.2)  # the tail of the flood
            answer = _raw_exchange(handle.port_path, command_packet(Instruction.HANDSHAKE))
            assert answer[0].code == ConfirmationCode.OK
        finally:
            os.close(fd)
        assert handle.faults.applied == 1


# -- control channel -----------------------------------------------------------------------


def test_control_socket_drives_a_capture_from_another_thread(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    image = ridge_pattern(31)
    npy = os.path.join(short_dir, "finger.npy")
    np.save(npy, image)
    with (
        run_sensor(path) as handle,
        FingerprintSensor(handle.port_path, response_timeout=0.4) as sensor,
    ):
        assert status(path)["finger"] == {"kind": "none", "label": "none"}
        seen: list[Feedback] = []

        def operator() -> None:
            poor(path)
            time.sleep(0.2)
            place_image(path, npy)

        worker = threading.Thread(target=operator)

        def on_feedback(feedback: Feedback) -> None:
            seen.append(feedback)
            if feedback is Feedback.NO_FINGER:
                worker.start()

        captured = sensor.capture(on_feedback=on_feedback, timeout=NO_HANG)
        worker.join(NO_HANG)
        assert np.array_equal(captured, quantize(image))
        assert seen == [Feedback.NO_FINGER, Feedback.POOR_IMAGE, Feedback.GOOD]
        state = status(path)
        assert state["port"] == handle.port_path
        assert state["module"]["image_in_buffer"] is True  # type: ignore[index]
        assert lift(path)["finger"] == {"kind": "none", "label": "none"}


def test_control_persona_needs_a_provider(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    previous = set_persona_provider(None)
    try:
        with run_sensor(path):
            with pytest.raises(ControlError, match="no persona image provider"):
                place_persona(path, 7, 2, 3)
            calls: list[tuple[int, int, int]] = []

            def provider(persona_seed: int, finger: int, impression: int) -> np.ndarray:
                calls.append((persona_seed, finger, impression))
                return ridge_pattern(persona_seed * 100 + finger * 10 + impression)

            set_persona_provider(provider)
            reply = place_persona(path, 7, 2, 3)
            assert reply["finger"]["label"] == "persona 7 finger 2 impression 3"  # type: ignore[index]
            assert calls == [(7, 2, 3)]
    finally:
        set_persona_provider(previous)
    with pytest.raises(NoPersonaProvider):
        persona_finger(1, 1, 1)


def test_per_sensor_persona_provider_and_capture(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    with run_sensor(path, persona_provider=lambda s, f, i: ridge_pattern(s + f + i)) as handle:
        place_persona(path, 1, 2, 3)
        with FingerprintSensor(handle.port_path, response_timeout=0.4) as sensor:
            assert np.array_equal(sensor.capture(timeout=NO_HANG), quantize(ridge_pattern(6)))


def test_control_errors_and_faults(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    with run_sensor(path) as handle:
        with pytest.raises(ControlError, match="unknown op"):
            control_request(path, {"op": "dance"})
        with pytest.raises(ControlError, match="npy_path"):
            control_request(path, {"op": "place", "kind": "image"})
        with pytest.raises(ControlError):
            control_request(path, {"op": "place", "kind": "image", "npy_path": "/nonexistent.npy"})
        with pytest.raises(ControlError, match="seed"):
            control_request(path, {"op": "place", "kind": "pattern", "seed": "x"})
        reply = control_request(path, {"op": "fault", "kind": "silence", "instruction": "gen_img"})
        assert reply["fault"]["instruction"] == Instruction.GEN_IMG  # type: ignore[index]
        assert len(handle.faults.pending()) == 1
        control_request(path, {"op": "clear_faults"})
        assert handle.faults.pending() == []
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
            raw.settimeout(NO_HANG)
            raw.connect(path)
            raw.sendall(b'not json\n{"op": "status"}\n')
            stream = raw.makefile("rb")
            lines = stream.readline(), stream.readline()
        assert b'"ok": false' in lines[0] and b'"ok": true' in lines[1]


def test_control_socket_stale_and_busy(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(path)
    stale.close()  # leaves a dead socket file behind
    with run_sensor(path), pytest.raises(OSError, match="listening"):
        run_sensor(path)
    assert not os.path.exists(path)


def test_serve_forever_until_stopped(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")
    link = os.path.join(short_dir, "sensor")
    stop = threading.Event()
    ready: list[str] = []
    thread = threading.Thread(
        target=serve_forever,
        args=(path,),
        kwargs={
            "link_path": link,
            "stop_event": stop,
            "on_ready": lambda h: ready.append(h.port_path),
        },
    )
    thread.start()
    try:
        deadline = time.monotonic() + NO_HANG
        while not ready and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready and os.path.realpath(link) == ready[0]
        control_request(path, {"op": "place", "kind": "pattern", "seed": 5})
        with FingerprintSensor(link, response_timeout=0.4) as sensor:
            assert np.array_equal(sensor.capture(timeout=NO_HANG), quantize(ridge_pattern(5)))
    finally:
        stop.set()
        thread.join(NO_HANG)
    assert not thread.is_alive()
    assert not os.path.lexists(link) and not os.path.exists(path)


def test_provided_image_hook() -> None:
    source = ProvidedImage(lambda seed: ridge_pattern(seed), 4, label="gen")
    touch = source.touch()
    assert touch.image is not None and np.array_equal(touch.image, ridge_pattern(4))
    with pytest.raises(ValueError):
        ProvidedImage(lambda: np.zeros((10, 10), dtype=np.uint8))


def test_fault_from_json() -> None:
    fault = Fault.from_json(
        {
            "kind": "drop_bytes",
            "instruction": "up_image",
            "packet": -1,
            "count": None,
            "offset": 12,
            "length": 3,
        }
    )
    assert fault == Fault(
        FaultKind.DROP_BYTES, Instruction.UP_IMAGE, packet=-1, count=None, offset=12, length=3
    )
    assert Fault.from_json({"kind": "noise", "data_hex": "00ef"}).data == b"\x00\xef"
    drip = Fault.from_json({"kind": "drip", "length": 16, "interval": 0.2, "count": None})
    assert drip == Fault(FaultKind.DRIP, count=None, length=16, interval=0.2)
    assert drip.describe()["interval"] == 0.2
    with pytest.raises(ValueError):
        Fault.from_json({"kind": "drip", "interval": "slow"})
    with pytest.raises(ValueError):
        Fault(FaultKind.DRIP, interval=0)
    with pytest.raises(ValueError):
        Fault.from_json({"kind": "garble", "count": "two"})
    with pytest.raises(KeyError):
        Fault.from_json({"kind": "garble", "instruction": "no_such_instruction"})


def test_failing_provider_is_reported_not_fatal(short_dir: str) -> None:
    path = os.path.join(short_dir, "ctl")

    def broken(persona_seed: int, finger: int, impression: int) -> np.ndarray:
        raise RuntimeError("generator not ready")

    with run_sensor(path, persona_provider=broken):
        with pytest.raises(ControlError, match="generator not ready"):
            place_persona(path, 1)
        assert status(path)["finger"] == {"kind": "none", "label": "none"}
