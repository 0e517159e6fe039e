"""The simulated module's instruction set, answer by answer, without a pty; then its
timing and the command line, over one.

Codes are the manuals' (ZFM-20 / R30x / R503); where they are silent the choice is the
one ``docs/sensor-module.md`` records.
"""

from __future__ import annotations

import functools
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from biometric.sensor import FingerprintSensor
from biometric.sensor.constants import READY_BYTE
from biometric.sensor.packets import ConfirmationCode as C
from biometric.sensor.packets import Instruction as I  # noqa: E741 - the manual's names
from biometric.sensor.packets import Packet, PacketId, encode_packet
from kiosk.cli.finger import parse_fault
from simulators.enrolment import touch
from simulators.sensor import (
    FaultKind,
    Flash,
    FlashError,
    ModuleConfig,
    SimulatedModule,
    StaticImage,
    Timing,
    WrongAddress,
    ridge_pattern,
    run_sensor,
)
from simulators.sensor import charfile as cf
from simulators.sensor.faults import Fault

NO_HANG = 5.0


@functools.cache
def impression(seed: int, number: int) -> np.ndarray:
    return touch(seed, 2, number)


def ask(module: SimulatedModule, instruction: int, params: bytes = b"",
        address: int = 0xFFFFFFFF) -> list[Packet]:
    return module.handle(Packet(PacketId.COMMAND, bytes([instruction]) + params, address))


def code(module: SimulatedModule, instruction: int, params: bytes = b"") -> int:
    return ask(module, instruction, params)[0].code


def capture(module: SimulatedModule, image: np.ndarray, buffer_id: int) -> None:
    module.glass.place(StaticImage(image))
    assert code(module, I.GEN_IMG) == C.OK
    assert code(module, I.IMG_2_TZ, bytes([buffer_id])) == C.OK


def test_genimg_keeps_buffer_one_across_the_second_touch() -> None:
    module = SimulatedModule()
    capture(module, impression(7, 1), 1)
    capture(module, impression(7, 2), 2)  # GenImg here must not clear CharBuffer1
    assert code(module, I.REG_MODEL) == C.OK
    assert code(module, I.STORE, b"\x01\x00\x05") == C.OK
    assert sorted(module.flash.library) == [5]
    assert ask(module, I.TEMPLATE_NUM)[0].params == b"\x00\x01"
    table = ask(module, I.READ_INDEX_TABLE, b"\x00")[0].params
    assert len(table) == 32 and table[0] == 0b0010_0000 and not any(table[1:])


def test_every_answer_has_its_fixed_format() -> None:
    module = SimulatedModule(config=ModuleConfig(password=1))
    locked = ask(module, I.TEMPLATE_NUM)[0]  # 0x21, yet the template number's two bytes
    assert locked.code == C.PASSWORD_REQUIRED and len(locked.content) == 3
    ask(module, I.VFY_PWD, (1).to_bytes(4, "big"))
    miss = ask(module, I.SEARCH, b"\x01\x00\x00\x00\xc8")[0]
    assert miss.code == C.NOT_FOUND and miss.params == bytes(4)
    nomatch = ask(module, I.MATCH)[0]
    assert nomatch.code == C.NO_MATCH and nomatch.params == bytes(2)
    assert len(ask(module, I.READ_SYS_PARA)[0].params) == 16
    assert len(ask(module, I.READ_PROD_INFO)[0].params) == 46
    assert ask(module, I.GET_ALG_VER)[0].params.startswith(b"nidkiosk")
    assert len(ask(module, I.GET_RANDOM_CODE)[0].params) == 4
    assert ask(module, 0x7E)[0].content == bytes([C.PACKET_ERROR])  # unknown instruction


