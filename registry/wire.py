"""Every request, result and error of ``RegistryService`` as JSON, and back: one place.

The service (``registry.server``) and its client (``registry.remote``) both use this
module and nothing else to cross the network, so a type added to the contract is
serialised the same way on both sides. Values are encoded by their type hints:

- frozen dataclasses as objects of their ``init`` fields (derived fields such as
  ``Receipt.shares`` are recomputed on the way back);
- enums by value (``StrEnum`` text, ``IntEnum`` number), so refusals keep their enums;
- Solar Hijri days (``jdatetime.date``) as ``"1405-09-09"``; instants as ISO 8601 with
  their offset (always UTC here); Gregorian days as ISO dates;
- bytes (photos, templates, the card image) as standard base64;
- tuples, lists and frozensets as arrays; mappings as arrays of ``[key, value]`` pairs
  (their keys are enums, which JSON objects could not keep typed).

Errors travel as ``{"error": ClassName, ...attributes}`` and come back as the same
class with the same attributes (:func:`error_to_json`, :func:`error_from_json`): a face
catches ``SlotGone`` from a remote registry exactly as from a local one.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import enum
import functools
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

import jdatetime

from citizen.errors import DataProblem
from citizen.jalali import parse_jalali
from registry.captcha import CaptchaResult
from registry.documents import DocumentIssue, InvalidDocuments
from registry.eligibility import Refusal
from registry.errors import (
    BookingNotAllowed,
    CaptchaFailed,
    FeeNotDefined,
    InvalidForm,
    InvalidTrackingCode,
    NotEligible,
    RegistryError,
    TransitionRefused,
)
from registry.fees import FeeItem, Receipt
from registry.forms import FieldProblem
from registry.lifecycle import BookingBlock, Status
from registry.office_refusals import OfficeRefusal, OfficeStepRefused
from registry.refusals import (
    ApplicationExists,
    AppointmentNotMarkable,
    AppointmentRefusal,
    BookingRefusal,
    BookingRefused,
    GatewayUnavailable,
    IdempotencyConflict,
    InvalidRequest,
    LimitScope,
    NotFound,
    OfficeClosed,
    PaymentRefusal,
    PaymentRefused,
    RateLimited,
    SlotGone,
)
from registry.service_errors import (
    AccessDenied,
    AccessRefusal,
    AlreadyApplied,
    RequestInProgress,
    ServiceUnavailable,
)
from registry.storage.errors import (
    RegistryBusy,
    SchemaError,
    StorageConflict,
    StorageUnavailable,
)
from registry.tracking import CodeProblem


class WireError(ValueError):
    """A JSON document does not decode into the type asked for; ``where`` says where."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where or 'value'}: {detail}")
        self.where = where
        self.detail = detail


# --- values -------------------------------------------------------------------------------

