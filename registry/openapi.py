"""The OpenAPI 3.1 document of the registry's API, generated from the API table and the
contract's types (``registry.api``, ``registry.wire``): what is served is what is described.

Published by every service process at ``GET /v1/openapi.json`` and written by
``nidkiosk registry openapi``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin, get_type_hints

import jdatetime

from registry import api, wire
from registry.signin import Challenge, OperatorSession, SignInProof


class _Builder:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def schema(self, tp: Any) -> dict[str, Any]:
        supertype = getattr(tp, "__supertype__", None)
        if supertype is not None:
            return self.schema(supertype)
        if tp is Any or tp is object:
            return {}
        origin = get_origin(tp)
        if origin in (Union, types.UnionType):
            options = [self.schema(a) for a in get_args(tp)]
            return options[0] if len(options) == 1 else {"anyOf": options}
        if tp is type(None):
            return {"type": "null"}
        if origin in (tuple, list, frozenset, set):
            args = [a for a in get_args(tp) if a is not Ellipsis]
            return {"type": "array", "items": self.schema(args[0]) if args else {}}
        if origin in (dict, Mapping):
            key, value = get_args(tp)
            return {"type": "array", "description": "[key, value] pairs",
                    "items": {"type": "array", "prefixItems": [self.schema(key),
                                                                self.schema(value)]}}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return self._named(tp, lambda: {"enum": [m.value for m in tp]})
        simple = {bool: {"type": "boolean"}, int: {"type": "integer"},
                  float: {"type": "number"}, str: {"type": "string"},
                  bytes: {"type": "string", "contentEncoding": "base64"},
                  jdatetime.date: {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                                   "description": "a Solar Hijri day"},
                  dt.datetime: {"type": "string", "format": "date-time"},
                  dt.date: {"type": "string", "format": "date"}}
        if tp in simple:
            return simple[tp]
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            return self._named(tp, lambda: self._object(tp))
        raise TypeError(f"no schema for {tp!r}")

    def _named(self, tp: type, build: Any) -> dict[str, Any]:
        if tp.__name__ not in self.components:
            self.components[tp.__name__] = {}
            self.components[tp.__name__] = build()
        return {"$ref": f"#/components/schemas/{tp.__name__}"}

    def _object(self, tp: type) -> dict[str, Any]:
        hints = get_type_hints(tp)
        fields = [f for f in dataclasses.fields(tp) if f.init]
        required = [f.name for f in fields if f.default is dataclasses.MISSING
                    and f.default_factory is dataclasses.MISSING]
        return {"type": "object", "additionalProperties": False,
                "properties": {f.name: self.schema(hints[f.name]) for f in fields},
                "required": required}

    def error(self) -> dict[str, Any]:
        variants = []
        for cls, spec in wire.ERRORS.items():
            properties = {"error": {"const": cls.__name__}}
            properties.update({name: self.schema(tp) for name, tp in spec.items()})
            self.components[f"Error.{cls.__name__}"] = {"type": "object",
                                                        "properties": properties,
                                                        "required": ["error"]}
            variants.append({"$ref": f"#/components/schemas/Error.{cls.__name__}"})
        return {"oneOf": variants}


def _body(builder: _Builder, parameters: list[tuple[str, Any]]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "additionalProperties": False,
        "properties": {name: builder.schema(tp) for name, tp in parameters},
        "required": [name for name, _ in parameters]}}}}


def _answers(builder: _Builder, result: Any) -> dict[str, Any]:
    error = {"description": "a typed refusal", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}
    return {"200": {"description": "the result", "content": {"application/json": {
        "schema": builder.schema(result)}}},
        **{code: error for code in ("400", "403", "404", "409", "422", "429", "503")}}


def schema() -> dict[str, Any]:
    builder = _Builder()
    builder.components["Error"] = builder.error()
    paths: dict[str, Any] = {}
    for op in api.OPERATIONS:
        parameters = [{"name": api.IDEMPOTENCY_HEADER, "in": "header", "required": True,
                       "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{8,64}$"}}
                      ] if op.write else []
        if op.role is api.Role.OFFICE:
            parameters.append({"name": api.SESSION_HEADER, "in": "header", "required": True,
                               "schema": {"type": "string"}})
        paths[op.url] = {"post": {
            "operationId": op.name, "tags": [op.role.value],
            "summary": (getattr(api.RegistryService, op.name).__doc__ or "").strip()
            .splitlines()[0],
            "description": f"Role: {op.role.value}. " + (
                "A write: repeat it with the same idempotency key after a timeout."
                if op.write else "A read."),
            "parameters": parameters,
            "requestBody": _body(builder, op.parameters),
            "responses": _answers(builder, op.result)}}
    for path, request, result in ((api.SIGN_IN_CHALLENGE, None, Challenge),
                                  (api.SIGN_IN, SignInProof, OperatorSession)):
        entry: dict[str, Any] = {"tags": ["office"], "responses": _answers(builder, result)}
        if request is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": builder.schema(request)}}}
        paths[path] = {"post": entry}
    paths[api.SIGN_OUT] = {"post": {"tags": ["office"], "responses": {"200": {
        "description": "signed out"}}}}
    for path in (api.LIVE, api.READY):
        paths[path] = {"get": {"tags": ["health"], "security": [],
                               "responses": {"200": {"description": "ok"},
                                             "503": {"description": "not ready"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "nidkiosk registry", "version": api.VERSION,
                 "description": "The registration-to-delivery service of Iran's national "
                                "smart ID card. Every call needs a device certificate "
                                "from the registry's device CA (mutual TLS)."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": builder.components},
    }