@pytest.mark.parametrize(
    ("instruction", "params", "expected"),
    [
        (I.STORE, b"\x01\x00\xc8", C.BAD_LOCATION),  # page 200 of a 200-page library
        (I.STORE, b"\x01\x00\x00", C.TEMPLATE_EMPTY),
        (I.LOAD_CHAR, b"\x01\x00\x00", C.TEMPLATE_READ_ERROR),
        (I.LOAD_CHAR, b"\x01\x01\x00", C.BAD_LOCATION),
        (I.UP_CHAR, b"\x01", C.TEMPLATE_UPLOAD_FAIL),
        (I.UP_IMAGE, b"", C.IMAGE_UPLOAD_FAIL),
        (I.IMG_2_TZ, b"\x01", C.NO_VALID_IMAGE),
        (I.REG_MODEL, b"", C.MERGE_FAIL),
        (I.DELETE_CHAR, b"\x00\xc7\x00\x02", C.DELETE_FAIL),
        (I.DELETE_CHAR, b"\x00\x00\x00\x00", C.DELETE_FAIL),
        (I.DELETE_CHAR, b"\x00\x00\x00\x01", C.OK),  # an empty page deletes fine
        (I.EMPTY, b"", C.OK),
        (I.READ_INDEX_TABLE, b"\x04", C.PACKET_ERROR),
        (I.WRITE_NOTEPAD, b"\x10" + bytes(32), C.BAD_NOTEPAD_PAGE),
        (I.READ_NOTEPAD, b"\x10", C.BAD_NOTEPAD_PAGE),
        (I.SET_SYS_PARA, b"\x04\x0d", C.BAD_REGISTER_VALUE),
        (I.SET_SYS_PARA, b"\x07\x01", C.INVALID_REGISTER),
        (I.CHECK_SENSOR, b"", C.OK),
        (I.HANDSHAKE, b"", C.OK),
        (I.GET_ECHO, b"", C.ECHO_OK),
        (I.CANCEL, b"", C.OK),
        (I.GET_IMAGE_EX, b"", C.NO_FINGER),
        (I.AUTO_ENROLL, b"", C.PACKET_ERROR),  # not simulated: the generic refusal
    ],
    ids=lambda v: v.name if isinstance(v, I | C) else v.hex(),
)
def test_confirmation_codes(instruction: int, params: bytes, expected: int) -> None:
    assert code(SimulatedModule(), instruction, params) == expected


def test_get_image_ex_refuses_a_poor_image_genimg_takes() -> None:
    module = SimulatedModule()
    module.glass.place_image(ridge_pattern(3, coverage=0.25))
    assert code(module, I.GEN_IMG) == C.OK
    assert code(module, I.GET_IMAGE_EX) == C.TOO_FEW_FEATURES and module.image is None


def test_wrong_address_is_ignored_or_answered() -> None:
    quiet = SimulatedModule()
    assert ask(quiet, I.HANDSHAKE, address=0x1234) == []
    assert quiet.ignored == 1 and quiet.last_foreign_address == 0x1234
    loud = SimulatedModule(config=ModuleConfig(wrong_address=WrongAddress.NAK))
    answer = ask(loud, I.HANDSHAKE, address=0x1234)
    assert answer[0].code == C.ADDRESS_CODE and answer[0].address == 0xFFFFFFFF


def test_set_address_answers_from_the_new_one_and_then_only_to_it() -> None:
    module = SimulatedModule()
    answer = ask(module, I.SET_ADDER, (0xABCD).to_bytes(4, "big"))
    assert answer[0].code == C.OK and answer[0].address == 0xABCD
    assert ask(module, I.HANDSHAKE) == []
    assert ask(module, I.HANDSHAKE, address=0xABCD)[0].code == C.OK


def test_soft_reset_clears_ram_applies_the_baud_rate_and_says_ready() -> None:
    module = SimulatedModule(config=ModuleConfig(led=ModuleConfig().led))
    capture(module, impression(7, 1), 1)
    assert code(module, I.SET_SYS_PARA, b"\x04\x02") == C.OK  # 19200, from the next start
    assert module.baud_rate == 57600
    reply = module.respond(Packet(PacketId.COMMAND, bytes([I.SOFT_RESET])))
    assert reply.packets[0].code == C.OK and reply.trailer == bytes([READY_BYTE])
    assert module.image is None and module.state.buffers.filled() == []
    assert module.baud_rate == 19200 and module.state.resets == 1


