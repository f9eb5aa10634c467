// What the browser tests stand on: a fresh database, real statuscast-comms
// and statuscast-banner processes, statuscastctl, a static server for
// examples/web, and headless Chromium (Debian's, driven by playwright-core).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const SOURCE = process.env.STATUSCAST_SOURCE_DIR || path.resolve(import.meta.dirname, '../..');
export const BUILD = process.env.STATUSCAST_BUILD_DIR || path.join(SOURCE, 'build');
export const ARTIFACTS = path.join(SOURCE, 'tests/artifacts');
const BIN = {
  comms: path.join(BUILD, 'services/comms/statuscast-comms'),
  banner: path.join(BUILD, 'services/banner/statuscast-banner'),
  ctl: path.join(BUILD, 'services/ctl/statuscastctl'),
};
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// A port nobody listens on, below Linux's ephemeral range (32768-60999): a
// port the kernel picked (listen on 0) may be handed to an outgoing
// connection (to PostgreSQL, say) before the server started with it binds
// it, and that server then cannot listen.
const usedPorts = new Set();
function tryPort(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}
export async function freePort() {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (usedPorts.has(port)) continue;
    if (await tryPort(port)) {
      usedPorts.add(port);
      return port;
    }
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what, fn, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { if (await fn()) return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

// Serves examples/web, pointing its SDK <script> at the banner service.
function staticServer(root, bannerBase) {
  const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript' };
  return http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    if (url.pathname.endsWith('/')) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404).end('not found'); return; }
      const type = types[path.extname(file)] || 'application/octet-stream';
      if (type.startsWith('text/html')) data = String(data).replaceAll('http://127.0.0.1:8080', bannerBase);
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(data);
    });
  });
}

