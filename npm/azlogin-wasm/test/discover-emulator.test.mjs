// discoverSubscriptions against the real emulator, checked against the `azlogin` command run on
// the same emulator: the same warnings (as data), the same entries, the same azureProfile.json
// bytes once merged; paging through nextLink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cloudOf, runCli, scenario, startEmulator } from './emulator.mjs';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const WOODGROVE = '33333333-3333-4333-8333-333333333333';
const FABRIKAM = '22222222-2222-4222-8222-222222222222';

/** Signs in with device code (the scenario approves it) and returns the tokens. */
async function signIn(url) {
  const flow = new wasm.DeviceCodeFlow({ loginEndpoint: url });
  await flow.start();
  return flow.waitForToken();
}

/** Entra's per-request ids and time, which differ between two runs. */
const maskVolatile = (line) => line
  .replace(/Trace ID: [0-9a-f-]+/g, 'Trace ID: X')
  .replace(/Correlation ID: [0-9a-f-]+/g, 'Correlation ID: X')
  .replace(/Timestamp: [0-9: -]+Z/g, 'Timestamp: X');

for (const allowNoSubscriptions of [false, true]) {
  test(`discovery with an MFA tenant and an empty one equals the CLI's (allowNoSubscriptions: ${allowNoSubscriptions})`, async () => {
    const emu = await startEmulator();
    let cli;
    try {
      const tokens = await signIn(emu.url);
      const found = await wasm.discoverSubscriptions({
        refreshToken: tokens.refreshToken,
        username: tokens.account.username,
        cloud: cloudOf(emu.url),
        allowNoSubscriptions,
      });
      assert.deepEqual(found.tenants.map((t) => t.displayName), ['Contoso', 'Fabrikam Empty', 'Woodgrove MFA']);
      assert.deepEqual(found.mfaTenants.map((t) => t.tenantId), [WOODGROVE]);
      assert.deepEqual(found.failedTenants.map((t) => t.tenantId), [WOODGROVE]);
      assert.deepEqual(found.emptyTenants.map((t) => t.tenantId), [FABRIKAM]);
      // With allowNoSubscriptions the empty tenant is an entry of its own, as in the CLI.
      assert.equal(found.subscriptions.some((s) => s.id === FABRIKAM), allowNoSubscriptions);
      assert.match(found.warnings.at(-1), /^Tenant 33333333-3333-4333-8333-333333333333 'Woodgrove MFA' requires multi-factor authentication\. To use its subscriptions, run: azlogin login --tenant 33333333-3333-4333-8333-333333333333$/);

      cli = await runCli(emu.url, ['login', '--use-device-code', ...(allowNoSubscriptions ? ['--allow-no-subscriptions'] : [])]);
      assert.equal(cli.code, 0, cli.stderr);
      const cliWarnings = cli.stderr.split('\n').filter((l) => l.startsWith('WARNING: ')).map((l) => l.slice(9));
      assert.deepEqual(found.warnings.map(maskVolatile), cliWarnings.map(maskVolatile));

      // Merged into a fresh profile, the entries give the file the CLI wrote, byte for byte.
      const file = readFileSync(path.join(cli.configDir, 'azureProfile.json'), 'utf8');
      const written = wasm.parseProfile(file);
      assert.equal(wasm.serializeProfile(written), file);
      const { profile, defaultId } = wasm.mergeSubscriptions(
        { subscriptions: [], installationId: written.installationId }, found.subscriptions);
      assert.equal(defaultId, 'c0000001-0000-4000-8000-000000000001');
      assert.equal(wasm.serializeProfile(profile), file);
    } finally {
      emu.stop();
      if (cli) rmSync(cli.tmp, { recursive: true, force: true });
    }
  });
}

test('discovery pages through nextLink (250 subscriptions, 100 a page)', async () => {
  const paging = scenario('paging');
  const emu = await startEmulator(paging);
  try {
    const tokens = await signIn(emu.url);
    const found = await wasm.discoverSubscriptions({
      refreshToken: tokens.refreshToken, username: tokens.account.username, cloud: cloudOf(emu.url), concurrency: 2,
    });
    const expected = paging.tenants[0].subscriptions;
    assert.equal(expected.length, 250);
    assert.deepEqual(found.subscriptions.map((s) => s.id), expected.map((s) => s.id));
    assert.deepEqual(found.subscriptions.map((s) => s.state), expected.map((s) => s.state));
    assert.deepEqual(found.warnings, []);
    const pages = (await emu.requests()).filter((r) => r.method === 'GET' && r.path === '/subscriptions');
    assert.equal(pages.length, 3);
    assert.ok(pages.every((p) => p.status === 200));
  } finally {
    emu.stop();
  }
});

test('discovery with an ARM token only lists its own tenant\'s subscriptions, names the others, and aborts on the signal', async () => {
  const emu = await startEmulator();
  try {
    const tokens = await signIn(emu.url);
    const home = wasm.decodeTokenClaims(tokens.accessToken).tid;
    assert.equal(home, CONTOSO);
    // Without a refresh token, only the tenant the token was issued for can be read; the others
    // are named, as data, and no token is asked for.
    const before = (await emu.requests()).length;
    const found = await wasm.discoverSubscriptions({
      armToken: tokens.accessToken, username: tokens.account.username, cloud: cloudOf(emu.url),
    });
    assert.deepEqual(found.tenants.map((t) => t.tenantId), [CONTOSO, FABRIKAM, WOODGROVE]);
    const contoso = scenario('default').tenants[0].subscriptions.map((s) => s.id);
    assert.deepEqual(found.subscriptions.map((s) => s.id), contoso);
    assert.ok(found.subscriptions.every((s) => s.tenantId === CONTOSO && s.environmentName === 'Emulator'));
    assert.deepEqual(found.failedTenants, []);
    assert.deepEqual(found.emptyTenants, []);
    assert.deepEqual(found.tenantsNeedingRefreshToken.map((t) => t.tenantId), [FABRIKAM, WOODGROVE]);
    assert.deepEqual(found.warnings, [
      'A refresh token is needed to list the subscriptions of the following tenants: an ARM access token lists only those of the tenant it was issued for.',
      `${FABRIKAM} 'Fabrikam Empty'`,
      `${WOODGROVE} 'Woodgrove MFA'`,
    ]);
    const sent = (await emu.requests()).slice(before);
    assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), ['GET /tenants', 'GET /subscriptions']);

    const controller = new AbortController();
    const pending = wasm.discoverSubscriptions({
      refreshToken: tokens.refreshToken, cloud: cloudOf(emu.url), signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(pending, (e) => e.code === 'cancelled');
  } finally {
    emu.stop();
  }
});
