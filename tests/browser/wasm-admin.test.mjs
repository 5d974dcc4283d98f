// examples/browser-admin (the WebAssembly package's web build) in a real headless Chromium
// against the emulator over loopback (CORS allowed): device-code sign-in approved on the
// emulator's verification page in a second tab, discovery, a subscription picked by typing a
// filter, then the selection and the token's claims on the page; and app-only tokens from a
// certificate signed by the browser's Web Crypto. Needs `npm run build` in
// npm/azlogin-wasm (pkg/web) and the azlogin debug binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../examples/browser-admin/serve.mjs';
import { scenario, startEmulator } from '../../npm/azlogin-wasm/test/emulator.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** Screenshots land here (gitignored). */
const OUTPUT = path.join(here, 'test-output');
const USER = 'user@contoso.example';
const CONTOSO = '11111111-1111-4111-8111-111111111111';

/** The emulator on the default scenario, with codes left for a person to approve. */
function startManualEmulator() {
  const manual = scenario('default');
  delete manual.device_code.auto_approve;
  return startEmulator(manual);
}

/** Chromium with a fresh profile under `tmp`. */
function launch(tmp) {
  return chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
    env: {
      ...process.env,
      HOME: tmp,
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
      XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    },
  });
}

/**
 * A stand-in for an endpoint that sends no CORS headers (as Entra's device-code endpoint): it
 * forwards to `upstream` and drops every `Access-Control-*` header; preflights get 405.
 */