def test_downloads_commit_only_whole() -> None:
    module = SimulatedModule()
    data = bytes(range(256)) * 2
    assert code(module, I.DOWN_CHAR, b"\x02") == C.OK
    for pid, piece in ((PacketId.DATA, data[:256]), (PacketId.END_OF_DATA, data[256:])):
        assert module.handle(Packet(pid, piece)) == []
    assert module.state.buffers.get(2) == data  # any 512 bytes, verbatim
    assert code(module, I.DOWN_CHAR, b"\x01") == C.OK
    module.handle(Packet(PacketId.END_OF_DATA, data[:100]))  # short: dropped
    assert module.state.buffers.get(1) is None
    assert code(module, I.DOWN_CHAR, b"\x01") == C.OK
    module.handle(Packet(PacketId.DATA, data[:128]))
    assert code(module, I.HANDSHAKE) == C.OK  # a command ends the download
    module.handle(Packet(PacketId.END_OF_DATA, data[128:]))
    assert module.state.buffers.get(1) is None
    assert code(module, I.DOWN_IMAGE) == C.OK
    packed = bytes([0x5A]) * 36_864
    for offset in range(0, len(packed), 256):
        last = offset + 256 >= len(packed)
        module.handle(Packet(PacketId.END_OF_DATA if last else PacketId.DATA,
                             packed[offset : offset + 256]))
    assert module.image is not None and module.image[0, 0] == 0x55 and module.image[0, 1] == 0xAA
    assert code(module, I.DOWN_CHAR, b"\x01") == C.OK
    assert module.receive_error().packets == ()  # a bad data packet: silence, download ends
    assert module.state.download is None


def test_character_files() -> None:
    first = cf.from_image(impression(7, 1))
    second = cf.from_image(impression(7, 2))
    template = cf.merge(first, second)
    for item in (first, template):
        data = item.encode()
        assert len(data) == 512 and data[:2] == b"NK" and cf.decode(data) == item
    corrupted = bytearray(template.encode())
    corrupted[20] ^= 1
    assert cf.decode(bytes(corrupted)) is None  # the CRC catches it
    assert cf.score(bytes(corrupted), first.encode()) == 0
    assert cf.score(template.encode(), cf.from_image(impression(7, 3)).encode()) >= cf.threshold(3)
    assert cf.score(template.encode(), cf.from_image(impression(8, 1)).encode()) < cf.threshold(1)
    assert [cf.threshold(level) for level in range(1, 6)] == sorted(cf.THRESHOLDS.values())


def test_security_level_decides_a_borderline_match() -> None:
    module = SimulatedModule()
    capture(module, impression(7, 1), 1)
    capture(module, impression(7, 2), 2)
    score = int.from_bytes(ask(module, I.MATCH)[0].params, "big")
    level = max(lv for lv in range(1, 6) if cf.threshold(lv) <= score)
    if level < 5:
        ask(module, I.SET_SYS_PARA, bytes([5, level + 1]))
        assert code(module, I.MATCH) == C.NO_MATCH
    ask(module, I.SET_SYS_PARA, bytes([5, 1]))
    assert code(module, I.MATCH) == C.OK and module.system_parameters().status & 0x2


def test_flash_file(tmp_path: Path) -> None:
    path = tmp_path / "flash.json"
    module = SimulatedModule.with_flash_file(path)
    capture(module, impression(7, 1), 1)
    ask(module, I.STORE, b"\x01\x00\x03")
    ask(module, I.WRITE_NOTEPAD, b"\x02" + b"x" * 32)
    again = SimulatedModule.with_flash_file(path)
    assert again.flash.library == module.flash.library
    assert ask(again, I.READ_NOTEPAD, b"\x02")[0].params == b"x" * 32
    path.write_text(json.dumps({"format": "something else"}))
    with pytest.raises(FlashError):
        Flash.open(path, ModuleConfig())
    path.write_text("{not json")
    with pytest.raises(FlashError):
        Flash.open(path, ModuleConfig())


def test_refusal_fault_skips_the_instruction() -> None:
    module = SimulatedModule()
    reply = module.respond(Packet(PacketId.COMMAND, bytes([I.EMPTY])), refusal=C.CLEAR_FAIL)
    assert reply.packets[0].code == C.CLEAR_FAIL
    assert parse_fault("refuse:STORE,code=0x18") == {
        "op": "fault", "kind": "refuse", "instruction": "STORE", "code": 0x18}
    fault = Fault.from_json(parse_fault("refuse:check_sensor,code=sensor_abnormal,count=none"))
    assert fault == Fault(FaultKind.REFUSE, I.CHECK_SENSOR, count=None, code=0x29)
    drip = Fault.from_json(parse_fault("drip:UP_IMAGE,packet=1,length=139,interval=0.2"))
    assert (drip.length, drip.interval, drip.packet) == (139, 0.2, 1)


