// The pure pieces over the nodejs build: no network, no emulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const golden = readFileSync(
  new URL('../../../tests/golden/az-password-login/azureProfile.json', import.meta.url),
  'utf8',
);

const b64url = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

test('decodeTokenClaims reads the payload and rejects non-JWTs with usage_error', () => {
  const jwt = `${b64url({ alg: 'none' })}.${b64url({ tid: 't1', upn: 'u@x', n: 1 })}.sig`;
  assert.deepEqual(wasm.decodeTokenClaims(jwt), { tid: 't1', upn: 'u@x', n: 1 });
  assert.throws(() => wasm.decodeTokenClaims('nope'), (e) => e instanceof Error && e.code === 'usage_error');
});

test('parseProfile then serializeProfile gives the CLI bytes back', () => {
  const profile = wasm.parseProfile(golden);
  assert.equal(profile.subscriptions.length > 0, true);
  assert.equal(wasm.serializeProfile(profile), golden);
  assert.throws(() => wasm.parseProfile('[1]'), (e) => e.code === 'corrupt_file');
});

test('mergeSubscriptions keeps the previous default when found again', () => {
  const profile = wasm.parseProfile(golden);
  const previous = profile.subscriptions.find((s) => s.isDefault);
  const again = structuredClone(profile.subscriptions).reverse();
  const { profile: merged, defaultId } = wasm.mergeSubscriptions(profile, again);
  assert.equal(defaultId, previous.id);
  assert.equal(merged.subscriptions.filter((s) => s.isDefault).length, 1);
});

test('SubscriptionSelector numbers, filters and chooses as the CLI does', () => {
  const { subscriptions } = wasm.parseProfile(golden);
  const sel = new wasm.SubscriptionSelector(subscriptions);
  const rows = sel.rows();
  assert.equal(rows.length, subscriptions.length);
  assert.deepEqual(rows.map((r) => r.number), rows.map((_, i) => i + 1));
  assert.equal(rows.filter((r) => r.isDefault).length, 1);
  assert.match(sel.render(), /Contoso/);
  assert.equal(sel.choose('0').kind, 'invalid');
  assert.equal(sel.choose('zzz-no-such').kind, 'noMatch');
  const picked = sel.choose('1');
  assert.equal(picked.kind, 'selected');
  assert.equal(picked.chosen.number, 1);
  assert.equal(sel.choose('').kind, 'keep');
  assert.throws(() => new wasm.SubscriptionSelector([]), (e) => e.code === 'usage_error');
});

test('DeviceCodeSteps: authorize, pending, slow_down, tokens', () => {
  const flow = new wasm.DeviceCodeSteps({ loginEndpoint: 'https://login.example', tenant: 't1' });
  const first = flow.nextRequest(0);
  assert.equal(first.method, 'POST');
  assert.equal(first.url, 'https://login.example/t1/oauth2/v2.0/devicecode');
  assert.equal(first.headers['Content-Type'], 'application/x-www-form-urlencoded');
  const started = flow.handleResponse({
    status: 200,
    body: JSON.stringify({ user_code: 'ABCD', device_code: 'DC', verification_uri: 'https://v', expires_in: 900, interval: 5 }),
  }, 1000);
  assert.equal(started.start.userCode, 'ABCD');
  assert.equal(started.start.expiresOn, 901000);
  assert.equal(started.wait, 5000);
  const poll = flow.nextRequest(6000);
  assert.match(poll.body, /grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code/);
  const err = (error) => ({ status: 400, body: JSON.stringify({ error, error_description: `AADSTS1: ${error}`, error_codes: [1] }) });
  assert.deepEqual(flow.handleResponse(err('authorization_pending'), 6000), { wait: 5000 });
  assert.deepEqual(flow.handleResponse(err('slow_down'), 11000), { wait: 10000 });
  const done = flow.handleResponse({ status: 200, body: JSON.stringify({ access_token: 'a.b.c', token_type: 'Bearer', expires_in: 3600 }) }, 21000);
  assert.equal(done.done.accessToken, 'a.b.c');
  assert.equal(done.done.expiresOn, 21 + 3600);
});

test('DeviceCodeSteps: terminal errors carry the core codes', () => {
  const flow = new wasm.DeviceCodeSteps();
  flow.handleResponse({ status: 200, body: JSON.stringify({ user_code: 'A', device_code: 'D', verification_uri: 'https://v', expires_in: 10, interval: 5 }) }, 0);
  assert.throws(
    () => flow.handleResponse({ status: 400, body: JSON.stringify({ error: 'authorization_declined', error_description: 'AADSTS70000: no', error_codes: [70000], correlation_id: 'c1' }) }, 1),
    (e) => e.code === 'authorization_declined' && e.aadstsCodes[0] === 70000 && e.correlationId === 'c1',
  );
  const late = new wasm.DeviceCodeSteps();
  late.handleResponse({ status: 200, body: JSON.stringify({ user_code: 'A', device_code: 'D', verification_uri: 'https://v', expires_in: 10, interval: 5 }) }, 0);
  assert.throws(() => late.nextRequest(10_000), (e) => e.code === 'device_code_expired');
});
