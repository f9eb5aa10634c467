// The banner SDK on the example app and the public status page, in headless
// Chromium against real statuscast-comms and statuscast-banner processes
// driven by statuscastctl. The tests run in order and share one stack.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, Stack, message, sleep, within } from './harness.mjs';

const stack = new Stack();
let ctx; // one browser profile for the example app: dismissals persist in it
let checkout;
let home;

const banners = (page) => page.locator('statuscast-banner .b');
const bannerFor = (page, ref) => page.locator(`statuscast-banner .b[data-id="incident-${ref}"]`);

// The element is defined, its stream is open and it has its first set.
async function connected(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('statuscast-banner');
    return el && el._set && el._es && el._es.readyState === 1;
  }, null, { timeout: 10000 });
}

describe('banner SDK and status page in Chromium', { concurrency: false }, () => {
  before(async () => {
    await stack.start();
    stack.ctl('components', 'create', 'checkout', '--group', 'shop', '--banner-apps', 'shop',
      '--banner-paths', '/checkout*');
    stack.ctl('components', 'create', 'search', '--group', 'shop', '--banner-apps', 'shop',
      '--banner-paths', '/search*');
    ctx = await stack.browser.newContext({ viewport: { width: 1000, height: 640 } });
    checkout = await ctx.newPage();
    await checkout.goto(stack.webBase + '/checkout.html');
    home = await ctx.newPage();
    await home.goto(stack.webBase + '/index.html');
    await connected(checkout);
    await connected(home);
  });

  after(async () => {
    if (process.exitCode) console.log(stack.logs());
    await stack.stop();
  });

  test('a SEV-1 declared with statuscastctl shows on the checkout page within 1 s, and only there', async () => {
    const m = message("We're investigating failed checkouts for all users of the shop. Our team is on it.", 20);
    // Nothing shows before the declaration, so the wait below measures the new banner.
    assert.equal(await banners(checkout).count(), 0, 'no banner on /checkout.html before the declaration');
    const started = performance.now();
    stack.ctl('declare', '--title', 'Checkout failing', '--severity', 'SEV-1',
      '--components', 'checkout:major_outage', '--started=-5m', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    const ms = await within(1000, 'banner on /checkout.html', async () => (await bannerFor(checkout, 'INC-1').count()) === 1);
    console.log(`banner visible ${Math.round(ms)} ms after statuscastctl returned ` +
      `(${Math.round(performance.now() - started)} ms after it started)`);

    const b = bannerFor(checkout, 'INC-1');
    assert.match(await b.innerText(), /Major outage:.*failed checkouts/s);
    assert.equal(await b.locator('a').getAttribute('href'), stack.bannerBase + '/incidents/INC-1');
    await checkout.bringToFront();
    await checkout.screenshot({ path: path.join(ARTIFACTS, 'banner-checkout.png') });

    // The home page is not a checkout page: nothing there, now or a moment later.
    await sleep(500);
    assert.equal(await banners(home).count(), 0);
    assert.equal(await home.locator('statuscast-banner').evaluate((el) => el.hidden), true);
    const snapshot = await (await fetch(`${stack.bannerBase}/v1/banners?app=shop&path=/index.html`)).json();
    assert.deepEqual(snapshot.banners, []);
  });

  test('the banner is dismissed from the keyboard (Tab, Enter); it stays dismissed across a reload', async () => {
    await checkout.bringToFront();
    const b = bannerFor(checkout, 'INC-1');
    // No live role on the banner: the SDK says it once, from its alert region (a11y.test.mjs).
    assert.equal(await b.getAttribute('class'), 'b critical');
    assert.equal(await b.getAttribute('role'), null);
    const close = b.locator('button');
    assert.match(await close.getAttribute('aria-label'), /^Dismiss: We're investigating/);

    // From the top of the page, Tab reaches the status link, then the close button.
    await checkout.evaluate(() => document.activeElement && document.activeElement.blur());
    const focused = () => checkout.evaluate(() => {
      const a = document.querySelector('statuscast-banner').shadowRoot.activeElement;
      return a ? a.tagName + ':' + (a.getAttribute('aria-label') || a.textContent) : '';
    });
    let tabs = 0;
    while (!(await focused()).startsWith('BUTTON:Dismiss') && tabs < 6) {
      await checkout.keyboard.press('Tab');
      tabs++;
    }
    assert.match(await focused(), /^BUTTON:Dismiss/, 'Tab reaches the close button');
    await checkout.keyboard.press('Enter');
    await within(500, 'dismissed banner gone', async () => (await banners(checkout).count()) === 0);

    await checkout.reload();
    await connected(checkout);
    await sleep(300);
    assert.equal(await banners(checkout).count(), 0, 'still dismissed after a reload');
    const stored = await checkout.evaluate(() => JSON.parse(localStorage.getItem('statuscast.dismissed')));
    assert.equal(stored['incident-INC-1'], '1');
  });

  test('a material state change brings a dismissed banner back', async () => {
    const m = message('We found the cause of the failed checkouts and are rolling back a change.', 25);
    stack.ctl('update', 'INC-1', '--state', 'identified', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    await within(1000, 'banner back after the state change', async () => (await bannerFor(checkout, 'INC-1').count()) === 1);
    assert.match(await bannerFor(checkout, 'INC-1').innerText(), /rolling back/);
  });

  test('Escape dismisses a SEV-2 banner; escalating it to SEV-1 brings it back as critical', async () => {
    await checkout.bringToFront();
    const m = message("We're investigating slow search results for some users. Our team is on it.", 50);
    stack.ctl('declare', '--title', 'Search slow', '--severity', 'SEV-2',
      '--components', 'checkout:degraded_performance', '--started=-2m', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    const b = bannerFor(checkout, 'INC-2');
    await within(1000, 'SEV-2 banner', async () => (await b.count()) === 1);
    assert.equal(await b.getAttribute('class'), 'b major');

    await b.locator('a').focus();
    await checkout.keyboard.press('Escape');
    await within(500, 'SEV-2 banner dismissed', async () => (await b.count()) === 0);
    assert.equal(await bannerFor(checkout, 'INC-1').count(), 1, 'the other banner stays');
    await checkout.reload();
    await connected(checkout);
    await sleep(300);
    assert.equal(await b.count(), 0);

    stack.ctl('severity', 'INC-2', 'SEV-1', '--reason', 'every region is affected');
    await within(1000, 'escalated banner back', async () => (await b.count()) === 1);
    assert.equal(await b.getAttribute('class'), 'b critical');
  });

  test('resolving removes the banner within 1 s', async () => {
    stack.ctl('resolve', 'INC-2', '--message', 'Resolved: search is fast again since ' +
      new Date().toISOString().slice(11, 16) + ' UTC. A overloaded index made search slow for some ' +
      "users for about 20 minutes; we rebuilt it. We know this made finding products slow, and we're " +
      'sorry. We are adding capacity alerts so it does not happen again, and will publish a postmortem.');
    const ms = await within(1000, 'resolved banner gone', async () => (await bannerFor(checkout, 'INC-2').count()) === 0);
    console.log(`resolved banner gone after ${Math.round(ms)} ms`);
    stack.ctl('postmortem', 'INC-2', '--url', 'https://shop.example.com/postmortems/inc-2');
  });

  test('the kill switch removes every banner at once, and they come back when it is off', async () => {
    stack.ctl('banner', 'create', '--text', 'Maintenance tonight 22:00-23:00 UTC', '--level', 'maintenance',
      '--apps', 'shop');
    await within(1000, 'maintenance banner on home', async () => (await banners(home).count()) === 1);
    await within(1000, 'two banners on checkout', async () => (await banners(checkout).count()) === 2);

    stack.ctl('killswitch', 'on', '--reason', 'browser test');
    await within(1000, 'kill switch on checkout', async () => (await banners(checkout).count()) === 0);
    await within(1000, 'kill switch on home', async () => (await banners(home).count()) === 0);

    stack.ctl('killswitch', 'off', '--reason', 'browser test done');
    await within(1000, 'banners back on checkout', async () => (await banners(checkout).count()) === 2);
  });

  test('a crash after a heartbeat: EventSource resumes from the heartbeat\'s id and gets no set again', async () => {
    await connected(checkout);
    const shown = await banners(checkout).count();
    // Count the set events on the SDK's own stream, and its reconnects.
    await checkout.evaluate(() => {
      const es = document.querySelector('statuscast-banner')._es;
      window.__es = es; window.__sets = 0; window.__opens = 0;
      es.addEventListener('banners', () => window.__sets++);
      es.addEventListener('open', () => window.__opens++);
    });
    // A change that is not checkout's: the world's version moves, checkout's
    // stream gets no set, only heartbeats (1 s) naming the new version in an
    // event without data, which moves Last-Event-ID and dispatches nothing.
    stack.ctl('banner', 'create', '--text', 'Blog maintenance', '--level', 'maintenance', '--apps', 'blog');
    await sleep(2500);
    assert.equal(await checkout.evaluate(() => window.__sets), 0, 'a change elsewhere sends checkout nothing');

    await stack.killBanner();  // SIGKILL: nothing is said at the end of the stream
    await stack.startBanner();
    await within(10000, 'the stream reconnected', async () => checkout.evaluate(() => window.__opens >= 1));
    await sleep(1500);
    const after = await checkout.evaluate(() => ({
      sets: window.__sets, same: document.querySelector('statuscast-banner')._es === window.__es }));
    assert.ok(after.same, 'EventSource reconnected by itself, with Last-Event-ID');
    assert.equal(after.sets, 0, 'the restarted service sent no set: the heartbeat\'s id was current');
    assert.equal(await banners(checkout).count(), shown);
  });

  test('the banner service killed: banners hide at valid_until; restarted: the page reconnects and shows the new state', async () => {
    await stack.killBanner();
    // --banner_validity=6s: with the stream cut, nothing confirms the set.
    const hidden = await within(12000, 'banners hidden after the service died', async () => (await banners(checkout).count()) === 0);
    console.log(`banners hidden ${Math.round(hidden)} ms after the service died`);

    const m = message('A fix is in place; we are watching checkout recover.', 25);
    stack.ctl('update', 'INC-1', '--state', 'monitoring', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    await stack.startBanner();
    const back = await within(20000, 'banner back after the restart', async () =>
      /watching checkout recover/.test(await bannerFor(checkout, 'INC-1').innerText().catch(() => '')));
    console.log(`page showed the new state ${Math.round(back)} ms after the service was ready`);
    assert.equal(await banners(checkout).count(), 2);
  });

  test('PostgreSQL unreachable with the stream open: banners hide at valid_until, and come back with it', async () => {
    await connected(checkout);
    assert.equal(await banners(checkout).count(), 2);
    // No one may connect to the stack's database (superusers included), and
    // the services' connections are cut: the banner service keeps serving,
    // but valid_until no longer moves.
    stack.psql(`ALTER DATABASE ${stack.dbName} ALLOW_CONNECTIONS false`);
    stack.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${stack.dbName}'`);
    try {
      const hidden = await within(15000, 'banners hidden at valid_until', async () => (await banners(checkout).count()) === 0);
      const open = await checkout.evaluate(() => document.querySelector('statuscast-banner')._es?.readyState);
      assert.equal(open, 1, 'the stream stayed open: it was valid_until that hid the banners');
      console.log(`banners hidden ${Math.round(hidden)} ms after PostgreSQL became unreachable (validity 6 s), stream still open`);
    } finally {
      stack.psql(`ALTER DATABASE ${stack.dbName} ALLOW_CONNECTIONS true`);
    }
    const back = await within(20000, 'banners back with PostgreSQL', async () => (await banners(checkout).count()) === 2);
    console.log(`banners back ${Math.round(back)} ms after PostgreSQL was reachable again`);
  });

  test('with the stream blocked, the snapshot fallback still shows the banner', async () => {
    const blocked = await stack.browser.newContext();
    const page = await blocked.newPage();
    let aborted = 0;
    await page.route('**/v1/banners/stream**', (route) => { aborted++; return route.abort(); });
    await page.goto(stack.webBase + '/checkout.html');
    await within(5000, 'banner from the snapshot', async () => (await bannerFor(page, 'INC-1').count()) === 1);
    assert.ok(aborted >= 1, 'the stream was tried');
    assert.match(await bannerFor(page, 'INC-1').innerText(), /watching checkout recover/);
    await blocked.close();
  });

  test('the status page shows the timeline and the promise ledger without JavaScript', async () => {
    // An update only for the banner never reaches the status page.
    const m = message('BANNER-ONLY wording: checkout recovering.', 25);
    stack.ctl('update', 'INC-1', '--message', m.text, '--channels', 'in_app_banner', '--next', m.next);
    await sleep(1500);

    const nojs = await stack.browser.newContext({ javaScriptEnabled: false, viewport: { width: 1000, height: 1400 } });
    const page = await nojs.newPage();
    await page.goto(stack.bannerBase + '/');
    assert.equal(await page.locator('h1').innerText(), 'Example Shop status');
    assert.equal(await page.locator('#overall-status').innerText(), 'Major System Outage');
    const inc = page.locator('article#INC-1');
    const timeline = await inc.locator('.timeline li .when').allInnerTexts();
    assert.equal(timeline.length, 3);
    assert.match(timeline[0], /^Monitoring · \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    assert.match(timeline[1], /^Identified · .* UTC$/);
    assert.match(timeline[2], /^Investigating · .* UTC$/);
    const ledger = await inc.locator('.ledger li').allInnerTexts();
    assert.ok(ledger.length >= 2);
    assert.match(ledger[0], /^next update by \d\d:\d\d UTC — posted \d\d:\d\d UTC$/);
    assert.match(await inc.locator('.next').innerText(), /^Next update by \d\d:\d\d UTC$/);
    assert.match(await page.locator('.components').innerText(), /checkout\s*shop\s*Major outage/);
    const history = page.locator('.history li#INC-2');
    assert.match(await history.innerText(), /Search slow/);
    assert.equal(await history.locator('a.postmortem').getAttribute('href'), 'https://shop.example.com/postmortems/inc-2');
    const html = await page.content();
    assert.ok(!html.includes('BANNER-ONLY'), 'banner-only update not on the status page');
    assert.ok(!html.includes('browser-test'), 'no author on the status page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page-nojs.png'), fullPage: true });

    await page.goto(stack.bannerBase + '/incidents/INC-2');
    assert.match(await page.locator('.timeline').innerText(), /Resolved ·[\s\S]*Investigating ·/);
    assert.match(await page.locator('.ledger').innerText(), /next update by/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'incident-page.png'), fullPage: true });
    await nojs.close();

    const summary = await (await fetch(stack.bannerBase + '/v1/status.json')).json();
    assert.equal(summary.page.name, 'Example Shop status');
    assert.equal(summary.status.indicator, 'critical');
    assert.deepEqual(summary.incidents.map((i) => [i.id, i.status, i.impact]), [['INC-1', 'monitoring', 'critical']]);
    assert.deepEqual(summary.incidents[0].incident_updates.map((u) => u.status), ['monitoring', 'identified', 'investigating']);
    assert.ok(summary.components.some((c) => c.name === 'checkout' && c.status === 'major_outage'));
    const atom = await fetch(stack.bannerBase + '/feed.atom');
    assert.match(atom.headers.get('content-type'), /application\/atom\+xml/);
    const feed = await atom.text();
    assert.ok(feed.includes('<title>Monitoring: Checkout failing</title>'));
    assert.ok(!feed.includes('BANNER-ONLY') && !JSON.stringify(summary).includes('BANNER-ONLY'));
  });

  test('the status page refreshes in place with JavaScript', async () => {
    const live = await stack.browser.newContext({ viewport: { width: 1000, height: 1400 } });
    const page = await live.newPage();
    // Its Content-Security-Policy must let the page's own script and style
    // run, through a live update too: Chromium reports a blocked one both as
    // a console error and as a securitypolicyviolation event.
    const violations = [];
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`Refused to load: CSP ${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    const response = await page.goto(stack.bannerBase + '/');
    assert.match(response.headers()['content-security-policy'], /frame-ancestors 'none'/);
    assert.equal(response.headers()['x-frame-options'], 'DENY');
    await page.waitForSelector('html[data-live="on"]');
    await page.evaluate(() => { window.notReloaded = true; });

    const m = message('Checkout has worked normally for 10 minutes; we keep watching it.', 25);
    stack.ctl('update', 'INC-1', '--message', m.text, '--channels', 'status_page', '--next', m.next);
    const ms = await within(5000, 'new update on the open page', async () =>
      (await page.locator('article#INC-1 .timeline').innerText()).includes('worked normally for 10 minutes'));
    console.log(`status page showed the update ${Math.round(ms)} ms after statuscastctl returned`);
    assert.equal(await page.evaluate(() => window.notReloaded), true, 'updated in place, not reloaded');
    assert.equal(await page.locator('article#INC-1 .timeline li').count(), 4);
    // The inline stylesheet applied (a blocked <style> has no sheet).
    assert.equal(await page.evaluate(() => document.querySelector('style').sheet !== null), true);
    await page.goto(stack.bannerBase + '/incidents/INC-1');
    await page.waitForSelector('html[data-live="on"]');
    assert.deepEqual(violations, [], 'no Content-Security-Policy violation on the status page');
    await page.screenshot({ path: path.join(ARTIFACTS, 'status-page.png'), fullPage: true });
    await live.close();
  });
});
