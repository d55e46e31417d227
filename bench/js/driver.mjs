// Benchmark driver for the official JS sync client (@tursodatabase/sync, pinned in package.json).
//
// Started by dev.tursosync.bench.JsDriver as a long-lived child process. Protocol: one JSON request per line on
// stdin, one JSON response per line on stdout, in order. Timings are taken in this process, around just the
// client call (process.hrtime), so process start-up and the pipe are not part of them.
//
//   {"op":"version"}                                  -> {"ok":true,"node":"v20…","sync":"0.7.2"}
//   {"op":"bootstrap","url":U,"path":P}               -> {"ok":true,"ms":…}   connect() of an empty path, then close (untimed)
//   {"op":"open","id":I,"url":U,"path":P}             -> {"ok":true,"ms":…}   connect() and keep the client as I
//   {"op":"pull","id":I}                              -> {"ok":true,"ms":…,"changed":bool}
//   {"op":"push","id":I}                              -> {"ok":true,"ms":…}
//   {"op":"exec","id":I,"sql":S}                      -> {"ok":true,"ms":…}   local SQL (untimed by the harness)
//   {"op":"insertRows","id":I,"table":T,"rows":N,"bytes":B} -> {"ok":true,"ms":…}  N rows of B random characters
//                                                     into T(id INTEGER PRIMARY KEY, data TEXT), one local transaction
//   {"op":"run","id":I,"sql":S,"args":[…]}            -> {"ok":true,"changes":n}  one local statement with parameters
//   {"op":"query","id":I,"sql":S}                     -> {"ok":true,"rows":[…]}
//   {"op":"local","id":I,"kind":K,…}                  -> {"ok":true,"ops":n,"ms":…,"p50":…,"p99":…}  a local workload
//                                                     (see localWorkloads below); ms is the whole run, p50/p99 the
//                                                     latency of one operation in ms
//   {"op":"close","id":I}                             -> {"ok":true}
//   {"op":"quit"}                                     -> {"ok":true}, then exits
// Any failure answers {"ok":false,"error":"…"}; the driver keeps running.
//
// A request with a "rid" field is run concurrently: the driver reads the next request at once and answers this one
// when it is done, with the same "rid" (answers may then come in any order). The fault-injection suite uses this to
// write locally while a push or pull runs. Requests without "rid" are answered in order, one at a time.
import { connect } from '@tursodatabase/sync';
import fs from 'node:fs';
import readline from 'node:readline';

const syncVersion = JSON.parse(fs.readFileSync(new URL('./node_modules/@tursodatabase/sync/package.json', import.meta.url), 'utf8')).version;
const clients = new Map();
const now = () => Number(process.hrtime.bigint()) / 1e6;

function client(id) {
  const db = clients.get(id);
  if (!db) throw new Error(`no open client ${id}`);
  return db;
}

async function timed(fn) {
  const t0 = now();
  const value = await fn();
  return { ms: now() - t0, value };
}

// deterministic pseudo-random text, so runs are comparable
let seed = 12345;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function randomText(n) {
  let s = '';
  for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) & 0x7fffffff; s += ALPHABET[seed % ALPHABET.length]; }
  return s;
}

// Nearest-rank percentile of latencies in ms, the same definition as the Java side (Latencies.java).
function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

