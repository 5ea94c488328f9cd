"""Differential oracle: graphql-core 3.2.8's parse and validate, as FraiseQL
v1.9.7 runs them in development (all specified rules).

Usage:
  validation_oracle.py introspection-query
      prints graphql-core's introspection query (the Go test runs it through
      the engine, so the oracle's schema is exactly the schema we serve);
  validation_oracle.py validate SCHEMA.json CORPUS.txt
      prints one JSON object per corpus entry, in order:
      {"errors": [{"message": ..., "locations": [[line, column], ...]}]}

FraiseQL's custom scalars (UUID, DateTime, JSON) have parse_literal
functions of their own in v1 whose exact messages no golden records. Here
they accept what v1 accepts and, when they would refuse a literal, raise an
error carrying UNJUDGED; the Go test then leaves that entry out of the
comparison (table tests cover those messages instead).
"""

import json
import sys
import uuid
from datetime import datetime

import graphql
from graphql import (
    GraphQLError,
    GraphQLSyntaxError,
    build_client_schema,
    get_introspection_query,
    parse,
    validate,
)
from graphql.language import StringValueNode

UNJUDGED = "@@UNJUDGED-FRAISEQL-SCALAR@@"


def _unjudged(*_args):
    raise ValueError(UNJUDGED)


def _uuid_literal(node, _variables=None):
    if isinstance(node, StringValueNode):
        try:
            return uuid.UUID(node.value)
        except ValueError:
            pass
    _unjudged()


def _datetime_literal(node, _variables=None):
    if isinstance(node, StringValueNode):
        try:
            return datetime.fromisoformat(node.value.replace("Z", "+00:00"))
        except ValueError:
            pass
    _unjudged()


def _json_literal(node, _variables=None):
    if isinstance(node, StringValueNode):
        try:
            return json.loads(node.value)
        except ValueError:
            pass
    _unjudged()


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    schema = build_client_schema(data.get("data", data))
    for name, fn in (
        ("UUID", _uuid_literal),
        ("DateTime", _datetime_literal),
        ("JSON", _json_literal),
    ):
        t = schema.type_map.get(name)
        if t is not None:
            t.parse_literal = fn
    return schema


def read_corpus(path):
    """Entries are separated by lines holding exactly '---'."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    entries, cur = [], []
    for line in text.split("\n"):
        if line == "---":
            entries.append("\n".join(cur))
            cur = []
        else:
            cur.append(line)
    if any(line.strip() for line in cur):
        entries.append("\n".join(cur))
    return [e.strip("\n") for e in entries]


def errors_of(schema, doc):
    try:
        ast = parse(doc)
    except GraphQLSyntaxError as e:
        errs = [e]
    else:
        errs = validate(schema, ast)
    out = []
    for e in errs:
        locs = [[l.line, l.column] for l in (e.locations or [])]
        out.append({"message": e.message, "locations": locs})
    return out


def main(argv):
    if graphql.__version__ != "3.2.8":
        print(f"graphql-core {graphql.__version__}, want 3.2.8", file=sys.stderr)
        return 3
    if argv[1:2] == ["introspection-query"]:
        print(get_introspection_query(descriptions=True))
        return 0
    if len(argv) == 4 and argv[1] == "validate":
        schema = load_schema(argv[2])
        results = [{"errors": errors_of(schema, d)} for d in read_corpus(argv[3])]
        json.dump(results, sys.stdout, ensure_ascii=False)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
