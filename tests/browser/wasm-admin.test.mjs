// examples/browser-admin (the WebAssembly package's web build) in a real headless Chromium
// against the emulator over loopback (CORS allowed): device-code sign-in approved on the
// emulator's verification page in a second tab, discovery, a subscription picked by typing a
// filter, then the selection and the token's claims on the page. Needs `npm run build` in
// npm/azlogin-wasm (pkg/web) and the azlogin debug binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../examples/browser-admin/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const AZLOGIN = process.env.AZLOGIN_BIN ?? path.join(root, 'target', 'debug', 'azlogin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
/** Screenshots land here (gitignored). */
const OUTPUT = path.join(here, 'test-output');
const USER = 'user@contoso.example';
const CONTOSO = '11111111-1111-4111-8111-111111111111';

/** Starts `azlogin emulator` on the default scenario, with codes left for a person to approve. */
function startEmulator(dir) {
  const scenario = JSON.parse(readFileSync(path.join(root, 'tests/scenarios/default.json'), 'utf8'));
  delete scenario.device_code.auto_approve;
  const file = path.join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const proc = spawn(AZLOGIN, ['emulator', '--port', '0', '--scenario', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`emulator exited early (${code})`)));
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) {
        const ready = JSON.parse(out.split('\n')[0]);
        assert.equal(ready.event, 'ready');
        proc.removeAllListeners('exit');
        resolve({ proc, url: ready.url.replace(/\/$/, '') });
      }
    });
  });
}

test('browser admin example: device code, discovery, filter and pick, claims', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(path.join(root, 'npm/azlogin-wasm/pkg/web/azlogin_wasm_bg.wasm')),
    'build the web package first: cd npm/azlogin-wasm && npm install && npm run build');
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-browser-'));
  const emulator = await startEmulator(tmp);
  const site = await serve();
  let context;
  try {
    context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
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
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${site.url}/?login=${encodeURIComponent(emulator.url)}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#arm-endpoint').inputValue(), `${emulator.url}/`);

    await page.locator('#signin').click();
    const userCode = (await page.locator('#user-code').textContent({ timeout: 30_000 })).trim();
    await page.locator('#user-code').waitFor({ state: 'visible' });
    assert.match(userCode, /^[A-HJ-NP-Z2-9]{9}$/);
    const verificationUri = await page.locator('#verification-uri').getAttribute('href');
    assert.equal(verificationUri, `${emulator.url}/devicelogin`);
    assert.match(await page.locator('#device-message').textContent(), new RegExp(`enter the code ${userCode} `));

    // A second tab: the person approves the code on the emulator's verification page.
    const approval = await context.newPage();
    await approval.goto(verificationUri);
    await approval.locator('#user_code').fill(userCode);
    assert.equal(await approval.locator('#username').inputValue(), USER);
    await approval.locator('#approve').click();
    await approval.getByText('You have signed in to the application on your device.').waitFor({ timeout: 30_000 });
    await approval.close();

    // The first tab finishes the poll, discovers, and shows the CLI's rows and warnings.
    await page.locator('#picker').waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await page.locator('#account').textContent(), USER);
    const rowTexts = async () => page.locator('#subscriptions tbody tr').evaluateAll(
      (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(await rowTexts(), [
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
    assert.deepEqual(await rowTexts(), [['[1]', 'Contoso Dev', 'c0000001-0000-4000-8000-000000000002', 'Contoso']]);
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
    const log = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()).requests;
    assert.ok(log.some((r) => r.method === 'OPTIONS'), 'no CORS preflight reached the emulator');
    assert.ok(log.some((r) => r.path === '/subscriptions' && r.status === 200));
  } finally {
    await context?.close();
    await site.close();
    emulator.proc.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
});
