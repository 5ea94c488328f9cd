"""create_http_app with a graphql-core GraphQLSchema carrying FraiseQL's metadata.

Needs graphql-core: on an interpreter without it every test here is skipped
(and listed as such, never counted as passing)."""

from __future__ import annotations

import json
import re
import unittest

from tests.support import GOLDENS, SCHEMA, DemoDatabase, exchange, without_date

try:
    import graphql
except ImportError:  # pragma: no cover - depends on the interpreter
    graphql = None

from fraiseql_http import HttpConfig, create_http_app

db: DemoDatabase | None = None


def setUpModule():
    global db
    if graphql is None:
        raise unittest.SkipTest("graphql-core is not installed in this interpreter (not counted as passing)")
    db = DemoDatabase()


def tearDownModule():
    if db is not None:
        db.drop()


def v1_like_schema():
    """The demo app as FraiseQL v1 would hand it over: plain GraphQL types
    (no directives), with the view of each type, the view of each root query
    and the function of each mutation in the types' and fields' extensions;
    list reads carry v1's generated limit/offset arguments."""
    from graphql import GraphQLArgument, GraphQLInt, build_ast_schema, parse, value_from_ast_untyped
    # graphql-core writes a type without fields with no braces at all.
    doc = parse(re.sub(r"\{\}", "", SCHEMA.read_text(encoding="utf-8")))
    type_meta, field_meta, schema_meta = {}, {}, {"context": []}

    def args(d):
        return {a.name.value: value_from_ast_untyped(a.value) for a in d.arguments}

    for d in doc.definitions:
        for directive in getattr(d, "directives", None) or ():
            name, a = directive.name.value, args(directive)
            if name == "view":
                type_meta[d.name.value] = {"sql_source": a["name"], "jsonb_column": a.get("data", "data")}
            elif name in ("success", "error"):
                type_meta[d.name.value] = {"kind": "failure" if name == "error" else "success"}
            elif name == "context":
                schema_meta["context"].append(a)
        d.directives = ()
        for f in getattr(d, "fields", None) or ():
            for directive in f.directives or ():
                name, a = directive.name.value, args(directive)
                if name == "read":
                    field_meta[(d.name.value, f.name.value)] = {"sql_source": True, "scope": a.get("scope")}
                elif name == "function":
                    field_meta[(d.name.value, f.name.value)] = {"function": a["name"], "schema": a.get("schema"),
                                                                "context": a.get("context")}
            f.directives = ()
    schema = build_ast_schema(doc)
    for name, m in type_meta.items():
        schema.type_map[name].extensions = {"fraiseql": m}
    for (tname, fname), m in field_meta.items():
        field = schema.type_map[tname].fields[fname]
        field.extensions = {"fraiseql": m}
        if tname == "Query" and str(field.type).startswith("["):
            field.args.update(limit=GraphQLArgument(GraphQLInt), offset=GraphQLArgument(GraphQLInt))
    schema.extensions = {"fraiseql": schema_meta}
    return schema


class ConvertTest(unittest.TestCase):
    def test_converted_schema_serves_the_same_bytes(self):
        server = create_http_app(v1_like_schema(), HttpConfig(host="127.0.0.1", port=0, database_url=db.url,
                                                              enable_compression=False, enable_http2=False))
        cases = ["query-users-all-fields", "query-posts-nested", "query-where-and-or-not-vars",
                 "query-orderby-two-keys", "query-user-by-id"]
        with server:
            for name in cases:
                with self.subTest(name):
                    request = (GOLDENS / "development" / f"{name}.request").read_bytes()
                    want = (GOLDENS / "development" / f"{name}.response").read_bytes()
                    self.assertEqual(without_date(exchange(server.address, request)), without_date(want))
            mutation = json.dumps({"query": 'mutation { createUser(input: {email: "conv@example.com", '
                                            'firstName: "Conv"}) { __typename ... on CreateUserSuccess '
                                            '{ user { email } } } }'}).encode()
            response = exchange(server.address, b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                b"application/json\r\nContent-Length: " + str(len(mutation)).encode() +
                                b"\r\n\r\n" + mutation)
            self.assertIn(b'"email":"conv@example.com"', response)

    def test_fields_without_a_view_or_function_are_refused_by_name(self):
        from graphql import build_schema
        from fraiseql_http.convert import UnservableSchemaError
        schema = build_schema("""
            type User { id: ID name: String }
            type Query { users: [User] search(term: String): [User] me: User }
            type Mutation { logout: Boolean }
        """)
        schema.type_map["User"].extensions = {"fraiseql": {"sql_source": "v_user"}}
        schema.query_type.fields["users"].extensions = {"fraiseql": {"sql_source": True}}
        with self.assertRaises(UnservableSchemaError) as cm:
            create_http_app(schema, HttpConfig(port=0))
        self.assertEqual(cm.exception.fields, [
            "Query.search: no view behind it (a Python resolver only)",
            "Query.me: no view behind it (a Python resolver only)",
            "Mutation.logout: no PostgreSQL function behind it (a Python resolver only)",
        ])
        self.assertIsInstance(cm.exception, ValueError)

    def test_subscriptions_are_refused_by_name_with_the_way_out(self):
        from graphql import build_schema
        from fraiseql_http.convert import UnservableSchemaError
        schema = build_schema("""
            type Post { id: ID title: String }
            type Query { posts: [Post] }
            type Subscription { postUpdated(id: ID): Post commentAdded: Post }
        """)
        schema.type_map["Post"].extensions = {"fraiseql": {"sql_source": "v_post"}}
        schema.query_type.fields["posts"].extensions = {"fraiseql": {"sql_source": True}}
        with self.assertRaises(UnservableSchemaError) as cm:
            create_http_app(schema, HttpConfig(port=0))
        self.assertEqual([p.split(":", 1)[0] for p in cm.exception.fields],
                         ["Subscription.postUpdated", "Subscription.commentAdded"])
        for problem in cm.exception.fields:
            self.assertIn("Python async generator", problem)
            self.assertIn("@subscribe in a declaration file (docs/subscriptions.md)", problem)
        self.assertIn("cannot be served without Python:\n  Subscription.postUpdated: ", str(cm.exception))

    def test_declaration_text(self):
        from fraiseql_http.convert import to_declaration
        text = to_declaration(v1_like_schema())
        self.assertIn('type User @view(name: "v_user") {', text)
        self.assertIn('users: [User] @read(scope: {tenant_id: "tenant_id"})', text)
        self.assertIn('@function(name: "create_user", schema: "public", context: ["tenant_id"])', text)
        self.assertIn("type DeletePostError @error {}", text)
        self.assertNotRegex(text, r"limit: Int")


if __name__ == "__main__":
    unittest.main()
