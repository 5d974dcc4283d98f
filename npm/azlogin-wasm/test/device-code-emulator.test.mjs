// DeviceCodeFlow and DeviceCodeSteps against the real emulator over loopback (the host's fetch):
// success, slow_down, expiry, cancel and decline, with the core's error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { scenario, startEmulator } from './emulator.mjs';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const USER = 'user@contoso.example';
const CONTOSO = '11111111-1111-4111-8111-111111111111';
const OID = 'aaaaaaaa-0000-4000-8000-000000000001';

/** The default scenario where nobody approves codes unless the test does. */
function manualScenario(deviceCode = {}) {
  const s = scenario('default');
  s.device_code = { interval: 1, expires_in: 900, ...deviceCode };
  return s;
}

const tokenPolls = async (emu) =>
  (await emu.requests()).filter((r) => r.path.endsWith('/oauth2/v2.0/token'));

test('device code to tokens, account and claims', async () => {
  const emu = await startEmulator();
  try {
    const flow = new wasm.DeviceCodeFlow({ loginEndpoint: emu.url });
    const before = Date.now();
    const start = await flow.start();
    assert.match(start.userCode, /^[A-HJ-NP-Z2-9]{9}$/);
    assert.equal(start.verificationUri, `${emu.url}/devicelogin`);
    assert.equal(start.message,
      `To sign in, use a web browser to open the page ${emu.url}/devicelogin and enter the code ${start.userCode} to authenticate.`);
    assert.ok(start.expiresOn >= before + 900_000 && start.expiresOn <= Date.now() + 900_000);

    const tokens = await flow.waitForToken();
    assert.deepEqual(tokens.account, { username: USER, homeAccountId: `${OID}.${CONTOSO}`, tenantId: CONTOSO });
    assert.equal(tokens.tokenType, 'Bearer');
    assert.ok(tokens.refreshToken && tokens.idToken);
    assert.ok(tokens.expiresOn > Date.now() / 1000 + 3000);
    const claims = wasm.decodeTokenClaims(tokens.accessToken);
    assert.equal(claims.tid, CONTOSO);
    assert.equal(claims.oid, OID);
    assert.equal(claims.aud, 'https://management.core.windows.net/');
    assert.equal(claims.upn, USER);
    assert.deepEqual(claims.xms_cc, ['CP1']);
    assert.equal(wasm.decodeTokenClaims(tokens.idToken).preferred_username, USER);

    // One pending answer, then tokens; the flow waited the interval between polls.
    const polls = await tokenPolls(emu);
    assert.deepEqual(polls.map((p) => p.status), [400, 200]);
    assert.ok(polls[1].timestamp - polls[0].timestamp >= 900, JSON.stringify(polls));
    assert.ok(polls.every((p) => p.tenant === 'organizations' && p.grant_type === 'urn:ietf:params:oauth:grant-type:device_code'));
  } finally {
    emu.stop();
  }
});

test('slow_down makes the flow wait five seconds more', { timeout: 30_000 }, async () => {
  const emu = await startEmulator();
  try {
    const polls = [];
    let doubled = false;
    // A caller's fetch that polls the same code once more just before the flow's first poll,
    // so the emulator sees the flow's poll come too early and answers slow_down.
    const eager = async (url, init) => {
      const isPoll = url.endsWith('/oauth2/v2.0/token');
      if (isPoll && !doubled) {
        doubled = true;
        await fetch(url, init);
      }
      const response = await fetch(url, init);
      if (isPoll) {
        const body = await response.clone().json();
        polls.push({ at: Date.now(), error: body.error ?? null });
      }
      return response;
    };
    const flow = new wasm.DeviceCodeFlow({ loginEndpoint: emu.url, fetch: eager });
    await flow.start();
    const tokens = await flow.waitForToken();
    assert.equal(tokens.account.username, USER);
    assert.deepEqual(polls.map((p) => p.error), ['slow_down', null]);
    // interval 1 s + 5 s for slow_down (RFC 8628), less the emulator's 100 ms leniency.
    assert.ok(polls[1].at - polls[0].at >= 5_900, `${polls[1].at - polls[0].at} ms`);
  } finally {
    emu.stop();
  }
});

