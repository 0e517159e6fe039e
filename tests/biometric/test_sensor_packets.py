"""Packet codec, stream reader and image format of the UART fingerprint modules."""

from __future__ import annotations

import random

import numpy as np
import pytest

from biometric.errors import ImageFormatError
from biometric.sensor import IMAGE_BYTES, pack_image, quantize, unpack_image
from biometric.sensor.errors import (
    ChecksumError,
    FramingError,
    FramingProblem,
    SensorPhase,
    SensorRejected,
)
from biometric.sensor.image import check_image
from biometric.sensor.packets import (
    ConfirmationCode,
    Instruction,
    Packet,
    PacketId,
    PacketReader,
    StatusFlags,
    SystemParameters,
    ack_packet,
    checksum,
    command_packet,
    decode_packet,
    describe_code,
    encode_packet,
    packet_size_code,
)

# Frames as printed in the module manuals and seen on the wire.
VFY_PWD_DEFAULT = bytes.fromhex("EF01FFFFFFFF010007130000000000 1B".replace(" ", ""))
GEN_IMG = bytes.fromhex("EF01FFFFFFFF0100030100 05".replace(" ", ""))
ACK_OK = bytes.fromhex("EF01FFFFFFFF0700030000 0A".replace(" ", ""))
ACK_NO_FINGER = bytes.fromhex("EF01FFFFFFFF0700030200 0C".replace(" ", ""))


def test_encode_matches_manual_frames() -> None:
    assert command_packet(Instruction.VFY_PWD, bytes(4)) == VFY_PWD_DEFAULT
    assert command_packet(Instruction.GEN_IMG) == GEN_IMG
    assert ack_packet(ConfirmationCode.OK) == ACK_OK
    assert ack_packet(ConfirmationCode.NO_FINGER) == ACK_NO_FINGER


def test_checksum_covers_pid_length_and_content_mod_65536() -> None:
    content = bytes([0xFF]) * 256
    assert checksum(PacketId.DATA, content) == (2 + 0x01 + 0x02 + 0xFF * 256) & 0xFFFF
    frame = encode_packet(PacketId.DATA, content, address=0x12345678)
    assert frame[2:6] == bytes.fromhex("12345678")
    assert frame[7:9] == (258).to_bytes(2, "big")
    assert decode_packet(frame) == Packet(PacketId.DATA, content, 0x12345678)


def test_encode_refuses_impossible_packets() -> None:
    with pytest.raises(ValueError):
        encode_packet(PacketId.DATA, b"")
    with pytest.raises(ValueError):
        encode_packet(PacketId.DATA, bytes(257))


def test_reader_assembles_packets_fed_byte_by_byte() -> None:
    reader = PacketReader()
    got = []
    for byte in ACK_OK + ACK_NO_FINGER:
        reader.feed(bytes([byte]))
        packet = reader.next_packet()
        if packet is not None:
            got.append(packet.code)
    assert got == [ConfirmationCode.OK, ConfirmationCode.NO_FINGER]
    assert reader.pending == 0 and reader.discarded == 0


def test_reader_resyncs_on_garbage_and_false_start_codes() -> None:
    reader = PacketReader()
    # junk, a lone EF, a start code with an impossible PID, then a real packet
    reader.feed(b"\x00\x13\xef\x55" + b"\xef\x01\xff\xff\xff\xff\x42\x00\x03" + ACK_NO_FINGER)
    packet = reader.next_packet()
    assert packet is not None and packet.code == ConfirmationCode.NO_FINGER
    assert reader.discarded == 4 + 9
    assert reader.next_packet() is None


def test_reader_rejects_bad_checksum_then_recovers() -> None:
    bad = bytearray(ACK_OK)
    bad[-1] ^= 0x01
    reader = PacketReader()
    reader.feed(bytes(bad) + ACK_NO_FINGER)
    with pytest.raises(ChecksumError) as info:
        reader.next_packet()
    assert info.value.checksum != info.value.computed
    packet = reader.next_packet()
    assert packet is not None and packet.code == ConfirmationCode.NO_FINGER


