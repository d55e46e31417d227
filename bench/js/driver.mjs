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
//   {"op":"query","id":I,"sql":S}                     -> {"ok":true,"rows":[…]}
//   {"op":"close","id":I}                             -> {"ok":true}
//   {"op":"quit"}                                     -> {"ok":true}, then exits
// Any failure answers {"ok":false,"error":"…"}; the driver keeps running.
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
  query: async ({ id, sql }) => {
    const rows = await (await client(id).prepare(sql)).all();
    return { rows };
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

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let request;
  try {
    request = JSON.parse(line);
    const op = ops[request.op];
    if (!op) throw new Error(`unknown op ${request.op}`);
    await reply({ ok: true, ...(await op(request)) });
  } catch (e) {
    await reply({ ok: false, error: String(e?.stack || e) });
  }
  if (request?.op === 'quit') break;
}
process.exit(0);
