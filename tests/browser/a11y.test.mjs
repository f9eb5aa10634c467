// What keyboard and screen-reader users meet on the status page and with the
// banner SDK, in headless Chromium against real statuscast-comms and
// statuscast-banner processes (its own stack and database). axe-core checks
// WCAG 2.1 A/AA on every kind of page; the rest checks by hand what axe
// cannot see: focus across live updates and dismissals, what is announced,
// heading levels, no self-refresh, the icon and the description.
//
// Announcements are modelled from the DOM, since Chromium reports no speech:
// an init script observes every shadow root and the document, and records one
// announcement each time a live region (aria-live, role status or alert) that
// is rendered ends a batch of mutations with new, non-empty text. Inserting an
// element that is itself a live region with text counts too (that is what
// screen readers do with an inserted role="alert").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Stack, message, sleep, within } from './harness.mjs';

const AXE = path.join(import.meta.dirname, 'node_modules/axe-core/axe.min.js');
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const stack = new Stack();

// Fails with every WCAG 2.1 A/AA violation axe-core finds on the page.
async function assertNoAxeViolations(page, what) {
  // Evaluated through the DevTools protocol rather than added as a <script>:
  // the status page's Content-Security-Policy (rightly) refuses inline scripts.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG);
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    '));
  assert.deepEqual(found, [], `${what}: axe-core violations`);
  assert.ok(result.passes.length > 10, `${what}: axe-core ran its checks (${result.passes.length} passed)`);
}

// Heading levels in document order ("h1", "h2", ...), shadow roots included.
const headings = (page) => page.evaluate(() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => h.tagName.toLowerCase()));
function assertNoSkippedLevel(levels, what) {
  assert.equal(levels[0], 'h1', `${what}: starts with h1`);
  for (let i = 1; i < levels.length; i++) {
    const jump = Number(levels[i][1]) - Number(levels[i - 1][1]);
    assert.ok(jump <= 1, `${what}: ${levels[i - 1]} then ${levels[i]} (${levels.join(' ')})`);
  }
}

// The announcement recorder (see the top of this file); window.said() lists
// {politeness, text} in order.
function recordAnnouncements() {
  const said = [];
  window.said = () => said.slice();
  const liveRoot = (n, top) => {
    for (; n && n !== top; n = n.parentNode) {
      if (n.nodeType !== 1) continue;
      const live = n.getAttribute('aria-live'), role = n.getAttribute('role');
      if (live === 'off') return null;
      if (live || role === 'alert' || role === 'status' || role === 'log') return n;
    }
    return null;
  };
  const politeness = (r) => r.getAttribute('aria-live') || (r.getAttribute('role') === 'alert' ? 'assertive' : 'polite');
  const observe = (top) => {
    const last = new Map();
    new MutationObserver((mutations) => {
      const touched = new Set();
      for (const m of mutations) {
        const r = liveRoot(m.target.nodeType === 1 ? m.target : m.target.parentNode, top);
        if (r) touched.add(r);
        for (const n of m.addedNodes) {
          if (n.nodeType !== 1) continue;
          if (liveRoot(n, top)) touched.add(liveRoot(n, top));
          n.querySelectorAll('[aria-live],[role=alert],[role=status],[role=log]').forEach((x) => touched.add(x));
        }
      }
      for (const r of touched) {
        if (!r.isConnected || !r.checkVisibility()) continue;
        const text = r.textContent.replace(/\s+/g, ' ').trim();
        if (text && text !== last.get(r)) said.push({ politeness: politeness(r), text });
        last.set(r, text);
      }
    }).observe(top, { subtree: true, childList: true, characterData: true });
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    observe(root);
    return root;
  };
  document.addEventListener('DOMContentLoaded', () => observe(document.body));
}

// The roles of the live regions in Chromium's accessibility tree (shadow
// DOM included), e.g. ['status', 'alert'].
async function liveRegionRoles(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  await cdp.detach();
  return nodes.filter((n) => !n.ignored && ['status', 'alert', 'log'].includes(n.role?.value)).map((n) => n.role.value);
}

const sdkFocus = (page) => page.evaluate(() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? `${a.tagName}:${a.getAttribute('aria-label') || a.getAttribute('name') || a.textContent.trim()}` : '';
});

