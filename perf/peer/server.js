// PostGraphile 4 as a benchmark peer: the library mounted on a plain Node
// http server so it can announce its address ("listening on http://HOST:PORT",
// the line fraiseql-bench and perf/bench.sh wait for) and answer GET /health
// (the CLI answers 405 to GET /graphql in this mode).
//
//   node server.js DATABASE_URL [PORT] [WORKERS]
//
// Options mirror the CLI invocation `postgraphile -s public --simple-collections
// only --append-plugins @graphile-contrib/pg-simplify-inflector
// --disable-default-mutations --disable-graphiql --disable-query-log`. The
// pool holds 20 connections in total (split across WORKERS cluster workers),
// the same as fraiseql-http's default pool.
'use strict';
const cluster = require('node:cluster');
const http = require('node:http');
const os = require('node:os');
const { Pool } = require('pg');
const { postgraphile } = require('postgraphile');
const PgSimplifyInflectorPlugin = require('@graphile-contrib/pg-simplify-inflector');

const [url, portArg, workersArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node server.js DATABASE_URL [PORT] [WORKERS]');
  process.exit(2);
}
const port = Number(portArg || 0);
const workers = Math.max(1, Number(workersArg || 1));
const host = '127.0.0.1';

if (workers > 1 && cluster.isPrimary) {
  // Workers share the listening socket; listen(0) gives every worker the same port.
  let announced = false;
  for (let i = 0; i < workers; i++) {
    const w = cluster.fork();
    w.on('message', (m) => {
      if (!announced && m && m.addr) {
        announced = true;
        console.error(`postgraphile: ${workers} workers listening on http://${m.addr}`);
      }
    });
  }
  cluster.on('exit', (w, code, signal) => {
    console.error(`postgraphile: worker ${w.process.pid} exited (${signal || code})`);
    process.exit(1);
  });
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM');
      process.exit(0);
    });
  }
} else {
  // libpq defaults the role to the OS user; node-postgres reads $PGUSER, then $USER.
  if (!process.env.PGUSER && !process.env.USER) process.env.PGUSER = os.userInfo().username;
  const pool = new Pool({ connectionString: url, max: Math.max(1, Math.floor(20 / workers)) });
  const handler = postgraphile(pool, 'public', {
    simpleCollections: 'only',
    appendPlugins: [PgSimplifyInflectorPlugin],
    disableDefaultMutations: true,
    graphiql: false,
    disableQueryLog: true,
    watchPg: false,
    retryOnInitFail: false,
    graphileBuildOptions: { pgOmitListSuffix: false },
  });
  // Healthy (and announced) only once the schema is built and a query ran:
  // start-up is measured to the first successful GraphQL answer.
  let ready = false;
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ready ? 'ok' : 'starting');
      return;
    }
    handler(req, res);
  });
  const probe = (addr) => {
    const body = '{"query":"{ __typename }"}';
    const req = http.request(`http://${addr}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': body.length },
    }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => {
        if (res.statusCode === 200 && data.startsWith('{"data":')) {
          ready = true;
          if (cluster.isWorker) process.send({ addr });
          else console.error(`postgraphile: listening on http://${addr}`);
        } else {
          setTimeout(() => probe(addr), 20);
        }
      });
    });
    req.on('error', () => setTimeout(() => probe(addr), 20));
    req.end(body);
  };
  server.listen(port, host, () => probe(`${host}:${server.address().port}`));
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => {
      server.close();
      pool.end().finally(() => process.exit(0));
    });
  }
}
