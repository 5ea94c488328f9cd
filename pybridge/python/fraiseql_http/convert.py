"""A graphql-core GraphQLSchema → a fraiseql-http declaration (docs/schema.md).

FraiseQL v1 keeps what the Go server needs outside the GraphQL types: the view
and JSONB column of a type on its Python class (``@fraise_type(sql_source=,
jsonb_column=)``), the view a root query reads inside its resolver
(``db.find("v_user")``), the function of a mutation on its class
(``@mutation(function=, schema=, context_params=)``). A graphql-core schema
handed to the bridge carries that metadata in the ``extensions`` graphql-core
gives every type and field, under the key ``"fraiseql"``:

* object type: ``{"sql_source": "v_user", "jsonb_column": "data"}`` (a type
  without it is embedded in its parent's document); a mutation result type:
  ``{"kind": "success"}`` or ``{"kind": "error"}`` (v1's ``success``/``failure``);
* root query field: ``{"sql_source": "v_user"}`` (the view its resolver reads;
  ``True`` means the return type's view), optionally ``"scope": {column:
  context}``;
* root mutation field: ``{"function": "create_user", "schema": "public",
  "context": ["tenant_id"]}``;
* the schema: ``{"context": [{"name":, "claim":, "default":, "type":}]}``.

A root field without a view or a function behind it can only be served by
running its Python resolver; the conversion refuses them all, by name, in one
error. Needs graphql-core (imported lazily): the bridge itself does not.
"""

from __future__ import annotations

import json
from typing import Any

# Inputs the server generates for every list read, and v1's additions to
# mutation result types: never declared.
_GENERATED_SUFFIXES = ("WhereInput", "OrderByInput")
_GENERATED_NAMES = {"StringFilter", "IntFilter", "FloatFilter", "BooleanFilter", "UUIDFilter", "DateTimeFilter",
                    "DateFilter", "TimeFilter", "DecimalFilter",
                    "ArrayFilter", "OrderDirection", "Error", "JSON"}
_LIST_READ_ARGS = ("where", "orderBy", "limit", "offset")
_ADDED = {"success": {"status", "message", "updatedFields", "id"},
          "error": {"status", "message", "errors", "code"}}
_V1_KINDS = {"success": "success", "error": "error", "failure": "error"}


