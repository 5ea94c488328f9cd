// Real GraphQL-over-WebSocket clients against a running fraiseql-http.
//
//   FRAISEQL_HTTP_URL    http://127.0.0.1:PORT/graphql of instance A (required)
//   FRAISEQL_HTTP_URL_B  the same app served by a second instance (optional:
//                        the two-instance test fails without it when
//                        FRAISEQL_REQUIRE_TWO_INSTANCES=1, which make test sets)
//   FRAISEQL_WS_PATHS    comma-separated WebSocket paths (default
//                        /graphql,/graphql/subscriptions)
//
// Run by scripts/test-ws-clients.sh (make test-ws), which starts the
// servers the way a user does (bin/fraiseql-http serve).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import pkg from 'subscriptions-transport-ws';
const { SubscriptionClient } = pkg;

const httpA = process.env.FRAISEQL_HTTP_URL;
const httpB = process.env.FRAISEQL_HTTP_URL_B;
if (!httpA) throw new Error('FRAISEQL_HTTP_URL is required');
const wsPaths = (process.env.FRAISEQL_WS_PATHS || '/graphql,/graphql/subscriptions').split(',');

function wsURL(httpURL, path) {
  const u = new URL(httpURL);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = path;
  return u.toString();
}

async function http(url, query, variables) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  assert.equal(res.status, 200, `HTTP ${res.status} for ${query}`);
  return res.json();
}

async function somePost() {
  const body = await http(httpA, '{ posts(limit: 1, orderBy: {title: ASC}) { id title } }');
  assert.ok(body.data.posts.length === 1, JSON.stringify(body));
  return body.data.posts[0];
}

async function updatePostTitle(url, id, title) {
  const body = await http(url,
    'mutation($id: UUID!, $t: String) { updatePost(input: {id: $id, title: $t}) { __typename ... on UpdatePostSuccess { post { id title } } } }',
    { id, t: title });
  assert.equal(body.data.updatePost.__typename, 'UpdatePostSuccess', JSON.stringify(body));
}

// Each mutation in a retry loop sets a new title (the same title twice is
// update_post's no-op, an error result): the event carries one of them.
function assertPostUpdated(got, id, title) {
  const p = got?.data?.postUpdated;
  assert.ok(p && p.__typename === 'Post' && p.id === id && p.title.startsWith(`${title} #`), JSON.stringify(got));
  assert.deepEqual(Object.keys(got), ['data']);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// transportClient opens a graphql-transport-ws client and waits for the ack.
async function transportClient(url, extra = {}) {
  let acked;
  const ack = new Promise((resolve, reject) => { acked = { resolve, reject }; });
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => acked.resolve(), closed: (e) => acked.reject(new Error(`closed ${e.code} ${e.reason}`)) },
    ...extra,
  });
  await withTimeout(ack, 5000, `connection_ack from ${url}`);
  return client;
}

// nextEvent subscribes and resolves with the first `next` payload; the
// returned cancel completes the subscription.
function firstNext(client, payload) {
  let cancel;
  const p = new Promise((resolve, reject) => {
    cancel = client.subscribe(payload, {
      next: (v) => resolve(v),
      error: (e) => reject(Array.isArray(e) ? new Error(JSON.stringify(e)) : e),
      complete: () => {},
    });
  });
  return { p, cancel: () => cancel() };
}

const postUpdated = 'subscription($id: UUID) { postUpdated(id: $id) { id title } }';

for (const path of wsPaths) {
  test(`graphql-transport-ws on ${path}: postUpdated fires when updatePost runs over HTTP`, async () => {
    const post = await somePost();
    const client = await transportClient(wsURL(httpA, path));
    try {
      const sub = firstNext(client, { query: postUpdated, variables: { id: post.id } });
      // The subscription is live once the server has registered it; the
      // protocol has no acknowledgement for subscribe, so retry the
      // mutation until the event arrives (bounded).
      const title = `ws ${path} ${Date.now()}`;
      let got;
      for (let i = 0; i < 20 && !got; i++) {
        await updatePostTitle(httpA, post.id, `${title} #${i}`);
        got = await Promise.race([sub.p, new Promise((r) => setTimeout(() => r(undefined), 250))]);
      }
      assert.ok(got, 'no next message after 20 mutations');
      assertPostUpdated(got, post.id, title);
      sub.cancel();
    } finally {
      await client.dispose();
    }
  });
}

test('graphql-transport-ws: a query over the socket answers once and completes', async () => {
  const client = await transportClient(wsURL(httpA, wsPaths[0]));
  try {
    const results = [];
    for await (const r of client.iterate({ query: '{ posts(limit: 2, orderBy: {title: ASC}) { title } }' })) {
      results.push(r);
    }
    const viaHTTP = await http(httpA, '{ posts(limit: 2, orderBy: {title: ASC}) { title } }');
    assert.deepEqual(results, [viaHTTP]);
  } finally {
    await client.dispose();
  }
});

