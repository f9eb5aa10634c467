// ctest's entry point: checks what the browser tests need and fails with
// the reason when something is missing (a missing part is never skipped), else runs
// every *.test.mjs here with node's test runner, one file at a time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fail = (why) => {
  console.log(`cannot run the browser tests: ${why}`);
  process.exit(1);
};
if (!process.env.STATUSCAST_TEST_DATABASE_URL) fail('STATUSCAST_TEST_DATABASE_URL is not set (scripts/test sets it)');
if (!fs.existsSync(path.join(here, 'node_modules', 'playwright-core'))) {
  fail(`playwright-core is not installed: run "npm ci" in ${here} (scripts/test does)`);
}
if (!fs.existsSync(path.join(here, 'node_modules', 'axe-core'))) {
  fail(`axe-core is not installed: run "npm ci" in ${here} (scripts/test does)`);
}
if (spawnSync('/usr/bin/python3', ['-c', 'import aiosmtpd']).status !== 0) {
  fail('python3-aiosmtpd is not installed (apt-get install python3-aiosmtpd): subscribe.test.mjs mails through it');
}
if (!fs.existsSync('/usr/lib/chromium/chromium')) fail('Debian chromium is not installed (apt-get install chromium)');

const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
  cwd: here,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
