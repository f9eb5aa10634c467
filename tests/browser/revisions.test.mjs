// What customers read of managed components, corrections and postmortems,
// in headless Chromium against real statuscast-comms and statuscast-banner
// processes driven by statuscastctl: the display name instead of the id, the
// "edited" mark on a corrected update, and a postmortem whose Markdown holds
// a script, raw HTML and a javascript: link that all stay inert.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, Stack, within } from './harness.mjs';

const stack = new Stack();

describe('managed components, corrections and postmortems in Chromium', { concurrency: false }, () => {
  before(async () => {
    await stack.start();
    stack.ctl('component', 'create', 'checkout', '--group', 'shop');
    stack.ctl('component', 'update', 'checkout', '--display-name', 'Checkout & payments');
    stack.ctl('component', 'create', 'legacy-test');
    stack.ctl('component', 'retire', 'legacy-test', '--reason', 'a test component');
  });

  after(async () => {
    if (process.exitCode) console.log(stack.logs());
    await stack.stop();
  });

  test('the page shows display names, no retired component, and the edited mark', async () => {
    stack.ctl('declare', '--title', 'Payments failing', '--severity', 'SEV-3', '--components',
      'checkout:partial_outage', '--message',
      "We're investigating failed card payments for 50% of users. We'll post an update when the status changes.",
      '--channels', 'status_page');
    stack.ctl('correct', 'INC-1', '--reason', 'the figure was 5%', '--message',
      "We're investigating failed card payments for 5% of users. We'll post an update when the status changes.");

    const context = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await within(10000, 'the corrected text on the page', async () => {
      await page.goto(stack.bannerBase + '/');
      return (await page.content()).includes('for 5% of users');
    });
    assert.match(await page.locator('.components').innerText(), /Checkout & payments/);
    assert.doesNotMatch(await page.locator('.components').innerText(), /legacy-test/);
    const update = page.locator('article#INC-1 .timeline li').first();
    assert.match(await update.locator('.when').innerText(), /Investigating · \S+ \d\d:\d\d UTC · edited \d\d:\d\d UTC/);
    assert.match(await page.locator('article#INC-1 .meta').first().innerText(), /Affects Checkout & payments/);
    assert.equal(await update.locator('details.revisions').count(), 1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-edited.png'), fullPage: true });
    await context.close();
  });

  test('a postmortem renders its Markdown and nothing in it runs', async () => {
    stack.ctl('resolve', 'INC-1', '--message',
      "Resolved: card payments work normally again. A faulty change to our payment settings caused the failures; we undid it. We're sorry for the failed payments. We're adding checks before such changes.",
      '--override', 'the browser test is about the postmortem');
    const body = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'statuscast-pm-')), 'pm.md');
    fs.writeFileSync(body, [
      '# What happened', '',
      'A change to our payment settings made **card payments** fail. <script>window.pwned = 1</script>', '',
      '<img src=x onerror="window.pwned = 2">', '',
      '[Read more](javascript:window.pwned=3) or [our blog](https://example.com/blog).', '',
    ].join('\n'));
    // The linter refuses the raw HTML ("unfilled-placeholder"); the override
    // publishes it anyway, to show that the page neutralises it too.
    stack.ctl('postmortem', 'INC-1', '--body-file', body, '--override', 'testing the renderer');

    const context = await stack.browser.newContext();
    const page = await context.newPage();
    await within(10000, 'the postmortem on the incident page', async () => {
      await page.goto(stack.bannerBase + '/incidents/INC-1');
      return (await page.locator('.postmortem-body').count()) === 1;
    });
    const pm = page.locator('.postmortem-body');
    assert.equal(await pm.locator('h4').innerText(), 'What happened');
    assert.equal(await pm.locator('strong').innerText(), 'card payments');
    assert.equal(await pm.locator('script, img').count(), 0);
    assert.deepEqual(await pm.locator('a').evaluateAll((as) => as.map((a) => a.href)), ['https://example.com/blog']);
    await pm.getByText('Read more').click();  // plain text now: nothing happens
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    const feed = await (await fetch(stack.bannerBase + '/feed.atom')).text();
    assert.ok(feed.includes('<title>Postmortem: Payments failing</title>'));
    await context.close();
  });
});