test('graphql-transport-ws: an invalid subscription gets an error message naming the field', async () => {
  const client = await transportClient(wsURL(httpA, wsPaths[0]));
  try {
    const sub = firstNext(client, { query: 'subscription { postUpdatd { id } }' });
    await assert.rejects(withTimeout(sub.p, 5000, 'error message'), /postUpdatd/);
  } finally {
    await client.dispose();
  }
});

test('graphql-transport-ws: an unknown subprotocol is refused', async () => {
  const ws = new WebSocket(wsURL(httpA, wsPaths[0]), 'no-such-protocol');
  const outcome = await withTimeout(new Promise((resolve) => {
    ws.on('open', () => resolve({ open: true, protocol: ws.protocol }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.on('error', (e) => resolve({ error: e.message }));
    ws.on('close', (code) => resolve({ close: code }));
  }), 5000, 'refusal');
  ws.terminate();
  assert.ok(!outcome.open || outcome.protocol === '', `accepted: ${JSON.stringify(outcome)}`);
});

test('graphql-transport-ws: subscribe before connection_init closes with 4401', async () => {
  const ws = new WebSocket(wsURL(httpA, wsPaths[0]), 'graphql-transport-ws');
  await withTimeout(new Promise((r) => ws.on('open', r)), 5000, 'open');
  const closed = new Promise((r) => ws.on('close', (code) => r(code)));
  ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: '{ __typename }' } }));
  assert.equal(await withTimeout(closed, 5000, 'close'), 4401);
});

test('graphql-transport-ws: a duplicate subscription id closes with 4409', async () => {
  const post = await somePost();
  const ws = new WebSocket(wsURL(httpA, wsPaths[0]), 'graphql-transport-ws');
  await withTimeout(new Promise((r) => ws.on('open', r)), 5000, 'open');
  const closed = new Promise((r) => ws.on('close', (code) => r(code)));
  const acked = new Promise((r) => ws.on('message', (m) => { if (JSON.parse(m).type === 'connection_ack') r(); }));
  ws.send(JSON.stringify({ type: 'connection_init' }));
  await withTimeout(acked, 5000, 'ack');
  const msg = { id: 'same', type: 'subscribe', payload: { query: postUpdated, variables: { id: post.id } } };
  ws.send(JSON.stringify(msg));
  ws.send(JSON.stringify(msg));
  assert.equal(await withTimeout(closed, 5000, 'close'), 4409);
});

test('legacy graphql-ws (subscriptions-transport-ws): postUpdated fires when updatePost runs over HTTP', async () => {
  const post = await somePost();
  const client = new SubscriptionClient(wsURL(httpA, wsPaths[0]), { reconnect: false, lazy: false }, WebSocket);
  try {
    let resolve, reject;
    const got = new Promise((res, rej) => { resolve = res; reject = rej; });
    const sub = client.request({ query: postUpdated, variables: { id: post.id } }).subscribe({
      next: (v) => resolve(v), error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
    });
    const title = `legacy ${Date.now()}`;
    let value;
    for (let i = 0; i < 20 && !value; i++) {
      await updatePostTitle(httpA, post.id, `${title} #${i}`);
      value = await Promise.race([got, new Promise((r) => setTimeout(() => r(undefined), 250))]);
    }
    assert.ok(value, 'no data message after 20 mutations');
    assertPostUpdated(value, post.id, title);
    sub.unsubscribe();
  } finally {
    client.close();
  }
});

test('two instances: a mutation through A reaches a subscriber on B', { skip: !httpB && process.env.FRAISEQL_REQUIRE_TWO_INSTANCES !== '1' ? 'FRAISEQL_HTTP_URL_B not set' : false }, async () => {
  assert.ok(httpB, 'FRAISEQL_HTTP_URL_B is required when FRAISEQL_REQUIRE_TWO_INSTANCES=1');
  const post = await somePost();
  const client = await transportClient(wsURL(httpB, wsPaths[0]));
  try {
    const sub = firstNext(client, { query: postUpdated, variables: { id: post.id } });
    const title = `via A ${Date.now()}`;
    let got;
    for (let i = 0; i < 20 && !got; i++) {
      await updatePostTitle(httpA, post.id, `${title} #${i}`);
      got = await Promise.race([sub.p, new Promise((r) => setTimeout(() => r(undefined), 250))]);
    }
    assert.ok(got, 'instance B delivered nothing after 20 mutations on A');
    assertPostUpdated(got, post.id, title);
    sub.cancel();
  } finally {
    await client.dispose();
  }
});