test('an unapproved code expires with device_code_expired and the polling stops', { timeout: 30_000 }, async () => {
  const emu = await startEmulator(manualScenario({ expires_in: 3 }));
  try {
    const flow = new wasm.DeviceCodeFlow({ loginEndpoint: emu.url });
    const start = await flow.start();
    await assert.rejects(flow.waitForToken(), (e) => {
      assert.equal(e.name, 'AzLoginError');
      assert.equal(e.code, 'device_code_expired');
      return true;
    });
    assert.ok(Date.now() >= start.expiresOn - 1_100);
    const count = (await tokenPolls(emu)).length;
    assert.ok(count >= 1 && count <= 4, `${count} polls`);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await tokenPolls(emu)).length, count);
  } finally {
    emu.stop();
  }
});

test('aborting the signal rejects with cancelled and stops polling', { timeout: 30_000 }, async () => {
  const emu = await startEmulator(manualScenario());
  try {
    const flow = new wasm.DeviceCodeFlow({ loginEndpoint: emu.url });
    await flow.start();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    await assert.rejects(flow.waitForToken({ signal: controller.signal }), (e) => e.code === 'cancelled');
    const count = (await tokenPolls(emu)).length;
    assert.ok(count >= 1, `${count} polls`);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await tokenPolls(emu)).length, count);
  } finally {
    emu.stop();
  }
});

test('a declined code rejects with authorization_declined and the Entra details', async () => {
  const emu = await startEmulator(manualScenario());
  try {
    const flow = new wasm.DeviceCodeFlow({ loginEndpoint: emu.url, tenant: CONTOSO });
    const start = await flow.start();
    await emu.settle(start.userCode, 'decline');
    await assert.rejects(flow.waitForToken(), (e) => {
      assert.equal(e.code, 'authorization_declined');
      assert.equal(e.error, 'authorization_declined');
      assert.ok(Array.isArray(e.aadstsCodes) && e.aadstsCodes.length > 0, String(e.aadstsCodes));
      assert.match(e.correlationId, /^[0-9a-f-]{36}$/);
      assert.ok(!e.message.includes(start.userCode));
      return true;
    });
  } finally {
    emu.stop();
  }
});

test('DeviceCodeSteps over the host fetch: a real slow_down, then tokens once approved', async () => {
  const emu = await startEmulator(manualScenario());
  try {
    const flow = new wasm.DeviceCodeSteps({ loginEndpoint: emu.url, tenant: CONTOSO });
    const send = async () => {
      const r = flow.nextRequest();
      const response = await fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
      return flow.handleResponse({
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      });
    };
    const started = await send();
    assert.equal(started.wait, 1_000);
    assert.deepEqual(await send(), { wait: 1_000 }); // pending
    assert.deepEqual(await send(), { wait: 6_000 }); // polled at once: slow_down
    await emu.settle(started.start.userCode);
    await new Promise((r) => setTimeout(r, 1_100));
    const { done } = await send();
    assert.equal(done.account.username, USER);
    assert.equal(wasm.decodeTokenClaims(done.accessToken).tid, CONTOSO);
    assert.throws(() => flow.nextRequest(), (e) => e.code === 'usage_error');
  } finally {
    emu.stop();
  }
});

test('error codes are the Node addon\'s', () => {
  const union = (text) => new Set([...text.matchAll(/\|\s*'([a-z_]+)'/g)].map((m) => m[1]));
  const node = union(readFileSync(new URL('../../azlogin/index.d.ts', import.meta.url), 'utf8')
    .split('export type AzLoginErrorCode =')[1].split(';')[0]);
  const ours = union(readFileSync(new URL('../pkg/node/azlogin_wasm.d.ts', import.meta.url), 'utf8')
    .split('export type AzLoginErrorCode =')[1].split(';')[0]);
  assert.ok(node.size >= 19);
  assert.deepEqual([...ours].sort(), [...node].sort());
  // The codes the tests above and these calls observe are all in the Node addon's list.
  for (const [call, code] of [
    [() => wasm.decodeTokenClaims('x'), 'usage_error'],
    [() => wasm.parseProfile('{"subscriptions": 3}'), 'corrupt_file'],
    [() => new wasm.DeviceCodeSteps({ tenant: 5 }), 'usage_error'],
  ]) {
    assert.throws(call, (e) => e.code === code && node.has(e.code) && e.name === 'AzLoginError');
  }
});