// Runs `count` operations in `subscribers` concurrent loops (subscriber s does operations s, s + subscribers, …),
// timing each; returns the whole run's duration and the latencies' p50/p99.
async function timedLoops(subscribers, count, operation) {
  const latencies = [];
  const t0 = now();
  await Promise.all(Array.from({ length: subscribers }, async (_, s) => {
    for (let i = s; i < count; i += subscribers) {
      const start = now();
      await operation(i, s);
      latencies.push(now() - start);
    }
  }));
  const ms = now() - t0;
  latencies.sort((a, b) => a - b);
  return { ms, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

// The local workloads of the bench's `local` group, on one open client. Text is generated before the clock starts.
const localWorkloads = {
  // `rows` inserts into `table`, one prepared statement run per row, in one transaction
  insertTx: async (db, { table, rows, bytes }) => {
    const texts = Array.from({ length: rows }, () => randomText(bytes));
    const insert = await db.prepare(`INSERT INTO ${table} (data) VALUES (?)`);
    const t0 = now();
    await db.exec('BEGIN');
    const timing = await timedLoops(1, rows, (i) => insert.run(texts[i]));
    await db.exec('COMMIT');
    return { ops: rows, ...timing, ms: now() - t0 };
  },
  // the same rows in batches of `batch` statements (db.batch), in one transaction
  insertBatch: async (db, { table, rows, bytes, batch }) => {
    const texts = Array.from({ length: rows }, () => randomText(bytes));
    const sql = `INSERT INTO ${table} (data) VALUES (?)`;
    const t0 = now();
    await db.exec('BEGIN');
    const timing = await timedLoops(1, rows / batch, (b) =>
      db.batch(texts.slice(b * batch, (b + 1) * batch).map((text) => ({ sql, args: [text] }))));
    await db.exec('COMMIT');
    return { ops: rows, ...timing, ms: now() - t0 };
  },
  // `rows` auto-commit single-row inserts from `subscribers` concurrent loops
  writes: async (db, { table, rows, bytes, subscribers }) => {
    const texts = Array.from({ length: rows }, () => randomText(bytes));
    const inserts = await Promise.all(Array.from({ length: subscribers },
      () => db.prepare(`INSERT INTO ${table} (data) VALUES (?)`)));
    return { ops: rows, ...(await timedLoops(subscribers, rows, (i, s) => inserts[s].run(texts[i]))) };
  },
  // `count` selects by primary key (ids 1 + (i * 7919) % tableRows) from `subscribers` concurrent loops
  selects: async (db, { table, count, tableRows, subscribers }) => {
    const selects = await Promise.all(Array.from({ length: subscribers },
      () => db.prepare(`SELECT id, data FROM ${table} WHERE id = ?`)));
    return { ops: count, ...(await timedLoops(subscribers, count, async (i, s) => {
      const row = await selects[s].get(1 + (i * 7919) % tableRows);
      if (!row) throw new Error(`no row ${1 + (i * 7919) % tableRows}`);
    })) };
  },
  // `scans` scans of `rows` rows each, iterated row by row
  scan: async (db, { table, rows, scans }) => {
    const scan = await db.prepare(`SELECT id, data FROM ${table} ORDER BY id LIMIT ?`);
    const timing = await timedLoops(1, scans, async () => {
      let seen = 0;
      for await (const row of scan.iterate(rows)) seen += row.data.length > 0 ? 1 : 0;
      if (seen !== rows) throw new Error(`scan saw ${seen} rows, expected ${rows}`);
    });
    return { ops: rows * scans, ...timing };
  },
};

const ops = {
  version: async () => ({ node: process.version, sync: syncVersion }),
  bootstrap: async ({ url, path }) => {
    const { ms, value: db } = await timed(() => connect({ path, url, clientName: 'bench-js' }));
    await db.close();
    return { ms };
  },
  open: async ({ id, url, path }) => {
    if (clients.has(id)) throw new Error(`client ${id} is already open`);
    const { ms, value: db } = await timed(() => connect({ path, url, clientName: 'bench-js' }));
    clients.set(id, db);
    return { ms };
  },
  pull: async ({ id }) => {
    const db = client(id);
    const { ms, value } = await timed(() => db.pull());
    return { ms, changed: Boolean(value) };
  },
  push: async ({ id }) => {
    const db = client(id);
    const { ms } = await timed(() => db.push());
    return { ms };
  },
  exec: async ({ id, sql }) => {
    const db = client(id);
    const { ms } = await timed(() => db.exec(sql));
    return { ms };
  },
  insertRows: async ({ id, table, rows, bytes }) => {
    const db = client(id);
    const { ms } = await timed(async () => {
      await db.exec('BEGIN');
      const insert = await db.prepare(`INSERT INTO ${table} (data) VALUES (?)`);
      for (let i = 0; i < rows; i++) await insert.run(randomText(bytes));
      await db.exec('COMMIT');
    });
    return { ms };
  },
  run: async ({ id, sql, args }) => {
    const result = await (await client(id).prepare(sql)).run(...(args ?? []));
    return { changes: result.changes };
  },
  query: async ({ id, sql }) => {
    const rows = await (await client(id).prepare(sql)).all();
    return { rows };
  },
  local: async (request) => {
    const workload = localWorkloads[request.kind];
    if (!workload) throw new Error(`unknown local workload ${request.kind}`);
    return await workload(client(request.id), request);
  },
  close: async ({ id }) => {
    await client(id).close();
    clients.delete(id);
    return {};
  },
  quit: async () => {
    for (const db of clients.values()) await db.close().catch(() => {});
    clients.clear();
    return {};
  },
};

const reply = (obj) => new Promise((resolve) => process.stdout.write(JSON.stringify(obj) + '\n', resolve));

async function handle(request) {
  const op = ops[request.op];
  if (!op) throw new Error(`unknown op ${request.op}`);
  return await op(request);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
    if (request.rid !== undefined && request.op !== 'quit') {
      const rid = request.rid;
      handle(request).then((value) => reply({ ok: true, rid, ...value }),
          (e) => reply({ ok: false, rid, error: String(e?.stack || e) }));
      continue;
    }
    await reply({ ok: true, ...(await handle(request)) });
  } catch (e) {
    await reply({ ok: false, ...(request?.rid !== undefined && { rid: request.rid }), error: String(e?.stack || e) });
  }
  if (request?.op === 'quit') break;
}
process.exit(0);
