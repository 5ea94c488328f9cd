// The embedded GraphiQL page in a real headless Chromium, against a running
// fraiseql-http (scripts/test-browser.sh starts it; `make test-browser`).
//
// Environment: BASE_URL (the server, http://127.0.0.1:PORT), CHROMIUM (the
// browser binary), SCREENSHOT (where to save the final view), EXPECT_ID,
// EXPECT_FIRST_NAME and EXPECT_EMAIL (a user row read from the database by
// the script, so the result pane is checked against PostgreSQL, not against
// a constant).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through scripts/test-browser.sh)`);
  return v;
};
const base = new URL(env('BASE_URL'));
const chromium = env('CHROMIUM');
const screenshot = env('SCREENSHOT');
const expectId = env('EXPECT_ID');
const expectFirstName = env('EXPECT_FIRST_NAME');
const expectEmail = env('EXPECT_EMAIL');

const TIMEOUT = 20000;
let browser, page;
const blocked = [];        // requests to anything but the server
const posts = [];          // POST /graphql: { headers, body, status }
const pageErrors = [];
const consoleErrors = [];

before(async () => {
  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [
      '--no-sandbox', // CI runs as root
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-default-apps',
      '--disable-sync',
      // Second fence behind request interception (which does not see
      // WebSockets): no name resolves, only the server's address is reachable.
      `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE ${base.hostname}`,
    ],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || new URL(u).origin === base.origin) {
      req.continue();
    } else {
      blocked.push(u);
      req.abort('blockedbyclient');
    }
  });
  page.on('requestfinished', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/graphql') {
      posts.push({ headers: req.headers(), body: JSON.parse(req.postData() || 'null'), status: req.response()?.status() });
    }
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  // Content-Security-Policy violations are reported as DOM events; the
  // WebSocket constructor is wrapped to see the URL and subprotocols.
  await page.evaluateOnNewDocument(() => {
    window.__sockets = [];
    const WS = window.WebSocket;
    window.WebSocket = function (url, protocols) {
      window.__sockets.push({ url: String(url), protocols: [].concat(protocols || []) });
      return new WS(url, protocols);
    };
    window.WebSocket.prototype = WS.prototype;
    Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    window.__csp = [];
    window.__styleSeen = false;
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n.nodeName === 'STYLE' && n.nonce) window.__styleSeen = true;
    }).observe(document, { childList: true, subtree: true });
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
});

after(async () => {
  await browser?.close();
});

// On a failure, the page as it was (next to the final screenshot).
async function onFailure(t) {
  if (page && !t.passed) {
    await page.screenshot({ path: screenshot.replace(/(\.png)?$/, '-failed.png') }).catch(() => {});
    const resp = await editorValue('.graphiql-response').catch(() => '(no response pane)');
    console.log(`failed; response pane: ${resp.slice(0, 500)}`);
  }
}

afterEach(async (t) => { await onFailure(t); });

const text = (sel) => page.$eval(sel, (el) => el.innerText);
const editorValue = (sel) => page.$eval(`${sel} .CodeMirror`, (el) => el.CodeMirror.getValue());

// Types into a CodeMirror editor as a user does: click, select all, type.
async function typeInto(sel, value) {
  await page.click(`${sel} .CodeMirror`);
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(value);
  await page.keyboard.press('Escape'); // close an autocomplete popup, if any
  await page.keyboard.press('Home'); // scroll back to the start of the line
}

// GraphiQL takes in an edit after a 100 ms debounce; the tab's title shows
// the operation name once it has. Running before that sends the previous
// operation name.
async function waitForOperation(name) {
  await page.waitForFunction((n) => document.querySelector('.graphiql-tab-active')?.innerText.trim() === n, { timeout: TIMEOUT }, name);
}

test('the page loads from the server alone and the schema appears in the docs pane', async () => {
  const resp = await page.goto(new URL('/graphql', base).href, { waitUntil: 'networkidle0', timeout: TIMEOUT });
  assert.equal(resp.status(), 200);
  assert.match(resp.headers()['content-security-policy'], /default-src 'none'/);
  await page.waitForSelector('.graphiql-container', { timeout: TIMEOUT });
  await page.click('button[aria-label="Show Documentation Explorer"]');
  // Root types are listed only once introspection has succeeded.
  await page.waitForFunction(() => {
    const el = document.querySelector('.graphiql-doc-explorer');
    return el && /query:\s*Query/i.test(el.innerText) && /mutation:\s*Mutation/i.test(el.innerText);
  }, { timeout: TIMEOUT });
  // Follow Query: its fields come from the server's schema.
  await page.evaluate(() => [...document.querySelectorAll('.graphiql-doc-explorer a')].find((a) => a.innerText === 'Query').click());
  await page.waitForFunction(() => /users[\s\S]*posts[\s\S]*comments/.test(document.querySelector('.graphiql-doc-explorer').innerText), { timeout: TIMEOUT });
  const introspection = posts.find((p) => p.body?.operationName === 'IntrospectionQuery');
  assert.ok(introspection, 'no introspection request seen');
  assert.equal(introspection.status, 200);
  console.log(`introspection query sends args(includeDeprecated: true): ${/args\(includeDeprecated: true\)/.test(introspection.body.query)}`);
});

