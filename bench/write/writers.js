// Write-path load client for bench/write/run: an independent gRPC client
// (grpc-js, the protos loaded at run time) posting no-progress SEV-2 updates
// to statuscast-comms, each writer on an incident of its own, as fast as
// each one's previous reply allows. Prints one JSON line with the figures.
//
//   node writers.js --address 127.0.0.1:7400 --token SECRET --writers 8 --seconds 20
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const opts = { address: '127.0.0.1:7400', token: '', writers: 1, seconds: 20, warmup: 3,
                 component: 'bench-write', protoDir: path.join(__dirname, '..', '..', 'proto') };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in opts) || i + 1 >= argv.length) {
      console.error(`usage: node writers.js [--address HOST:PORT] [--token SECRET] [--writers N] ` +
                    `[--seconds S] [--warmup S] [--component NAME] [--proto-dir DIR]`);
      process.exit(2);
    }
    opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  return opts;
}

const opts = parseArgs(process.argv);
const definition = protoLoader.loadSync('statuscast/v1/incident.proto', {
  includeDirs: [opts.protoDir], keepCase: true, longs: Number, enums: String, defaults: true,
});
const IncidentService = grpc.loadPackageDefinition(definition).statuscast.v1.IncidentService;

function newClient() {
  // One channel and one TCP connection per writer.
  return new IncidentService(opts.address, grpc.credentials.createInsecure(),
                             { 'grpc.use_local_subchannel_pool': 1 });
}

function call(client, method, request) {
  const md = new grpc.Metadata();
  if (opts.token) md.set('authorization', `Bearer ${opts.token}`);
  return new Promise((resolve, reject) => {
    client[method](request, md, { deadline: Date.now() + 30000 }, (err, reply) =>
      err ? reject(err) : resolve(reply));
  });
}

// The promised next update: 45 minutes ahead, on a whole minute, and the
// same time in the text (the linter checks that the text states it).
function nextUpdate() {
  const t = Math.ceil((Date.now() + 45 * 60 * 1000) / 60000) * 60000;
  const d = new Date(t);
  const hhmm = `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  return { at: { seconds: t / 1000, nanos: 0 }, text: `We'll post the next update by ${hhmm} UTC.` };
}

let keyCounter = 0;
function idempotencyKey(writer) {
  return `bench-${process.pid}-${writer}-${++keyCounter}`;
}

function draft(text) {
  const next = nextUpdate();
  return {
    state: 'INCIDENT_STATE_INVESTIGATING',
    message: `${text} ${next.text}`,
    channels: ['CHANNEL_STATUS_PAGE'],
    next_update_at: next.at,
  };
}

async function declare(client, writer) {
  const reply = await call(client, 'DeclareIncident', {
    title: `Write benchmark incident ${writer}`,
    severity: 'SEVERITY_SEV2',
    affected_components: [{ name: opts.component, status: 'COMPONENT_STATUS_DEGRADED_PERFORMANCE' }],
    first_update: draft('We are investigating slower checkout requests for some customers.'),
    idempotency_key: idempotencyKey(writer),
  });
  return { ref: reply.incident.ref, version: reply.incident.version };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);  // nearest rank
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

async function main() {
  const setup = newClient();
  try {
    await call(setup, 'CreateComponent', { name: opts.component, group: 'bench' });
  } catch (err) {
    if (err.code !== grpc.status.ALREADY_EXISTS) throw err;
  }
  const clients = Array.from({ length: opts.writers }, newClient);
  const incidents = await Promise.all(clients.map((c, w) => declare(c, w)));

  const latenciesMs = [];
  let errors = 0;
  const firstError = [];
  const start = Date.now();
  const measureFrom = start + opts.warmup * 1000;
  const stopAt = measureFrom + opts.seconds * 1000;
  let measuredDone = 0;

  async function writer(w) {
    const inc = incidents[w];
    while (Date.now() < stopAt) {
      const t0 = process.hrtime.bigint();
      const began = Date.now();
      try {
        const reply = await call(clients[w], 'PostUpdate', {
          incident_ref: inc.ref,
          expected_version: inc.version,
          idempotency_key: idempotencyKey(w),
          update: Object.assign(draft('We are still investigating slower checkout requests; ' +
                                      'no new findings since the last update.'),
                                { no_progress: true }),
        });
        inc.version = reply.incident.version;
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (began >= measureFrom && Date.now() <= stopAt) {
          latenciesMs.push(ms);
          measuredDone++;
        }
      } catch (err) {
        errors++;
        if (firstError.length === 0) firstError.push(`${err.code} ${err.details}`);
        if (errors > 100) throw new Error(`too many errors; first: ${firstError[0]}`);
        const reread = await call(clients[w], 'GetIncident', { incident_ref: inc.ref });
        inc.version = reread.version;
      }
    }
  }
  await Promise.all(clients.map((_, w) => writer(w)));

  latenciesMs.sort((a, b) => a - b);
  const result = {
    writers: opts.writers,
    seconds: opts.seconds,
    updates: measuredDone,
    per_second: measuredDone / opts.seconds,
    p50_ms: percentile(latenciesMs, 50),
    p99_ms: percentile(latenciesMs, 99),
    max_ms: latenciesMs.length ? latenciesMs[latenciesMs.length - 1] : 0,
    errors,
    first_error: firstError[0] || '',
    incidents: incidents.map((i) => i.ref),
  };
  console.log(JSON.stringify(result));
  for (const c of [setup, ...clients]) c.close();
}

main().catch((err) => {
  console.error(`writers.js: ${err.code !== undefined ? `${err.code} ${err.details}` : err.stack}`);
  process.exit(1);
});
