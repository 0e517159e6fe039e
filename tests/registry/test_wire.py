"""Every request, result and error of the service interface through JSON and back.

Values are made from the types themselves (every field of every dataclass the API
carries, every enum member in turn), so a type added to the contract is covered the
day it is added; real values from an in-process booking go through as well. No
PostgreSQL, no root.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

import jdatetime
import pytest

from registry import api, wire
from registry.clock import SettableClock
from registry.contract import Caller, HoldRequest, OfficeQuery, PaymentRequest
from registry.payments import SimulatedBank
from registry.service import LocalRegistry
from registry.signin import Challenge, OperatorSession, SignInProof
from registry.states import PaymentPurpose
from tests.registry.helpers import MONDAY, START, new_application, office, ref


def sample(tp: Any, turn: int = 0) -> Any:
    supertype = getattr(tp, "__supertype__", None)
    if supertype is not None:
        return sample(supertype, turn)
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        return sample(options[turn % len(options)], turn)
    if origin in (tuple, list, frozenset, set):
        args = [a for a in get_args(tp) if a is not Ellipsis]
        if origin is tuple and len(args) > 1 and Ellipsis not in get_args(tp):
            return tuple(sample(a, turn) for a in args)
        items = [sample(args[0], turn), sample(args[0], turn + 1)]
        return {tuple: tuple, list: list, frozenset: frozenset, set: frozenset}[origin](items)
    if origin in (dict, Mapping):
        key, value = get_args(tp)
        return {sample(key, turn): sample(value, turn), sample(key, turn + 1):
                sample(value, turn + 1)}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = list(tp)
        return members[turn % len(members)]
    simple = {bool: turn % 2 == 0, int: 7 + turn, float: 1.25 + turn, str: f"متن {turn} ۱۲",
              bytes: bytes([turn % 256, 0, 255]),
              jdatetime.date: jdatetime.date(1405, 9, 9) + dt.timedelta(days=turn),
              dt.datetime: START + dt.timedelta(minutes=turn),
              dt.date: dt.date(2026, 11, 30)}
    if tp in simple:
        return simple[tp]
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = get_type_hints(tp)
        return tp(**{f.name: sample(hints[f.name], turn)
                     for f in dataclasses.fields(tp) if f.init})
    raise TypeError(tp)


def through(tp: Any, value: Any) -> Any:
    text = json.dumps(wire.to_json(value), ensure_ascii=False)
    return wire.from_json(tp, json.loads(text))


def types_carried() -> list[Any]:
    found: list[Any] = [Challenge, SignInProof, OperatorSession]
    for op in api.OPERATIONS:
        found += [tp for _, tp in op.parameters] + [op.result]
    return found


def test_the_api_table_covers_every_method() -> None:
    api.check_complete()


@pytest.mark.parametrize("tp", types_carried(), ids=repr)
@pytest.mark.parametrize("turn", [0, 1, 2, 5])
def test_every_type_round_trips(tp: Any, turn: int) -> None:
    value = sample(tp, turn)
    assert through(tp, value) == value


@pytest.mark.parametrize("cls", list(wire.ERRORS), ids=lambda c: c.__name__)
@pytest.mark.parametrize("turn", [0, 1])
def test_every_error_round_trips_with_its_data(cls: type, turn: int) -> None:
    arguments = {name: sample(tp, turn) for name, tp in wire.ERRORS[cls].items()}
    error = cls(**arguments)
    back = wire.error_from_json(json.loads(json.dumps(wire.error_to_json(error))))
    assert type(back) is cls and str(back) == str(error)
    assert {n: getattr(back, n) for n in arguments} == arguments


def test_wrong_shapes_are_refused_with_where() -> None:
    with pytest.raises(wire.WireError) as bad:
        wire.from_json(HoldRequest, {"application": {"national_code": "1"}, "office_id": 1,
                                     "day": "1405-09-09"})
    assert bad.value.where == "application.tracking_code"
    with pytest.raises(wire.WireError):
        wire.from_json(OfficeQuery, {"city_prefix": "021", "day": "2026-11-30T00:00"})
    with pytest.raises(wire.WireError):
        wire.from_json(PaymentRequest, {"application": None, "purpose": "nope",
                                        "idempotency_key": "x"})
    with pytest.raises(wire.WireError):
        wire.to_json(dt.datetime(2026, 1, 1))            # naive: never on the wire
    with pytest.raises(wire.WireError):
        wire.error_from_json({"error": "SystemExit"})


def test_real_results_of_a_booking_round_trip(tmp_path, sqlite_template) -> None:  # noqa: ANN001
    import shutil
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(sqlite_template, path)
    clock = SettableClock(START)
    registry = LocalRegistry.open(f"sqlite:///{path}", SimulatedBank(clock),
                                  caller=Caller("kiosk:wire", "wire"), clock=clock)
    try:
        desk = registry.add_office(office("W1", 3))
        view = registry.register(new_application(3))
        application = ref(3, view.tracking_code)
        paid = registry.start_payment(PaymentRequest(application, PaymentPurpose.REGISTRATION,
                                                     "reg-wire-0003"))
        paid = registry.observe_payment("reg-wire-0003")
        hold = registry.hold_slot(HoldRequest(application, desk.office_id, MONDAY))
        offices = registry.list_offices(OfficeQuery("021", MONDAY))
        for name, value in (("register", view), ("observe_payment", paid),
                            ("hold_slot", hold), ("list_offices", offices),
                            ("application", registry.application(application)),
                            ("add_office", desk)):
            assert through(api.BY_NAME[name].result, value) == value
    finally:
        registry.close()