class UnservableSchemaError(ValueError):
    """Fields the Go server cannot serve without Python; ``fields`` lists them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("create_http_app: these fields cannot be served without Python:\n  " +
                         "\n  ".join(problems))
        self.fields = problems


def _meta(obj: Any) -> dict:
    ext = getattr(obj, "extensions", None) or {}
    m = ext.get("fraiseql") or {}
    return m if isinstance(m, dict) else {}


def _stored(name: str, value: Any) -> str:
    """The @stored directive of an enum value whose Python value (a str, or an
    Enum member holding one) is not its name: what the database holds."""
    v = getattr(value.value, "value", value.value)
    return f" @stored(value: {_s(v)})" if isinstance(v, str) and v != name else ""


def _s(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _s(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _directive(name: str, args: dict) -> str:
    args = {k: v for k, v in args.items() if v is not None}
    if not args:
        return f" @{name}"
    return f" @{name}(" + ", ".join(f"{k}: {_value(v)}" for k, v in args.items()) + ")"


def _description(obj: Any, indent: str) -> str:
    d = getattr(obj, "description", None)
    return f"{indent}{_s(d)}\n" if d else ""


def _named(t: Any) -> Any:
    while hasattr(t, "of_type"):
        t = t.of_type
    return t


def _is_list(t: Any) -> bool:
    from graphql import GraphQLList, GraphQLNonNull
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def _generated(name: str) -> bool:
    return name in _GENERATED_NAMES or name.endswith(_GENERATED_SUFFIXES) or name.startswith("__")


def _args(field: Any, skip: tuple = ()) -> str:
    from graphql import ast_from_value, print_ast
    parts = []
    for name, arg in field.args.items():
        if name in skip:
            continue
        text = f"{name}: {arg.type}"
        if arg.default_value is not None and not _is_undefined(arg.default_value):
            node = ast_from_value(arg.default_value, arg.type)
            if node is not None:
                text += f" = {print_ast(node)}"
        parts.append(text)
    return "(" + ", ".join(parts) + ")" if parts else ""


def _is_undefined(v: Any) -> bool:
    from graphql import Undefined
    return v is Undefined


def to_declaration(schema: Any) -> str:
    """The declaration text for ``schema``; raises UnservableSchemaError
    naming every root field with neither a view nor a function."""
    from graphql import (GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLScalarType,
                         GraphQLUnionType, specified_scalar_types)

    problems: list[str] = []
    query, mutation = schema.query_type, schema.mutation_type
    if schema.subscription_type is not None:
        for name in schema.subscription_type.fields:
            problems.append(f"{schema.subscription_type.name}.{name}: a FraiseQL v1 subscription is a Python "
                            "async generator, which the Go server cannot run; declare it with @subscribe in a "
                            "declaration file (docs/subscriptions.md) and pass that file instead of the "
                            "GraphQLSchema")
    kinds: dict[str, str] = {}
    for t in schema.type_map.values():
        if isinstance(t, GraphQLObjectType):
            k = _V1_KINDS.get(str(_meta(t).get("kind", "")))
            if k:
                kinds[t.name] = k
    # A mutation's union without explicit kinds: v1 puts the success type first.
    if mutation is not None:
        for fname, f in mutation.fields.items():
            u = _named(f.type)
            if isinstance(u, GraphQLUnionType) and len(u.types) == 2:
                kinds.setdefault(u.types[0].name, "success")
                kinds.setdefault(u.types[1].name, "error")

    out: list[str] = []
    contexts = _meta(schema).get("context") or []
    head = "schema"
    for c in contexts:
        head += _directive("context", {k: c.get(k) for k in ("name", "claim", "default", "type", "sessionVariable")})
    roots = [f"  query: {query.name}"] + ([f"  mutation: {mutation.name}"] if mutation else [])
    out.append(head + " {\n" + "\n".join(roots) + "\n}\n")

    for t in schema.type_map.values():
        if _generated(t.name) or t is query or t is mutation or t is schema.subscription_type:
            continue
        if isinstance(t, GraphQLScalarType):
            if t.name not in specified_scalar_types:
                out.append(_description(t, "") + f"scalar {t.name}\n")
        elif isinstance(t, GraphQLEnumType):
            values = "\n".join(f"  {n}" + _stored(n, v) for n, v in t.values.items())
            out.append(_description(t, "") + f"enum {t.name} {{\n{values}\n}}\n")
        elif isinstance(t, GraphQLUnionType):
            out.append(_description(t, "") + f"union {t.name} = " + " | ".join(m.name for m in t.types) + "\n")
        elif isinstance(t, GraphQLInputObjectType):
            lines = [f"  {n}: {f.type}" for n, f in t.fields.items()]
            out.append(_description(t, "") + f"input {t.name} {{\n" + "\n".join(lines) + "\n}\n")
        elif isinstance(t, GraphQLObjectType):
            m = _meta(t)
            kind = kinds.get(t.name)
            directive = ""
            if kind:
                directive = f" @{kind}"
            elif m.get("sql_source"):
                jsonb = m.get("jsonb_column", "data")
                if jsonb is None:
                    problems.append(f"{t.name}: jsonb_column=None (a regular table) is not served by fraiseql-http")
                directive = _directive("view", {"name": m["sql_source"], "data": None if jsonb == "data" else jsonb})
            lines = []
            for n, f in t.fields.items():
                if kind and n in _ADDED[kind]:
                    continue
                if f.args:
                    problems.append(f"{t.name}.{n}: a field with arguments below the root needs its resolver")
                    continue
                key = _meta(f).get("jsonb_key")
                lines.append(_description(f, "  ") + f"  {n}: {f.type}" + (_directive("jsonb", {"key": key}) if key else ""))
            body = " {\n" + "\n".join(lines) + "\n}\n" if lines else " {}\n"
            out.append(_description(t, "") + f"type {t.name}{directive}{body}")

    lines = []
    for n, f in query.fields.items():
        m = _meta(f)
        source = m.get("sql_source", m.get("view"))
        target = _named(f.type)
        target_view = _meta(target).get("sql_source")
        if not source:
            problems.append(f"{query.name}.{n}: no view behind it (a Python resolver only)")
            continue
        if not target_view:
            problems.append(f"{query.name}.{n}: returns {target.name}, which has no sql_source")
            continue
        view = None if source is True or source == target_view else source
        skip = _LIST_READ_ARGS if _is_list(f.type) else ()
        lines.append(_description(f, "  ") + f"  {n}{_args(f, skip)}: {f.type}" +
                     _directive("read", {"scope": m.get("scope"), "view": view}))
    out.append(f"type {query.name} {{\n" + "\n".join(lines) + "\n}\n")

    if mutation is not None:
        lines = []
        for n, f in mutation.fields.items():
            m = _meta(f)
            if not m.get("function"):
                problems.append(f"{mutation.name}.{n}: no PostgreSQL function behind it (a Python resolver only)")
                continue
            lines.append(_description(f, "  ") + f"  {n}{_args(f)}: {f.type}" +
                         _directive("function", {"name": m["function"], "schema": m.get("schema", "public"),
                                                 "context": m.get("context")}))
        out.append(f"type {mutation.name} {{\n" + "\n".join(lines) + "\n}\n")

    if problems:
        raise UnservableSchemaError(problems)
    return "\n".join(out)
