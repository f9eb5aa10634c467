// Subscribing to the status page in headless Chromium (issue 11): the form
// on the status page works as a plain form post with JavaScript off and the
// same with it on; the confirmation mail arrives at a real SMTP server
// (mail_sink.py), and its confirm link, followed in the browser, confirms.
// The form offers the page's components: a watcher who checks some is
// subscribed to those only.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, Stack, sleep } from './harness.mjs';

const stack = new Stack();

// The text of a message's parts, undoing quoted-printable and base64.
function mailText(raw) {
  let text = '';
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split);
    let body = part.slice(split).trim();
    if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
      body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi,
        (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
    } else if (/content-transfer-encoding:\s*base64/i.test(headers)) {
      body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    }
    text += body + '\n';
  }
  return text;
}

// The confirm link from the confirmation mail to `address`, once it is in.
async function confirmLink(address) {
  const end = Date.now() + 20000;
  for (;;) {
    const mail = stack.mails().find((m) => new RegExp(`^To: ${address}\\r?$`, 'mi').test(m));
    if (mail) {
      const link = mailText(mail).match(/https?:\/\/\S+\/subscriptions\/confirm\?token=[\w.=-]+/);
      assert.ok(link, `no confirm link in the mail to ${address}:\n${mail}`);
      return link[0];
    }
    if (Date.now() > end) assert.fail(`no confirmation mail to ${address} within 20 s\n${stack.mails().join('\n')}`);
    await sleep(100);
  }
}

async function confirmedInStore(address) {
  const end = Date.now() + 10000;
  for (;;) {
    const row = stack.query(`SELECT confirmed, confirmed_at IS NOT NULL FROM subscribers WHERE destination = '${address}'`);
    if (row === 't|t') return;
    if (Date.now() > end) assert.fail(`${address} not confirmed in the store: "${row}"`);
    await sleep(100);
  }
}

// From the status page to a confirmed subscription, all in the browser;
// `components`: the labels of the boxes to check (none: everything).
async function subscribeAndConfirm(javaScriptEnabled, address, components = []) {
  const ctx = await stack.browser.newContext({ javaScriptEnabled, viewport: { width: 900, height: 700 } });
  const page = await ctx.newPage();
  const tag = javaScriptEnabled ? 'js' : 'nojs';
  try {
    await page.goto(stack.bannerBase + '/');
    await page.getByRole('link', { name: /subscribe/i }).first().click();
    await page.waitForURL(/\/subscribe$/);
    await page.getByLabel('Email address').fill(address);
    for (const label of components) await page.getByLabel(label).check();
    await page.screenshot({ path: path.join(ARTIFACTS, `subscribe-form-${tag}.png`) });
    const [post] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/subscribe')),
      page.getByRole('button', { name: 'Subscribe' }).click(),
    ]);
    assert.equal(post.headers()['content-type'], 'application/x-www-form-urlencoded',
      'the form is sent as a plain form post');
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor({ timeout: 10000 })
      .catch(async (e) => assert.fail(`${e.message}\nthe page says: ${await page.textContent('body')}`));
    assert.match(await page.textContent('body'), new RegExp(`If ${address.replace('.', '\\.')} can receive our mail`));
    await page.screenshot({ path: path.join(ARTIFACTS, `subscribe-check-inbox-${tag}.png`) });
    assert.equal(stack.query(`SELECT confirmed FROM subscribers WHERE destination = '${address}'`), 'f',
      'stored, not confirmed, before the link is followed');

    const link = await confirmLink(address);
    assert.ok(link.startsWith(stack.bannerBase + '/subscriptions/confirm?token='), link);
    // Following the link (a GET) shows a button and confirms nothing yet.
    await page.goto(link);
    await page.getByRole('heading', { name: 'Confirm your subscription' }).waitFor();
    assert.equal(stack.query(`SELECT confirmed FROM subscribers WHERE destination = '${address}'`), 'f',
      'the GET of the confirm link changed something');
    await page.getByRole('button', { name: 'Confirm my subscription' }).click();
    await page.getByRole('heading', { name: 'You are subscribed' }).waitFor({ timeout: 10000 });
    await page.screenshot({ path: path.join(ARTIFACTS, `subscribe-confirmed-${tag}.png`) });
    await confirmedInStore(address);
  } finally {
    await ctx.close();
  }
}

describe('subscribing on the status page in Chromium', { concurrency: false }, () => {
  before(async () => {
    await stack.start({ notify: true });
    stack.ctl('components', 'create', 'checkout', '--display-name', 'Checkout & payments');
    stack.ctl('components', 'create', 'search');
    const end = Date.now() + 20000;
    while (!(await (await fetch(stack.bannerBase + '/subscribe')).text()).includes('value="search"')) {
      if (Date.now() > end) assert.fail('the subscribe form does not offer the new components within 20 s');
      await sleep(200);
    }
  });

  after(async () => {
    if (process.exitCode) console.log(stack.logs());
    await stack.stop();
  });

  test('JavaScript off: a plain form post, the mail, the confirm link', async () => {
    await subscribeAndConfirm(false, 'no-script@example.net');
  });

  test('JavaScript on: the same form, the mail, the confirm link', async () => {
    await subscribeAndConfirm(true, 'with-script@example.net');
  });

  test('JavaScript off: checking components subscribes to those only', async () => {
    await subscribeAndConfirm(false, 'checkout-only@example.net', ['Checkout & payments']);
    assert.equal(stack.query("SELECT all_components, array_to_string(components, ',') FROM subscribers "
      + "WHERE destination = 'checkout-only@example.net'"), 'f|checkout');
    assert.equal(stack.query("SELECT all_components FROM subscribers WHERE destination = 'no-script@example.net'"),
      't', 'no box checked is everything');
  });

  test('each address got exactly one confirmation mail', async () => {
    await sleep(500);
    for (const address of ['no-script@example.net', 'with-script@example.net', 'checkout-only@example.net']) {
      const to = stack.mails().filter((m) => new RegExp(`^To: ${address}\\r?$`, 'mi').test(m));
      assert.equal(to.length, 1, `${address}: ${to.length} mails`);
    }
  });
});
