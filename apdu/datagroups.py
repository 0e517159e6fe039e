"""Encoding and decoding of the data groups; both the chip and the client use these."""

from __future__ import annotations

from apdu import tlv
from apdu.errors import ProfileError, TlvError
from apdu.profile import DATA_GROUP_FILES, EF_COM, LDS_VERSION, DataGroup, Tag
from citizen.errors import CitizenDataError
from citizen.identity import Address, Gender, Identity
from citizen.jalali import format_jalali, parse_jalali

_TEXT_FIELDS = (
    (Tag.GIVEN_NAME, "given_name"),
    (Tag.SURNAME, "surname"),
    (Tag.FATHER_NAME, "father_name"),
    (Tag.NATIONAL_CODE, "national_code"),
    (Tag.BIRTH_CERTIFICATE_NUMBER, "birth_certificate_number"),
    (Tag.BIRTH_CERTIFICATE_SERIAL, "birth_certificate_serial"),
    (Tag.CARD_SERIAL, "card_serial"),
)
_DATE_FIELDS = (
    (Tag.BIRTH_DATE, "birth_date"),
    (Tag.ISSUE_DATE, "issue_date"),
    (Tag.EXPIRY_DATE, "expiry_date"),
)


def _template(group: DataGroup) -> int:
    return DATA_GROUP_FILES[group].template_tag


def _children(raw: bytes, template_tag: int, name: str) -> list[tlv.Tlv]:
    try:
        return tlv.decode_single(raw, template_tag).children()
    except TlvError as exc:
        raise ProfileError(f"{name} is not a valid data group: {exc}") from exc


def _text(children: list[tlv.Tlv], tag: int, name: str) -> str:
    try:
        return tlv.require(children, tag).value.decode("utf-8")
    except TlvError as exc:
        raise ProfileError(f"{name}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{name}: tag {tag:X} is not UTF-8") from exc


def encode_identity(identity: Identity) -> bytes:
    children = [tlv.build(tag, getattr(identity, attr).encode()) for tag, attr in _TEXT_FIELDS]
    children += [
        tlv.build(tag, format_jalali(getattr(identity, attr)).encode())
        for tag, attr in _DATE_FIELDS
    ]
    children.append(tlv.build(Tag.GENDER, identity.gender.value.encode()))
    return tlv.build(_template(DataGroup.IDENTITY), children).encode()


def decode_identity(raw: bytes) -> Identity:
    children = _children(raw, _template(DataGroup.IDENTITY), "DG1")
    fields: dict[str, object] = {attr: _text(children, tag, "DG1") for tag, attr in _TEXT_FIELDS}
    try:
        for tag, attr in _DATE_FIELDS:
            fields[attr] = parse_jalali(_text(children, tag, "DG1"))
        fields["gender"] = Gender(_text(children, Tag.GENDER, "DG1"))
    except (CitizenDataError, ValueError) as exc:
        raise ProfileError(f"DG1: {exc}") from exc
    return Identity(**fields)  # type: ignore[arg-type]


def encode_address(address: Address) -> bytes:
    return tlv.build(
        _template(DataGroup.ADDRESS),
        [
            tlv.build(Tag.POSTAL_CODE, address.postal_code.encode()),
            tlv.build(Tag.ADDRESS, address.address.encode()),
        ],
    ).encode()


def decode_address(raw: bytes) -> Address:
    children = _children(raw, _template(DataGroup.ADDRESS), "DG11")
    return Address(_text(children, Tag.POSTAL_CODE, "DG11"), _text(children, Tag.ADDRESS, "DG11"))


def encode_photo(jpeg: bytes) -> bytes:
    return tlv.build(_template(DataGroup.PHOTO), [tlv.build(Tag.PHOTO_JPEG, jpeg)]).encode()


def decode_photo(raw: bytes) -> bytes:
    children = _children(raw, _template(DataGroup.PHOTO), "DG2")
    try:
        jpeg = tlv.require(children, Tag.PHOTO_JPEG).value
    except TlvError as exc:
        raise ProfileError(f"DG2: {exc}") from exc
    if not jpeg.startswith(b"\xff\xd8"):
        raise ProfileError("DG2: the photo is not a JPEG")
    return jpeg


def encode_chip_key(subject_public_key_info: bytes) -> bytes:
    """DG15 wraps the chip's public key as DER SubjectPublicKeyInfo (as ICAO DG15)."""
    return tlv.build(_template(DataGroup.CHIP_AUTH_KEY), subject_public_key_info).encode()


def decode_chip_key(raw: bytes) -> bytes:
    try:
        return tlv.decode_single(raw, _template(DataGroup.CHIP_AUTH_KEY)).value
    except TlvError as exc:
        raise ProfileError(f"DG15 is not a valid data group: {exc}") from exc


def encode_com(groups: list[DataGroup]) -> bytes:
    tags = bytes(DATA_GROUP_FILES[g].template_tag for g in groups)
    return tlv.build(
        EF_COM.template_tag,
        [tlv.build(Tag.LDS_VERSION, LDS_VERSION), tlv.build(Tag.TAG_LIST, tags)],
    ).encode()


def decode_com(raw: bytes) -> list[DataGroup]:
    children = _children(raw, EF_COM.template_tag, "EF.COM")
    by_tag = {f.template_tag: g for g, f in DATA_GROUP_FILES.items()}
    try:
        listed = tlv.require(children, Tag.TAG_LIST).value
        return [by_tag[t] for t in listed]
    except (TlvError, KeyError) as exc:
        raise ProfileError(f"EF.COM lists an unknown data group: {exc}") from exc