function startNoCorsProxy(upstream) {
  const server = createServer(async (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(405).end();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.origin;
    const answer = await fetch(`${upstream}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
    });
    const out = {};
    answer.headers.forEach((value, name) => {
      if (!name.startsWith('access-control-') && name !== 'content-length' && name !== 'content-encoding') out[name] = value;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

/** Clicks "Sign in" and approves the shown code on the verification page in a second tab. */
async function signInWithApproval(context, page, verificationOrigin) {
  await page.locator('#signin').click();
  await page.locator('#user-code').waitFor({ state: 'visible', timeout: 30_000 });
  const userCode = (await page.locator('#user-code').textContent()).trim();
  assert.match(userCode, /^[A-HJ-NP-Z2-9]{9}$/);
  const verificationUri = await page.locator('#verification-uri').getAttribute('href');
  assert.equal(verificationUri, `${verificationOrigin}/devicelogin`);
  assert.match(await page.locator('#device-message').textContent(), new RegExp(`enter the code ${userCode} `));

  const approval = await context.newPage();
  await approval.goto(verificationUri);
  await approval.locator('#user_code').fill(userCode);
  assert.equal(await approval.locator('#username').inputValue(), USER);
  await approval.locator('#approve').click();
  await approval.getByText('You have signed in to the application on your device.').waitFor({ timeout: 30_000 });
  await approval.close();
  await page.locator('#picker').waitFor({ state: 'visible', timeout: 30_000 });
}

const rowTexts = (page) => page.locator('#subscriptions tbody tr').evaluateAll(
  (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));

test('browser admin example: device code, discovery, filter and pick, claims', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(path.join(root, 'npm/azlogin-wasm/pkg/web/azlogin_wasm_bg.wasm')),
    'build the web package first: cd npm/azlogin-wasm && npm install && npm run build');
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-browser-'));
  const emulator = await startManualEmulator();
  const site = await serve();
  let context;
  try {
    context = await launch(tmp);
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${site.url}/?login=${encodeURIComponent(emulator.url)}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#arm-endpoint').inputValue(), `${emulator.url}/`);

    await signInWithApproval(context, page, emulator.url);

    // The first tab finished the poll, discovered, and shows the CLI's rows and warnings.
    assert.equal(await page.locator('#account').textContent(), USER);
    assert.deepEqual(await rowTexts(page), [
      ['[1]', 'Contoso Dev', 'c0000001-0000-4000-8000-000000000002', 'Contoso'],
      ['[2] *', 'Contoso Production', 'c0000001-0000-4000-8000-000000000001', 'Contoso'],
    ]);
    const warnings = await page.locator('#warnings li').allTextContents();
    assert.ok(warnings.includes("22222222-2222-4222-8222-222222222222 'Fabrikam Empty'"), warnings.join('\n'));
    assert.ok(warnings.some((w) => w.startsWith("Tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA' requires multi-factor authentication.")), warnings.join('\n'));

    // Typing a filter narrows the table (numbers kept); Enter on the single row picks it.
    await page.locator('#choice').fill('dev');
    await page.locator('#choice').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#subscriptions tbody tr').length === 1);
    assert.deepEqual(await rowTexts(page), [['[1]', 'Contoso Dev', 'c0000001-0000-4000-8000-000000000002', 'Contoso']]);
    await page.locator('#choice').press('Enter');
    await page.locator('#result').waitFor({ state: 'visible' });

    assert.equal(await page.locator('#selection').textContent(),
      'Tenant: Contoso\nSubscription: Contoso Dev (c0000001-0000-4000-8000-000000000002)');
    assert.equal(await page.locator('#selection').getAttribute('data-id'), 'c0000001-0000-4000-8000-000000000002');
    const claims = JSON.parse(await page.locator('#claims').textContent());
    assert.equal(claims.upn, USER);
    assert.equal(claims.tid, CONTOSO);
    assert.equal(claims.aud, 'https://management.core.windows.net/');
    assert.equal(claims.oid, 'aaaaaaaa-0000-4000-8000-000000000001');
    assert.equal(await page.locator('#status').getAttribute('class'), '');
    assert.deepEqual(pageErrors, []);

    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'browser-admin.png'), fullPage: true });
    assert.ok(existsSync(path.join(OUTPUT, 'browser-admin.png')));

    // Everything went to the emulator from the page itself, cross-origin.
    const log = await emulator.requests();
    assert.ok(log.some((r) => r.method === 'OPTIONS'), 'no CORS preflight reached the emulator');
    assert.ok(log.some((r) => r.path === '/subscriptions' && r.status === 200));
  } finally {
    await context?.close();
    await site.close();
    emulator.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a page cannot call an endpoint without CORS headers directly, and can through a same-origin relay', { timeout: 120_000 }, async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-relay-'));
  const emulator = await startManualEmulator();
  const noCors = await startNoCorsProxy(emulator.url);
  const direct = await serve();
  const relayed = await serve({ relays: { login: noCors.url, arm: noCors.url } });
  let context;
  try {
    context = await launch(tmp);
    const page = context.pages()[0] ?? await context.newPage();

    // Directly: the browser blocks the answer; the package reports a transport_error.
    await page.goto(`${direct.url}/?login=${encodeURIComponent(noCors.url)}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.locator('#signin').click();
    await page.locator('#status.error').waitFor({ timeout: 30_000 });
    assert.match(await page.locator('#status').textContent(), /^transport_error: /);
    assert.equal(await page.locator('#device').isHidden(), true);

    // Through the relay on the page's own origin: no CORS needed, the whole flow works.
    const relay = `${relayed.url}/relay`;
    await page.goto(`${relayed.url}/?login=${encodeURIComponent(`${relay}/login`)}&arm=${encodeURIComponent(`${relay}/arm/`)}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    await signInWithApproval(context, page, emulator.url);
    assert.equal((await rowTexts(page)).length, 2);
    await page.locator('#choice').fill('2');
    await page.locator('#choice').press('Enter');
    await page.locator('#result').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#selection').textContent(),
      'Tenant: Contoso\nSubscription: Contoso Production (c0000001-0000-4000-8000-000000000001)');
    assert.equal(JSON.parse(await page.locator('#claims').textContent()).upn, USER);
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT, 'browser-admin-relay.png'), fullPage: true });
  } finally {
    await context?.close();
    await relayed.close();
    await direct.close();
    await noCors.close();
    emulator.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('acquireTokenForClient in a page: a certificate signed by the browser\'s Web Crypto, a secret refused as data', { timeout: 120_000 }, async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-sp-'));
  const emulator = await startEmulator(scenario('apps'));
  const site = await serve();
  const pem = readFileSync(path.join(root, 'tests/fixtures/service-principal/cert.pem'), 'utf8');
  let context;
  try {
    context = await launch(tmp);
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(`${site.url}/`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    const outcome = await page.evaluate(async ({ login, tenant, pem }) => {
      const wasm = await import('/pkg/azlogin_wasm.js');
      await wasm.default();
      const token = await wasm.acquireTokenForClient({
        tenant, clientId: 'ce570000-0000-4000-8000-00000000c0de', certificate: { pem }, loginEndpoint: login,
      });
      const refused = await wasm.acquireTokenForClient({
        tenant, clientId: '5a1e0000-0000-4000-8000-00000000c0de', secret: 'not-the-secret', loginEndpoint: login,
      }).then(() => null, (e) => ({ name: e.name, code: e.code, aadstsCodes: e.aadstsCodes, message: e.message }));
      return { isSecureContext, claims: wasm.decodeTokenClaims(token.accessToken), tenantId: token.tenantId, refused };
    }, { login: emulator.url, tenant: CONTOSO, pem });
    assert.equal(outcome.isSecureContext, true);
    assert.equal(outcome.claims.appid, 'ce570000-0000-4000-8000-00000000c0de');
    assert.equal(outcome.claims.idtyp, 'app');
    assert.equal(outcome.tenantId, CONTOSO);
    assert.equal(outcome.refused.name, 'AzLoginError');
    assert.equal(outcome.refused.code, 'server_error');
    assert.deepEqual(outcome.refused.aadstsCodes, [7000215]);
    assert.ok(!outcome.refused.message.includes('not-the-secret'));
    // The page sent the assertion itself, cross-origin, and the emulator accepted its signature.
    const tokens = (await emulator.requests()).filter((r) => r.grant_type === 'client_credentials');
    assert.deepEqual(tokens.map((r) => r.status), [200, 401]);
  } finally {
    await context?.close();
    await site.close();
    emulator.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
