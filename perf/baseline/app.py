"""FraiseQL-v1-style FastAPI baseline for fraiseql-bench.

NOT the real FraiseQL: a small FastAPI app written for the benchmark that does
per request what FraiseQL v1.9.7 does on its read path, so its cost can be
measured next to fraiseql-http on the same database:

* graphql-core parses, validates and executes every request (no document cache);
* a root resolver reads whole `data` documents from the view with v1's SQL
  (`SELECT "data"::text FROM "v_x" WHERE ... AND "tenant_id" = %s ORDER BY
  data -> 'k' DESC LIMIT n`), then json-decodes them and projects the selected
  fields with camelCase keys (v1 does this step in Rust, then Python glue);
* four database round trips per read, as v1 on psycopg 3: BEGIN, the pool's
  `SELECT 1` connection check, the query, COMMIT;
* mutations call `SELECT row_to_json(public.fn(tenant, input::jsonb))`;
* APQ (automatic persisted queries) from an in-memory hash -> query store;
* one uvicorn process, h11, asyncio loop.

Introspection is left enabled (v1's development behaviour) so the
introspection workload has a Python figure to compare with.
Run with run.sh (it sets PYTHONPATH so graphql-core 3.2 is found).
"""

import hashlib
import json
import os
import re

import graphql
import psycopg
import psycopg_pool
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

TENANT_A = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"

SDL = """
scalar UUID
scalar DateTime
type Profile { bio: String website: String }
type User { id: UUID email: String firstName: String lastName: String displayName: String
  age: Int score: Float isActive: Boolean role: String tags: [String] createdAt: DateTime profile: Profile }
type Post { id: UUID title: String body: String published: Boolean viewCount: Int rating: Float
  createdAt: DateTime author: User comments: [Comment] }
type Comment { id: UUID content: String postId: UUID createdAt: DateTime author: User }
input StringFilter { eq: String neq: String }
input IntFilter { eq: Int neq: Int gt: Int lt: Int }
input FloatFilter { eq: Float neq: Float gt: Float lt: Float }
input BooleanFilter { eq: Boolean }
input UserWhereInput { email: StringFilter role: StringFilter age: IntFilter score: FloatFilter isActive: BooleanFilter }
input PostWhereInput { title: StringFilter published: BooleanFilter viewCount: IntFilter }
input CommentWhereInput { content: StringFilter }
enum OrderDirection { ASC DESC }
input UserOrderByInput { id: OrderDirection email: OrderDirection age: OrderDirection score: OrderDirection firstName: OrderDirection }
input PostOrderByInput { id: OrderDirection title: OrderDirection viewCount: OrderDirection createdAt: OrderDirection }
input CommentOrderByInput { createdAt: OrderDirection }
type Query {
  users(where: UserWhereInput, orderBy: [UserOrderByInput], limit: Int, offset: Int): [User]
  user(id: UUID): User
  posts(where: PostWhereInput, orderBy: [PostOrderByInput], limit: Int, offset: Int): [Post]
  post(id: UUID): Post
  comments(where: CommentWhereInput, orderBy: [CommentOrderByInput], limit: Int, offset: Int): [Comment]
}
type UpdatePostSuccess { status: String message: String id: String post: Post }
type UpdatePostError { status: String message: String code: Int }
union UpdatePostResult = UpdatePostSuccess | UpdatePostError
input UpdatePostInput { id: UUID! title: String body: String published: Boolean rating: Float }
type Mutation { updatePost(input: UpdatePostInput!): UpdatePostResult }
"""

SCHEMA = graphql.build_schema(SDL)
VIEWS = {"users": ("v_user", "User", True), "user": ("v_user", "User", False),
         "posts": ("v_post", "Post", True), "post": ("v_post", "Post", False),
         "comments": ("v_comment", "Comment", True)}
OPS = {"eq": "=", "neq": "!=", "gt": ">", "lt": "<"}

_snake_re = re.compile(r"(?<!^)(?=[A-Z])")


def snake(name):
    return _snake_re.sub("_", name).lower()


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


pool = None


async def fetch(sql, params):
    """One read the v1 way: BEGIN, SELECT 1 (pool check), the query, COMMIT."""
    async with pool.connection() as conn:
        await conn.execute("SELECT 1")  # psycopg sends BEGIN first (not autocommit)
        cur = await conn.execute(sql, params)
        rows = await cur.fetchall()
        await conn.commit()
    return rows


