// DeviceCodeFlow over an injected fetch-compatible function.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

/** A fetch that answers from a list, recording each request. */
function scripted(answers) {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url, ...init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return new Response(JSON.stringify(next.body), { status: next.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, seen };
}

const authorization = (interval = 1) => ({
  body: { user_code: 'ABCD', device_code: 'DC', verification_uri: 'https://v', expires_in: 60, interval, message: 'Go to https://v' },
});
const pending = { status: 400, body: { error: 'authorization_pending', error_description: 'AADSTS70016: pending', error_codes: [70016] } };

test('start then waitForToken polls through the caller fetch', async () => {
  const { fetch, seen } = scripted([
    authorization(),
    pending,
    {
      body: {
        access_token: 'a.b.c', refresh_token: 'r', token_type: 'Bearer', expires_in: 3600,
        id_token: `e30.${Buffer.from(JSON.stringify({ preferred_username: 'u@x', tid: 't1' })).toString('base64url')}.s`,
        client_info: Buffer.from(JSON.stringify({ uid: 'u1', utid: 't1' })).toString('base64url'),
      },
    },
  ]);
  const flow = new wasm.DeviceCodeFlow({ loginEndpoint: 'https://login.example', tenant: 't1', fetch });
  const start = await flow.start();
  assert.equal(start.userCode, 'ABCD');
  assert.equal(start.message, 'Go to https://v');
  const tokens = await flow.waitForToken();
  assert.equal(tokens.accessToken, 'a.b.c');
  assert.equal(tokens.refreshToken, 'r');
  assert.deepEqual(tokens.account, { username: 'u@x', homeAccountId: 'u1.t1', tenantId: 't1' });
  assert.equal(seen.length, 3);
  assert.equal(seen[0].url, 'https://login.example/t1/oauth2/v2.0/devicecode');
  assert.equal(seen[1].url, 'https://login.example/t1/oauth2/v2.0/token');
  assert.equal(seen[1].headers['Content-Type'], 'application/x-www-form-urlencoded');
});

test('an AbortSignal cancels the wait with code cancelled', async () => {
  const { fetch } = scripted([authorization(30), pending, pending]);
  const flow = new wasm.DeviceCodeFlow({ fetch });
  await flow.start();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(flow.waitForToken({ signal: controller.signal }), (e) => e.code === 'cancelled');
});

test('a failing transport is a transport_error; waitForToken before start is a usage_error', async () => {
  const flow = new wasm.DeviceCodeFlow({ fetch: async () => { throw new TypeError('network down'); } });
  await assert.rejects(flow.start(), (e) => e.code === 'transport_error' && /network down/.test(e.message));
  await assert.rejects(new wasm.DeviceCodeFlow({ fetch: async () => {} }).waitForToken(), (e) => e.code === 'usage_error');
});
