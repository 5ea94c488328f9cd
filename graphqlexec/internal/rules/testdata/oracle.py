"""graphql-core 3.2.8's answers for the rules package's corpora.

Usage:
  oracle.py introspection-query
      prints graphql-core's introspection query (the Go test answers it from
      the declaration model, so the oracle's schema is the schema we serve);
  oracle.py validate SCHEMA.json EXTENSION.graphql CORPUS.txt
      prints one JSON object per corpus entry, in order:
      {"errors": [{"message": ..., "locations": [[line, column], ...]}],
       "raised": true when validate() raised a GraphQLError instead of
       returning a list (SingleFieldSubscriptionsRule evaluating @skip),
       "introspection": the errors of NoSchemaIntrospectionCustomRule alone,
       which v1 runs when introspection is disabled (absent when the entry
       does not parse)}.
      EXTENSION.graphql (may be empty) extends the schema (extend_schema).

FraiseQL's scalars (UUID, DateTime, JSON) have parse_literal functions of
their own in v1 whose texts the oracle does not know: where they would
refuse a literal it raises an error carrying UNJUDGED, and the Go test
compares that entry with the current validator instead.
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
    extend_schema,
    get_introspection_query,
    parse,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from graphql.language import StringValueNode

UNJUDGED = "@@UNJUDGED-FRAISEQL-SCALAR@@"


def _unjudged():
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


def load_schema(path, extension_path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    schema = build_client_schema(data.get("data", data))
    with open(extension_path, encoding="utf-8") as f:
        ext = f.read()
    if ext.strip():
        schema = extend_schema(schema, parse(ext))
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


def encode(errs):
    out = []
    for e in errs:
        locs = [[l.line, l.column] for l in (e.locations or [])]
        out.append({"message": e.message, "locations": locs})
    return out


def answer(schema, doc):
    try:
        ast = parse(doc)
    except GraphQLSyntaxError as e:
        return {"errors": encode([e])}
    intro = encode(validate(schema, ast, [NoSchemaIntrospectionCustomRule]))
    try:
        return {"errors": encode(validate(schema, ast)), "introspection": intro}
    except GraphQLError as e:
        return {"errors": encode([e]), "raised": True, "introspection": intro}


def main(argv):
    if graphql.__version__ != "3.2.8":
        print(f"graphql-core {graphql.__version__}, want 3.2.8", file=sys.stderr)
        return 3
    if argv[1:2] == ["introspection-query"]:
        print(get_introspection_query(descriptions=True))
        return 0
    if len(argv) == 5 and argv[1] == "validate":
        schema = load_schema(argv[2], argv[3])
        results = [answer(schema, d) for d in read_corpus(argv[4])]
        json.dump(results, sys.stdout, ensure_ascii=False, indent=0)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
