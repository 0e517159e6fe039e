"""Encoding and decoding of the data groups; both the chip and the client use these.

Decoding is strict (the profile's formats, each data object once) and fails with
:class:`~apdu.errors.DataGroupError` naming the group and field, which an identity
read turns into a GROUP_MALFORMED problem rather than an exception.
"""

from __future__ import annotations

from collections.abc import Callable

from apdu import tlv
from apdu.errors import DataGroupError, ProfileError, TlvError
from apdu.profile import DATA_GROUP_FILES, EF_COM, LDS_VERSION, DataGroup, Tag
from citizen.errors import CitizenDataError
from citizen.identity import Address, Gender, Identity, validate_postal_code
from citizen.jalali import format_jalali, parse_jalali
from citizen.national_code import validate_national_code

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


def _children(raw: bytes, group: DataGroup) -> list[tlv.Tlv]:
    """The data objects of a group; each tag at most once (a repeat would be ambiguous)."""
    try:
        children = tlv.decode_single(raw, _template(group)).children()
    except TlvError as exc:
        raise DataGroupError(group, None, str(exc)) from exc
    tags = [child.tag for child in children]
    if len(set(tags)) != len(tags):
        raise DataGroupError(group, None, "a data object is repeated")
    return children


def _text(children: list[tlv.Tlv], tag: int, group: DataGroup, field: str) -> str:
    try:
        return tlv.require(children, tag).value.decode("utf-8")
    except TlvError as exc:
        raise DataGroupError(group, field, str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise DataGroupError(group, field, "not UTF-8") from exc


def _checked(value: str, check: Callable[[str], str], group: DataGroup, field: str) -> str:
    """``value`` if ``check`` accepts it exactly as stored (ASCII digits, no separators)."""
    try:
        if check(value) == value:
            return value
    except CitizenDataError as exc:
        raise DataGroupError(group, field, str(exc)) from exc
    raise DataGroupError(group, field, "not stored in its normal form")


def encode_identity(identity: Identity) -> bytes:
    children = [tlv.build(tag, getattr(identity, attr).encode()) for tag, attr in _TEXT_FIELDS]
    children += [
        tlv.build(tag, format_jalali(getattr(identity, attr)).encode())
        for tag, attr in _DATE_FIELDS
    ]
    children.append(tlv.build(Tag.GENDER, identity.gender.value.encode()))
    if identity.mother_name:
        children.append(tlv.build(Tag.MOTHER_NAME, identity.mother_name.encode()))
    return tlv.build(_template(DataGroup.IDENTITY), children).encode()


def decode_identity(raw: bytes) -> Identity:
    """DG1; a field that is missing or breaks the profile raises DataGroupError."""
    group = DataGroup.IDENTITY
    children = _children(raw, group)
    fields: dict[str, object] = {attr: _text(children, tag, group, attr)
                                 for tag, attr in _TEXT_FIELDS}
    fields["national_code"] = _checked(str(fields["national_code"]), validate_national_code,
                                       group, "national_code")
    for tag, attr in _DATE_FIELDS:
        try:
            fields[attr] = parse_jalali(_text(children, tag, group, attr))
        except CitizenDataError as exc:
            raise DataGroupError(group, attr, str(exc)) from exc
    try:
        fields["gender"] = Gender(_text(children, Tag.GENDER, group, "gender"))
    except ValueError as exc:
        raise DataGroupError(group, "gender", str(exc)) from exc
    if tlv.find(children, Tag.MOTHER_NAME) is not None:
        fields["mother_name"] = _text(children, Tag.MOTHER_NAME, group, "mother_name")
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
    group = DataGroup.ADDRESS
    children = _children(raw, group)
    postal_code = _checked(_text(children, Tag.POSTAL_CODE, group, "postal_code"),
                           validate_postal_code, group, "postal_code")
    return Address(postal_code, _text(children, Tag.ADDRESS, group, "address"))


def encode_photo(jpeg: bytes) -> bytes:
    return tlv.build(_template(DataGroup.PHOTO), [tlv.build(Tag.PHOTO_JPEG, jpeg)]).encode()


def decode_photo(raw: bytes) -> bytes:
    """The JPEG of DG2 (only its signature is checked: faces hand it to an image library)."""
    group = DataGroup.PHOTO
    children = _children(raw, group)
    try:
        jpeg = tlv.require(children, Tag.PHOTO_JPEG).value
    except TlvError as exc:
        raise DataGroupError(group, "photo", str(exc)) from exc
    if not jpeg.startswith(b"\xff\xd8"):
        raise DataGroupError(group, "photo", "not a JPEG")
    return jpeg


def encode_chip_key(subject_public_key_info: bytes) -> bytes:
    """DG15 wraps the chip's public key as DER SubjectPublicKeyInfo (as ICAO DG15)."""
    return tlv.build(_template(DataGroup.CHIP_AUTH_KEY), subject_public_key_info).encode()


def decode_chip_key(raw: bytes) -> bytes:
    """The DER SubjectPublicKeyInfo in DG15 (still to be parsed: ``apdu.chip_auth``)."""
    try:
        return tlv.decode_single(raw, _template(DataGroup.CHIP_AUTH_KEY)).value
    except TlvError as exc:
        raise DataGroupError(DataGroup.CHIP_AUTH_KEY, None, str(exc)) from exc


def encode_com(groups: list[DataGroup]) -> bytes:
    tags = bytes(DATA_GROUP_FILES[g].template_tag for g in groups)
    return tlv.build(
        EF_COM.template_tag,
        [tlv.build(Tag.LDS_VERSION, LDS_VERSION), tlv.build(Tag.TAG_LIST, tags)],
    ).encode()


def decode_com(raw: bytes) -> list[DataGroup]:
    try:
        children = tlv.decode_single(raw, EF_COM.template_tag).children()
    except TlvError as exc:
        raise ProfileError(f"EF.COM is not a valid data object: {exc}") from exc
    by_tag = {f.template_tag: g for g, f in DATA_GROUP_FILES.items()}
    try:
        listed = tlv.require(children, Tag.TAG_LIST).value
        return [by_tag[t] for t in listed]
    except (TlvError, KeyError) as exc:
        raise ProfileError(f"EF.COM lists an unknown data group: {exc}") from exc