@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def to_json(value: Any) -> Any:
    """A value of the contract as JSON-ready builtins (its type is known from the value)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, jdatetime.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise WireError("", "naive datetimes never cross the wire")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name))
                for f in dataclasses.fields(value) if f.init}
    if isinstance(value, Mapping):
        return [[to_json(k), to_json(v)] for k, v in value.items()]
    if isinstance(value, (frozenset, set)):
        return sorted((to_json(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    raise WireError("", f"no wire form for {type(value).__name__}")


def from_json(tp: Any, data: Any, where: str = "") -> Any:
    """``data`` (parsed JSON) as a value of type ``tp``; WireError when it does not fit."""
    supertype = getattr(tp, "__supertype__", None)        # NewType (Rial)
    if supertype is not None:
        return from_json(supertype, data, where)
    if tp is Any or tp is object:
        return data
    if _is_union(tp):
        options = [a for a in get_args(tp) if a is not type(None)]
        if data is None:
            if len(options) < len(get_args(tp)):
                return None
            raise WireError(where, "a value is required")
        problems = []
        for option in options:
            try:
                return from_json(option, data, where)
            except WireError as exc:
                problems.append(exc.detail)
        raise WireError(where, " / ".join(problems))
    if tp is type(None):
        if data is not None:
            raise WireError(where, "expected null")
        return None
    origin = get_origin(tp)
    if origin is not None:
        return _generic(tp, origin, data, where)
    if isinstance(tp, type):
        return _plain(tp, data, where)
    raise WireError(where, f"unsupported type {tp!r}")


def _generic(tp: Any, origin: Any, data: Any, where: str) -> Any:
    args = get_args(tp)
    if origin in (tuple, list, frozenset, set):
        if not isinstance(data, list):
            raise WireError(where, "expected an array")
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(args) != len(data):
                raise WireError(where, f"expected {len(args)} items")
            return tuple(from_json(a, d, f"{where}[{i}]")
                         for i, (a, d) in enumerate(zip(args, data)))
        items = [from_json(args[0] if args else Any, d, f"{where}[{i}]")
                 for i, d in enumerate(data)]
        return {tuple: tuple, list: list, frozenset: frozenset, set: frozenset}[origin](items)
    if origin in (dict, Mapping):
        if not isinstance(data, list) or not all(
                isinstance(p, list) and len(p) == 2 for p in data):
            raise WireError(where, "expected an array of [key, value] pairs")
        key_type, value_type = args or (Any, Any)
        return {from_json(key_type, k, f"{where}.key"): from_json(value_type, v, f"{where}[]")
                for k, v in data}
    raise WireError(where, f"unsupported generic {tp!r}")


def _plain(tp: type, data: Any, where: str) -> Any:
    if issubclass(tp, enum.Enum):
        try:
            return tp(data)
        except ValueError as exc:
            raise WireError(where, f"not a {tp.__name__}: {data!r}") from exc
    if tp is bool:
        if not isinstance(data, bool):
            raise WireError(where, "expected true or false")
        return data
    if tp is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise WireError(where, "expected an integer")
        return data
    if tp is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise WireError(where, "expected a number")
        return float(data)
    if tp is str:
        if not isinstance(data, str):
            raise WireError(where, "expected text")
        return data
    if tp is bytes:
        if not isinstance(data, str):
            raise WireError(where, "expected base64 text")
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WireError(where, "not base64") from exc
    if tp is jdatetime.date:
        if not isinstance(data, str) or len(data) != 10:
            raise WireError(where, "expected a Solar Hijri day YYYY-MM-DD")
        try:
            return parse_jalali(data.replace("-", ""))
        except Exception as exc:   # noqa: BLE001 - any parse failure is the same refusal
            raise WireError(where, "not a Solar Hijri day") from exc
    if tp is dt.datetime:
        try:
            moment = dt.datetime.fromisoformat(data) if isinstance(data, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise WireError(where, "expected an ISO 8601 instant with its offset")
        return moment.astimezone(dt.UTC)
    if tp is dt.date:
        try:
            return dt.date.fromisoformat(data)
        except (TypeError, ValueError) as exc:
            raise WireError(where, "expected an ISO date") from exc
    if dataclasses.is_dataclass(tp):
        return _dataclass(tp, data, where)
    raise WireError(where, f"unsupported type {tp.__name__}")


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _dataclass(tp: type, data: Any, where: str) -> Any:
    if not isinstance(data, dict):
        raise WireError(where, f"expected an object ({tp.__name__})")
    hints = _hints(tp)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(tp):
        if not f.init:
            continue
        if f.name in data:
            values[f.name] = from_json(hints[f.name], data[f.name], _join(where, f.name))
        elif (f.default is dataclasses.MISSING
              and f.default_factory is dataclasses.MISSING):
            raise WireError(_join(where, f.name), "missing")
    unknown = set(data) - {f.name for f in dataclasses.fields(tp)}
    if unknown:
        raise WireError(where, f"unknown fields {sorted(unknown)}")
    try:
        return tp(**values)
    except (TypeError, ValueError) as exc:
        raise WireError(where, str(exc)) from exc


# --- errors -------------------------------------------------------------------------------

#: Every error that crosses the wire, with the type of each attribute its constructor
#: takes (by the same name). Attribute types are spelled here, not read from hints:
#: the error modules import their enums for type checking only.
ERRORS: dict[type[RegistryError], dict[str, Any]] = {
    NotEligible: {"refusal": Refusal, "eligible_from": jdatetime.date | None},
    InvalidForm: {"problems": tuple[FieldProblem, ...]},
    CaptchaFailed: {"result": CaptchaResult},
    InvalidTrackingCode: {"problem": CodeProblem, "what": str},
    FeeNotDefined: {"item": FeeItem, "on": jdatetime.date},
    TransitionRefused: {"from_status": Status, "to_status": Status},
    BookingNotAllowed: {"block": BookingBlock, "until": jdatetime.date | None},
    NotFound: {"kind": str},
    InvalidRequest: {"field": str, "reason": str},
    ApplicationExists: {"status": Status},
    SlotGone: {"office_id": int, "day": jdatetime.date},
    OfficeClosed: {"office_id": int, "day": jdatetime.date},
    BookingRefused: {"reason": BookingRefusal, "day": jdatetime.date | None},
    AppointmentNotMarkable: {"appointment_id": int, "reason": AppointmentRefusal},
    PaymentRefused: {"reason": PaymentRefusal},
    IdempotencyConflict: {},
    GatewayUnavailable: {"gateway": str},
    RateLimited: {"scope": LimitScope, "retry_at": dt.datetime},
    OfficeStepRefused: {"reason": OfficeRefusal, "detail": str | None,
                        "day": jdatetime.date | None, "receipt": Receipt | None},
    InvalidDocuments: {"problems": tuple[DocumentIssue, ...]},
    RegistryBusy: {"retry_after": float},
    StorageUnavailable: {"operation": str, "cause": str},
    StorageConflict: {"operation": str, "constraint": str | None},
    SchemaError: {"found": str | None, "wanted": str | None},
    AccessDenied: {"reason": AccessRefusal},
    AlreadyApplied: {"operation": str},
    RequestInProgress: {"retry_after": float},
    ServiceUnavailable: {"service": str, "operation": str, "cause": str},
}
_BY_NAME = {cls.__name__: cls for cls in ERRORS}
_ = DataProblem       # DocumentIssue.problem is DataProblem | DocumentProblem: resolvable


def error_to_json(exc: RegistryError) -> dict[str, Any]:
    """``{"error": ClassName, ...}`` with the attributes the class is rebuilt from."""
    spec = ERRORS.get(type(exc))
    if spec is None:
        raise WireError("", f"{type(exc).__name__} is not a wire error")
    return {"error": type(exc).__name__,
            **{name: to_json(getattr(exc, name)) for name in spec}}


def error_from_json(data: Any) -> RegistryError:
    """The error a JSON body describes; WireError for one this side does not know."""
    if not isinstance(data, dict) or not isinstance(data.get("error"), str):
        raise WireError("error", "not an error body")
    cls = _BY_NAME.get(data["error"])
    if cls is None:
        raise WireError("error", f"unknown error {data['error']!r}")
    values = {name: from_json(tp, data.get(name), f"{cls.__name__}.{name}")
              for name, tp in ERRORS[cls].items()}
    return cls(**values)


def error_names() -> list[str]:
    return sorted(_BY_NAME)