test('a query typed into the editor, with variables, returns data from the database', async () => {
  const query = 'query One($id: UUID) { user(id: $id) { firstName email } }';
  await typeInto('.graphiql-query-editor', query);
  assert.equal(await editorValue('.graphiql-query-editor'), query);
  await waitForOperation('One');
  const variables = `{"id": "${expectId}"}`;
  await typeInto('.graphiql-editor-tool', variables);
  assert.equal(await editorValue('.graphiql-editor-tool'), variables);
  await page.click('button[aria-label="Execute query (Ctrl-Enter)"]');
  await page.waitForFunction(() => /"data"|"errors"/.test(document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue()), { timeout: TIMEOUT });
  const result = JSON.parse(await editorValue('.graphiql-response'));
  assert.deepEqual(result.data.user, { __typename: 'User', email: expectEmail, firstName: expectFirstName });
  const sent = posts.find((p) => p.body?.operationName === 'One');
  assert.ok(sent, 'no POST for operation One');
  assert.deepEqual(sent.body.variables, { id: expectId });
  assert.equal(sent.status, 200);
});

test('every request carries one content-type: application/json and none is refused', () => {
  assert.ok(posts.length >= 2, `only ${posts.length} POSTs seen`);
  for (const p of posts) {
    assert.equal(p.headers['content-type'], 'application/json', `operation ${p.body?.operationName}`);
    assert.equal(p.status, 200, `operation ${p.body?.operationName}`);
  }
});

test('the query is in the history pane', async () => {
  await page.click('button[aria-label="Show History"]');
  await page.waitForFunction(() => {
    const el = document.querySelector('.graphiql-history');
    return el && /\bOne\b/.test(el.innerText);
  }, { timeout: TIMEOUT });
});

test('a subscription opens a graphql-transport-ws socket on the same path', async () => {
  await typeInto('.graphiql-query-editor', 'subscription Watch { postUpdated { id } }');
  await waitForOperation('Watch');
  await page.click('button[aria-label="Execute query (Ctrl-Enter)"]');
  await page.waitForFunction(() => window.__sockets.length > 0, { timeout: TIMEOUT });
  const sockets = await page.evaluate(() => window.__sockets);
  assert.deepEqual(sockets[0], { url: `ws://${base.host}/graphql`, protocols: ['graphql-transport-ws'] });
  // Leave the data query in the editor for the screenshot.
  await typeInto('.graphiql-query-editor', 'query One($id: UUID) { user(id: $id) { firstName email } }');
  await waitForOperation('One');
  await page.click('button[aria-label="Execute query (Ctrl-Enter)"]');
  await page.waitForFunction((name) => document.querySelector('.graphiql-response .CodeMirror')?.CodeMirror.getValue().includes(name), { timeout: TIMEOUT }, expectFirstName);
  await page.click('button[aria-label="Show Documentation Explorer"]');
  await page.screenshot({ path: screenshot });
});

test('the explorer plugin and the dialogs open', async () => {
  await page.click('button[aria-label="Show GraphiQL Explorer"]');
  await page.waitForFunction(() => /users/.test(document.querySelector('.graphiql-plugin')?.innerText || ''), { timeout: TIMEOUT });
  // A dialog adds a nonce'd <style> element (scroll lock): the CSP check
  // below fails if it is refused.
  for (const label of ['Open settings dialog', 'Open short keys dialog']) {
    await page.click(`button[aria-label="${label}"]`);
    await page.waitForSelector('[role="dialog"]', { timeout: TIMEOUT });
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('[role="dialog"]'), { timeout: TIMEOUT });
  }
  assert.ok(await page.evaluate(() => window.__styleSeen), 'no nonce\'d style element was added');
});

test('nothing outside the server was requested, no CSP violation, no script error', async () => {
  // The fence itself works: another host cannot be reached from this browser.
  const other = await browser.newPage();
  await assert.rejects(other.goto('http://example.com/', { timeout: TIMEOUT }));
  await other.close();
  assert.deepEqual(blocked, []);
  assert.deepEqual(await page.evaluate(() => window.__csp), []);
  // Until the server answers WebSocket upgrades on /graphql, the socket's
  // failed handshake is logged and graphql-ws rejects with the DOM error
  // Event (uncaught inside GraphiQL); nothing else may go wrong.
  assert.deepEqual(pageErrors.filter((m) => m !== 'Event'), []);
  assert.deepEqual(consoleErrors.filter((m) => !/^WebSocket connection to 'ws:\/\/[^']+\/graphql' failed/.test(m)), []);
});