def test_reader_rejects_implausible_length_without_waiting() -> None:
    reader = PacketReader()
    reader.feed(b"\xef\x01\xff\xff\xff\xff\x02\xff\xff" + ACK_OK)  # length 65535
    packet = reader.next_packet()
    assert packet is not None and packet.code == ConfirmationCode.OK


def test_reader_never_spins_on_random_bytes() -> None:
    rng = random.Random(7)
    reader = PacketReader()
    for _ in range(300):
        reader.feed(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
        if rng.random() < 0.2:
            reader.feed(b"\xef\x01")
        for _ in range(10_000):  # a loop that would spin forever fails here instead
            try:
                if reader.next_packet() is None:
                    break
            except ChecksumError:
                continue
        else:
            pytest.fail("reader did not settle")
    assert reader.pending < 9 + 258


def test_decode_packet_requires_exactly_one_packet() -> None:
    with pytest.raises(FramingError) as info:
        decode_packet(ACK_OK[:-1])
    assert info.value.problem is FramingProblem.NOT_ONE_PACKET
    with pytest.raises(FramingError):
        decode_packet(ACK_OK + b"\x00")


def test_system_parameters_round_trip() -> None:
    params = SystemParameters(
        status=StatusFlags.PWD | StatusFlags.IMG_BUF_STAT,
        system_id=9,
        library_size=300,
        security_level=3,
        address=0xFFFFFFFF,
        packet_size=64,
        baud_rate=57600,
    )
    raw = params.to_bytes()
    assert raw.hex() == "000c0009012c0003ffffffff00010006"
    assert SystemParameters.from_bytes(raw) == params
    with pytest.raises(FramingError) as info:
        SystemParameters.from_bytes(raw[:-1])
    assert info.value.problem is FramingProblem.BAD_RESULT
    assert (info.value.received, info.value.expected) == (15, 16)


def test_packet_size_codes() -> None:
    assert [packet_size_code(n) for n in (32, 64, 128, 256)] == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        packet_size_code(100)


def test_confirmation_codes_have_descriptions() -> None:
    for code in ConfirmationCode:
        assert "unknown" not in describe_code(code)
    assert describe_code(0x13) == "wrong password"
    assert "0xEE" in describe_code(0xEE)
    error = SensorRejected(0x15, Instruction.UP_IMAGE)
    assert error.confirmation is ConfirmationCode.NO_VALID_IMAGE
    assert error.instruction == Instruction.UP_IMAGE and error.phase is SensorPhase.ACK
    assert "UP_IMAGE" in str(error) and "NO_VALID_IMAGE" in str(error)  # a log line


def test_image_packs_high_nibble_first() -> None:
    image = np.zeros((288, 256), dtype=np.uint8)
    image[0, 0], image[0, 1], image[0, 2] = 0xA7, 0x5F, 0xFF
    image[287, 255] = 0x30
    data = pack_image(image)
    assert len(data) == IMAGE_BYTES == 36_864
    assert data[0] == 0xA5 and data[1] == 0xF0 and data[-1] == 0x03


def test_image_round_trip_is_4bit_quantisation() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(288, 256), dtype=np.uint8)
    back = unpack_image(pack_image(image))
    assert back.dtype == np.uint8 and back.shape == (288, 256)
    assert np.array_equal(back, quantize(image))
    assert np.array_equal(back >> 4, image >> 4)
    assert set(np.unique(back)) <= {v * 17 for v in range(16)}
    assert pack_image(back) == pack_image(image)


def test_image_checks() -> None:
    with pytest.raises(ValueError, match="288x256"):
        check_image(np.zeros((256, 288), dtype=np.uint8))
    with pytest.raises(ValueError, match="uint8"):
        check_image(np.zeros((288, 256), dtype=np.float32))
    with pytest.raises(ValueError, match=r"0\.\.255"):
        check_image(np.full((288, 256), 300, dtype=np.int32))
    assert check_image(np.full((288, 256), 7, dtype=np.int64)).dtype == np.uint8
    with pytest.raises(ImageFormatError):  # a BiometricError, and still a ValueError
        unpack_image(b"\x00" * 100)