export class Stack {
  // notify: statuscast-comms also delivers notifications (--notify), mailing
  // through a real SMTP server on 127.0.0.1 (mail_sink.py) whose messages
  // mails() reads, and statuscast-banner serves the subscription pages.
  async start({ notify = false } = {}) {
    const admin = process.env.STATUSCAST_TEST_DATABASE_URL;
    this.dbName = 'statuscast_browser_' + crypto.randomBytes(6).toString('hex');
    execFileSync('psql', [admin, '-qc', `CREATE DATABASE ${this.dbName}`]);
    this.dbUrl = admin.replace(/\/[^/]*$/, '/' + this.dbName);
    this.logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'statuscast-browser-'));
    this.ports = {};
    for (const k of ['comms', 'commsMetrics', 'grpc', 'http', 'metrics', 'web', 'smtp']) this.ports[k] = await freePort();
    this.bannerBase = `http://127.0.0.1:${this.ports.http}`;
    this.notifyArgs = [];
    this.env = { ...process.env, STATUSCAST_SERVER: `127.0.0.1:${this.ports.comms}`,
      STATUSCAST_BANNER_SERVER: `127.0.0.1:${this.ports.grpc}`, STATUSCAST_AUTHOR: 'browser-test' };

    // Both services run as deployed, with tokens required: an admin token
    // made the way an operator makes the first one, sent by statuscastctl
    // (STATUSCAST_TOKEN). A failure here fails the tests with its output.
    const commsArgs = [`--database_url=${this.dbUrl}`, `--grpc_address=127.0.0.1:${this.ports.comms}`,
      `--metrics_address=127.0.0.1:${this.ports.commsMetrics}`, '--log_format=json'];
    if (notify) {
      await this.startMailSink();
      const key = path.join(this.logDir, 'link.key');
      fs.writeFileSync(key, crypto.randomBytes(32).toString('hex'));
      this.notifyArgs = [`--link_token_secret_file=${key}`];
      commsArgs.push(...this.notifyArgs, '--notify', '--notify_poll_interval=100ms',
        `--status_page_url=${this.bannerBase}`, '--smtp_host=127.0.0.1', `--smtp_port=${this.ports.smtp}`,
        '--smtp_starttls=off', '--mail_from=status@example.com', '--allow_private_destinations');
    }
    try {
      this.env.STATUSCAST_TOKEN = execFileSync(BIN.comms, [`--database_url=${this.dbUrl}`,
        '--create_token=browser-test', '--token_scope=admin'], { stdio: ['ignore', 'pipe', 'pipe'] })
        .toString().trim();
    } catch (e) {
      throw new Error(`statuscast-comms --create_token failed (${e.status}):\n${e.stdout}${e.stderr}`);
    }
    if (!this.env.STATUSCAST_TOKEN.startsWith('sct_')) {
      throw new Error(`statuscast-comms --create_token printed no token: ${this.env.STATUSCAST_TOKEN}`);
    }
    this.comms = this.spawn('comms', BIN.comms, commsArgs);
    await waitFor('statuscast-comms', () => portOpen(this.ports.comms));
    await this.startBanner();

    this.web = staticServer(path.join(SOURCE, 'examples/web'), this.bannerBase);
    await new Promise((r) => this.web.listen(this.ports.web, '127.0.0.1', r));
    this.webBase = `http://127.0.0.1:${this.ports.web}`;
    this.browser = await chromium.launch({ executablePath: '/usr/lib/chromium/chromium', headless: true,
      args: CHROMIUM_ARGS });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }

  spawn(name, bin, args) {
    const log = fs.openSync(path.join(this.logDir, `${name}.log`), 'a');
    if (process.env.STATUSCAST_BROWSER_GDB === name) {  // debugging: a backtrace on a crash
      args = ['-batch', '-ex', 'run', '-ex', 'thread apply all bt 12', '--args', bin, ...args];
      bin = 'gdb';
    }
    const p = spawn(bin, args, { stdio: ['ignore', log, log], env: this.env });
    p.on('exit', () => fs.closeSync(log));
    return p;
  }

  async startBanner() {
    this.banner = this.spawn('banner', BIN.banner, [`--database_url=${this.dbUrl}`,
      `--grpc_address=127.0.0.1:${this.ports.grpc}`, `--http_address=127.0.0.1:${this.ports.http}`,
      `--metrics_address=127.0.0.1:${this.ports.metrics}`, `--status_page_url=${this.bannerBase}`,
      '--status_page_title=Example Shop status', '--heartbeat_interval=1s', '--banner_validity=6s',
      '--log_format=json', ...this.notifyArgs]);
    await waitFor('statuscast-banner /readyz', async () => (await fetch(this.bannerBase + '/readyz')).ok);
    await waitFor('the status page', async () => (await fetch(this.bannerBase + '/v1/status.json')).ok);
  }

  async startMailSink() {
    this.mailDir = path.join(this.logDir, 'mail');
    fs.mkdirSync(this.mailDir);
    this.smtp = this.spawn('smtp', '/usr/bin/python3',
      [path.join(import.meta.dirname, 'mail_sink.py'), String(this.ports.smtp), this.mailDir]);
    await waitFor('the SMTP server', () => portOpen(this.ports.smtp));
  }

  // The raw messages (RFC 5322 text) the SMTP server has received, oldest first.
  mails() {
    if (!this.mailDir) return [];
    return fs.readdirSync(this.mailDir).filter((f) => f.endsWith('.eml')).sort()
      .map((f) => fs.readFileSync(path.join(this.mailDir, f), 'utf8'));
  }

  // SQL on this stack's own database.
  query(sql) {
    return execFileSync('psql', [this.dbUrl, '-XAtqc', sql]).toString().trim();
  }

  async killBanner() {
    const exited = new Promise((r) => this.banner.once('exit', r));
    this.banner.kill('SIGKILL');
    await exited;
  }

  // SQL on the test PostgreSQL's admin database (not the stack's own).
  psql(sql) {
    return execFileSync('psql', [process.env.STATUSCAST_TEST_DATABASE_URL, '-XAtqc', sql]).toString();
  }

  // statuscastctl with this stack's servers; throws with its output on failure.
  ctl(...args) {
    try {
      return execFileSync(BIN.ctl, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    } catch (e) {
      throw new Error(`statuscastctl ${args.join(' ')} failed (${e.status}):\n${e.stdout}${e.stderr}`);
    }
  }

  async stop() {
    await this.browser?.close().catch(() => {});
    this.web?.close();
    for (const p of [this.banner, this.comms, this.smtp]) {
      if (p && p.exitCode === null) {
        const exited = new Promise((r) => p.once('exit', r));
        p.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (p.exitCode === null) p.kill('SIGKILL');
      }
    }
    if (this.dbName) {
      try { execFileSync('psql', [process.env.STATUSCAST_TEST_DATABASE_URL, '-qc', `DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`]); } catch { /* best effort */ }
    }
  }

  logs() {
    return fs.readdirSync(this.logDir).filter((f) => f.endsWith('.log')).map((f) => `--- ${f}\n` +
      fs.readFileSync(path.join(this.logDir, f), 'utf8').split('\n').slice(-30).join('\n')).join('\n');
  }
}

// "14:30" and "2026-11-27T14:30:00Z" for a time `minutes` from now.
export function nextAt(minutes) {
  const d = new Date(Date.now() + minutes * 60000);
  d.setUTCSeconds(0, 0);
  return { hhmm: d.toISOString().slice(11, 16), rfc3339: d.toISOString().replace('.000Z', 'Z') };
}

// An update text promising the next update `minutes` from now, and that time
// (RFC 3339) for --next.
export function message(text, minutes) {
  const n = nextAt(minutes);
  return { text: `${text} Next update by ${n.hhmm} UTC.`, next: n.rfc3339 };
}

// Polls `fn` (sync or async) every 20 ms until truthy; returns the elapsed
// milliseconds; fails naming `what` after `ms`.
export async function within(ms, what, fn) {
  const start = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - start;
    if (performance.now() - start > ms) assert.fail(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}