describe('accessibility in Chromium: keyboard, screen readers, axe-core', { concurrency: false }, () => {
  let shop; // a browser profile for the example shop, recording announcements
  let checkout;

  before(async () => {
    await stack.start();
    stack.ctl('components', 'create', 'checkout', '--group', 'shop', '--banner-apps', 'shop',
      '--banner-paths', '/checkout*');
    shop = await stack.browser.newContext({ viewport: { width: 1000, height: 700 } });
    await shop.addInitScript(recordAnnouncements);
    checkout = await shop.newPage();
    await checkout.goto(stack.webBase + '/checkout.html');
    await checkout.waitForFunction(() => {
      const el = document.querySelector('statuscast-banner');
      return el && el._set && el._es && el._es.readyState === 1;
    }, null, { timeout: 10000 });
  });

  after(async () => {
    if (process.exitCode) console.log(stack.logs());
    await stack.stop();
  });

  test('the SDK\'s two live regions are in the accessibility tree before anything is said', async () => {
    assert.equal(await checkout.locator('statuscast-banner').evaluate((el) => el.hidden), true, 'nothing to show');
    assert.deepEqual((await liveRegionRoles(checkout)).sort(), ['alert', 'status']);
    assert.deepEqual(await checkout.evaluate(() => window.said()), []);
  });

  test('a new banner is announced once, politely for SEV-2, with its level and text', async () => {
    const m = message("We're investigating slow checkouts for some users. Our team is on it.", 50);
    stack.ctl('declare', '--title', 'Checkout slow', '--severity', 'SEV-2',
      '--components', 'checkout:degraded_performance', '--started=-2m', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    await within(2000, 'banner shown', async () => (await checkout.locator('statuscast-banner .b').count()) === 1);
    await sleep(300);
    const shown = await checkout.locator('statuscast-banner .b .m').innerText(); // the banner's short form
    assert.ok(m.text.startsWith(shown), shown);
    assert.deepEqual(await checkout.evaluate(() => window.said()),
      [{ politeness: 'polite', text: `Service disruption: ${shown}` }]);
    // The banner itself is no live region, so nothing says it a second time.
    assert.equal(await checkout.locator('statuscast-banner .b').getAttribute('role'), null);
    assert.equal(await checkout.locator('statuscast-banner .b').getAttribute('aria-live'), null);
  });

  test('a showing banner whose text changes keeps its element and is announced once as updated', async () => {
    await checkout.locator('statuscast-banner .b').evaluate((el) => { el.marked = true; });
    const m = message('We found the cause of the slow checkouts and are rolling back a change.', 45);
    stack.ctl('update', 'INC-1', '--state', 'identified', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    await within(2000, 'new text shown', async () =>
      (await checkout.locator('statuscast-banner .b .m').innerText()).includes('rolling back'));
    await sleep(300);
    const said = await checkout.evaluate(() => window.said());
    assert.equal(said.length, 2, JSON.stringify(said));
    const shown = await checkout.locator('statuscast-banner .b .m').innerText();
    assert.deepEqual(said[1], { politeness: 'polite', text: `Service disruption, updated: ${shown}` });
    assert.equal(await checkout.locator('statuscast-banner .b').evaluate((el) => el.marked), true, 'patched in place');
  });

  test('dismissing the last banner returns focus to where it was, says nothing and leaves no text behind', async () => {
    await checkout.bringToFront();
    await checkout.locator('input[name=card]').focus();
    await checkout.locator('statuscast-banner .b button').focus(); // e.g. Shift+Tab back to it
    assert.match(await sdkFocus(checkout), /^BUTTON:Dismiss: We found the cause/);
    await checkout.keyboard.press('Enter');
    await within(1000, 'banner gone', async () => (await checkout.locator('statuscast-banner .b').count()) === 0);
    assert.equal(await sdkFocus(checkout), 'INPUT:card', 'focus back on the field it came from, not <body>');
    assert.equal(await checkout.evaluate(() => window.said().length), 2, 'a dismissal is not announced');
    const regions = await checkout.locator('statuscast-banner').evaluate((el) =>
      [...el.shadowRoot.querySelectorAll('[role=status],[role=alert]')].map((r) => r.textContent));
    assert.deepEqual(regions, ['', ''], 'the dismissed banner\'s text is not left in a live region');
  });

  test('a critical banner is announced once, assertively; dismissed with Escape after Tab from the top, focus moves to the next focusable element', async () => {
    const m = message("We're investigating failed checkouts for all users. Our team is on it.", 20);
    stack.ctl('declare', '--title', 'Checkout failing', '--severity', 'SEV-1',
      '--components', 'checkout:major_outage', '--started=-5m', '--message', m.text,
      '--channels', 'in_app_banner,status_page', '--next', m.next);
    await within(2000, 'critical banner shown', async () => (await checkout.locator('statuscast-banner .b.critical').count()) === 1);
    await sleep(300);
    const said = await checkout.evaluate(() => window.said());
    const shown = await checkout.locator('statuscast-banner .b .m').innerText();
    assert.ok(m.text.startsWith(shown), shown);
    assert.deepEqual(said.slice(2), [{ politeness: 'assertive', text: `Major outage: ${shown}` }]);

    await checkout.evaluate(() => document.activeElement && document.activeElement.blur());
    for (let tabs = 0; tabs < 6 && !(await sdkFocus(checkout)).startsWith('BUTTON:Dismiss'); tabs++) {
      await checkout.keyboard.press('Tab');
    }
    assert.match(await sdkFocus(checkout), /^BUTTON:Dismiss: We're investigating failed/);
    await checkout.keyboard.press('Escape');
    await within(1000, 'banner gone', async () => (await checkout.locator('statuscast-banner .b').count()) === 0);
    assert.equal(await sdkFocus(checkout), 'A:Example Shop', 'focus on the first link after the banner, not <body>');
    assert.equal(await checkout.evaluate(() => window.said().length), 3);
  });

  test('axe-core finds no WCAG 2.1 A/AA violation on a page with banners', async () => {
    stack.ctl('banner', 'create', '--text', 'Maintenance tonight 22:00-23:00 UTC', '--level', 'maintenance', '--apps', 'shop');
    const fresh = await stack.browser.newContext();
    const page = await fresh.newPage();
    await page.goto(stack.webBase + '/checkout.html');
    await within(5000, 'three banners', async () => (await page.locator('statuscast-banner .b').count()) === 3);
    await assertNoAxeViolations(page, 'checkout.html with three banners');
    await fresh.close();
  });

  test('a live update keeps keyboard focus where it was and announces a short polite summary', async () => {
    const live = await stack.browser.newContext({ viewport: { width: 1000, height: 1400 } });
    const page = await live.newPage();
    await page.goto(stack.bannerBase + '/');
    await page.waitForSelector('html[data-live="on"]');
    const link = page.locator('#INC-1-title a');
    await link.focus();
    await link.evaluate((el) => { el.marked = true; });
    await page.evaluate(() => { window.notReloaded = true; });
    assert.equal(await page.locator('[aria-live],[role=status],[role=alert]').count(), 1, 'one live region');

    const m = message('A fix is in place; we are watching checkouts recover.', 25);
    stack.ctl('update', 'INC-1', '--state', 'monitoring', '--message', m.text, '--channels', 'status_page', '--next', m.next);
    await within(6000, 'update on the open page', async () =>
      (await page.locator('article#INC-1 .timeline').innerText()).includes('watching checkouts recover'));
    assert.equal(await page.evaluate(() => document.activeElement.marked === true), true,
      'the focused link is still focused (not <body>)');
    assert.equal(await page.evaluate(() => window.notReloaded), true);
    await within(1000, 'summary announced', async () =>
      (await page.locator('#sc-announce').textContent()) === 'INC-1 updated: monitoring');
    assert.equal(await page.locator('#sc-announce').getAttribute('role'), 'status');

    stack.ctl('declare', '--title', 'Search slow', '--severity', 'SEV-3', '--components', 'checkout:degraded_performance',
      '--started=-1m', '--message', "We're investigating slow search for some users. We will update this page as we learn more.",
      '--channels', 'status_page');
    await within(6000, 'new incident announced', async () =>
      /^INC-3 opened: investigating\b/.test(await page.locator('#sc-announce').textContent()));
    assert.equal(await page.evaluate(() => document.activeElement.marked === true), true);
    await assertNoAxeViolations(page, 'the status page after live updates');
    await live.close();
  });

  test('without JavaScript the page never refreshes itself but offers a reload link', async () => {
    const nojs = await stack.browser.newContext({ javaScriptEnabled: false });
    const page = await nojs.newPage();
    for (const [url, self] of [['/', '/'], ['/incidents/INC-1', '/incidents/INC-1']]) {
      await page.goto(stack.bannerBase + url);
      assert.equal(await page.locator('meta[http-equiv]').count(), 0, `${url}: no meta refresh`);
      const reload = page.getByRole('link', { name: 'reload it' });
      assert.equal(await reload.isVisible(), true, `${url}: a visible reload link`);
      assert.equal(await reload.getAttribute('href'), self);
    }
    await nojs.close();
  });

  test('the status page and an incident page: headings without skipped levels, a description, an icon, no 404, no axe violation', async () => {
    const ctx = await stack.browser.newContext();
    const page = await ctx.newPage();
    const failed = [];
    page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
    for (const url of ['/', '/incidents/INC-1']) {
      await page.goto(stack.bannerBase + url);
      await page.waitForSelector('html[data-live="on"]');
      assertNoSkippedLevel(await headings(page), url);
      const description = await page.locator('meta[name=description]').getAttribute('content');
      assert.match(description, url === '/' ? /^Live status of Example Shop status: / : /^INC-1 on Example Shop status: Checkout slow\. Monitoring, /);
      assert.match(await page.locator('link[rel=icon]').getAttribute('href'), /^data:image\/svg\+xml,/);
      await assertNoAxeViolations(page, url);
    }
    const incident = await headings(page); // the incident's parts sit right under its h2
    assert.ok(incident.includes('h3') && !incident.includes('h4'), incident.join(' '));
    assert.deepEqual(failed, [], 'no request failed');
    const icon = await fetch(stack.bannerBase + '/favicon.ico');
    assert.equal(icon.status, 204, '/favicon.ico answers without a 404');
    await ctx.close();
  });
});