# -- timing over the pty -------------------------------------------------------------------


def test_processing_delays_and_line_pacing() -> None:
    timing = Timing(pace=True).with_delay(I.GEN_IMG, 0.3)
    config = ModuleConfig(baud_rate=9600, packet_size=128, timing=timing)
    with run_sensor(config=config) as handle:
        handle.place_image(ridge_pattern(1))
        with FingerprintSensor(handle.port_path, baudrate=9600, response_timeout=1.0) as sensor:
            started = time.monotonic()
            sensor.take_image()
            took = time.monotonic() - started
            assert 0.3 <= took < 0.3 + NO_HANG
            sensor.image_to_features(1)
            started = time.monotonic()
            data = sensor.upload_characteristics(1)
            took = time.monotonic() - started
    wire = 12 + len(data) + 4 * 11  # acknowledgement, four data packets with their frames
    assert wire * 10 / 9600 * 0.9 <= took < NO_HANG  # ~0.59 s at 9600 baud 8N1


def test_realistic_timing_figures() -> None:
    timing = Timing.realistic()
    assert timing.pace and timing.delay(I.GEN_IMG) == 0.3 and timing.delay(I.IMG_2_TZ) == 0.4
    assert timing.delay(I.SEARCH, templates=1000) == pytest.approx(1.0)
    assert timing.delay(I.HANDSHAKE) == 0.0 and Timing().delay(I.GEN_IMG) == 0.0
    with pytest.raises(ValueError):
        Timing(delays={I.GEN_IMG: -1.0})


# -- the command line ------------------------------------------------------------------------


def test_sim_sensor_command_line(tmp_path: Path) -> None:
    home = Path(os.environ["NIDKIOSK_HOME"]) / "cli-sensor"
    env = {**os.environ, "NIDKIOSK_HOME": str(home)}
    control = str(tmp_path / "c.sock") if len(str(tmp_path)) < 90 else str(home / "c.sock")
    home.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "kiosk", "sim", "sensor", "--control", control,
               "--password-stdin", "--capacity", "20", "--packet-size", "64",
               "--model", "as608", "--fault", "refuse:TEMPLATE_NUM,code=0x01,count=none"]
    process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("0000BEEF\n")
        process.stdin.close()
        first = process.stdout.readline()
        assert first.startswith("sensor on /dev/pts/"), first
        port = first.split()[2].rstrip(";")
        assert "AS608 at FFFFFFFF, 20 templates" in process.stdout.readline()
        with FingerprintSensor(port, password=0xBEEF, response_timeout=0.5) as sensor:
            assert sensor.parameters is not None
            assert (sensor.parameters.library_size, sensor.parameters.packet_size) == (20, 64)
            assert sensor.set_led(True) and sensor.led_method.value == "open_close"
            with pytest.raises(Exception) as info:
                sensor.template_count()
            assert getattr(info.value, "code", None) == C.PACKET_ERROR  # retried, then raised
        flash = json.loads((home / "sensor-flash.json").read_text())
        assert flash["password"] == 0xBEEF and flash["packet_size"] == 64
    finally:
        process.terminate()
        process.wait(NO_HANG)
    assert process.returncode == 0


def test_frames_with_a_bad_checksum_get_the_generic_refusal_over_the_pty() -> None:
    with run_sensor() as handle:
        fd = os.open(handle.port_path, os.O_RDWR | os.O_NOCTTY)
        try:
            frame = bytearray(encode_packet(PacketId.COMMAND, bytes([I.HANDSHAKE])))
            frame[-1] ^= 0x01
            os.write(fd, bytes(frame))
            deadline = time.monotonic() + NO_HANG
            out = b""
            while len(out) < 12 and (left := deadline - time.monotonic()) > 0:
                if select.select([fd], [], [], left)[0]:
                    out += os.read(fd, 64)
            assert len(out) >= 12 and out[9] == C.PACKET_ERROR
        finally:
            os.close(fd)