def selection_tree(field_nodes, fragments):
    """Materialised selection: {responseKey: (fieldName, subtree or None)}."""
    out = {}

    def walk(sel_set):
        for sel in sel_set.selections:
            if isinstance(sel, graphql.FieldNode):
                key = sel.alias.value if sel.alias else sel.name.value
                sub = None
                if sel.selection_set:
                    sub = {}
                    for k, v in selection_tree([sel], fragments).items():
                        sub[k] = v
                out[key] = (sel.name.value, sub)
            elif isinstance(sel, graphql.InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, graphql.FragmentSpreadNode):
                walk(fragments[sel.name.value].selection_set)

    for node in field_nodes:
        if node.selection_set:
            walk(node.selection_set)
    return out


def project(doc, tree):
    """v1's projection: keep selected keys, snake -> camel, recurse into objects and lists."""
    if doc is None:
        return None
    if isinstance(doc, list):
        return [project(d, tree) for d in doc]
    out = {}
    for key, (name, sub) in tree.items():
        if name == "__typename":
            continue
        val = doc.get(snake(name))
        out[key] = project(val, sub) if sub is not None and val is not None else val
    return out


async def resolve_read(root_field, info, where=None, orderBy=None, limit=None, offset=None, id=None):
    view, _, is_list = VIEWS[root_field]
    conds, params = [], []
    for fname, flt in (where or {}).items():
        for op, val in flt.items():
            if val is None:
                continue
            if isinstance(val, bool):
                val = "true" if val else "false"
            conds.append(f"\"data\" ->> '{snake(fname)}' {OPS[op]} %s")
            params.append(str(val))
    if id is not None:
        conds.append('"id" = %s')
        params.append(str(id))
    conds.append('"tenant_id" = %s')
    params.append(TENANT_A)
    sql = f'SELECT "data"::text FROM "{view}" WHERE ' + " AND ".join(conds)
    if orderBy:
        terms = [f"data -> '{snake(k)}' {v}" for item in orderBy for k, v in item.items()]
        sql += " ORDER BY " + ", ".join(terms)
    if not is_list:
        sql += " LIMIT 1"
    else:
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if offset is not None:
            sql += f" OFFSET {int(offset)}"
    rows = await fetch(sql, params)
    tree = selection_tree(info.field_nodes, info.fragments)
    docs = [project(json.loads(r[0]), tree) for r in rows]
    if is_list:
        return docs
    return docs[0] if docs else None


def make_reader(name):
    async def resolver(_root, info, **args):
        return await resolve_read(name, info, **args)
    return resolver


for fname in VIEWS:
    SCHEMA.query_type.fields[fname].resolve = make_reader(fname)


async def resolve_update_post(_root, info, input):
    payload = {snake(k): v for k, v in input.items()}
    rows = await fetch("SELECT row_to_json(public.update_post(%s, %s::jsonb))::text", [TENANT_A, json.dumps(payload)])
    r = json.loads(rows[0][0])
    status = r["status"]
    if status in ("updated", "noop:no_changes") and r.get("entity"):
        post = r["entity"]
        return {"__typename": "UpdatePostSuccess", "status": status, "message": r["message"], "id": r["entity_id"],
                "post": {camel(k): v for k, v in post.items()}}
    return {"__typename": "UpdatePostError", "status": status, "message": r["message"], "code": 404}


SCHEMA.mutation_type.fields["updatePost"].resolve = resolve_update_post
SCHEMA.get_type("UpdatePostResult").resolve_type = lambda obj, *_: obj["__typename"]

APQ = {}
app = FastAPI()


@app.on_event("startup")
async def startup():
    global pool
    pool = psycopg_pool.AsyncConnectionPool(os.environ["DATABASE_URL"], min_size=4, max_size=20, open=False)
    await pool.open(wait=True)


@app.on_event("shutdown")
async def shutdown():
    await pool.close()


@app.get("/health")
async def health():
    return {"status": "healthy", "service": "fraiseql-v1-style-baseline"}


@app.post("/graphql")
async def graphql_endpoint(request: Request):
    try:
        body = await request.json()
    except ValueError:
        return JSONResponse({"errors": [{"message": "invalid JSON"}]}, status_code=400)
    query = body.get("query")
    pq = (body.get("extensions") or {}).get("persistedQuery")
    if pq:
        h = pq.get("sha256Hash")
        if query:
            if hashlib.sha256(query.encode()).hexdigest() != h:
                return JSONResponse({"errors": [{"message": "provided sha does not match query"}]})
            APQ[h] = query
        else:
            query = APQ.get(h)
            if query is None:
                return JSONResponse({"errors": [{"message": "PersistedQueryNotFound"}]})
    if not isinstance(query, str):
        return JSONResponse({"errors": [{"message": "query must be a string"}]}, status_code=400)
    result = await graphql.graphql(SCHEMA, query, variable_values=body.get("variables"),
                                   operation_name=body.get("operationName"))
    out = {"data": result.data}
    if result.errors:
        out["errors"] = [e.formatted for e in result.errors]
    return Response(json.dumps(out, separators=(",", ":"), ensure_ascii=False), media_type="application/json")
