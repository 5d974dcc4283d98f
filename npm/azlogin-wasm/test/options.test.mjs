// Options are read by the core: unknown keys are refused naming the closest known one, MSAL's
// and @azure/identity's spellings are accepted, az's login rules apply (parseLogin), and
// `authority` sends the device-code flow to that host and nowhere else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator.mjs';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const USER = 'user@contoso.example';

function usage(fn, text) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'AzLoginError');
    assert.equal(e.code, 'usage_error', e.message);
    if (text instanceof RegExp) assert.match(e.message, text);
    else assert.equal(e.message, text);
    return true;
  });
}

async function rejectsUsage(promise, text) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.code, 'usage_error', e.message);
    assert.match(e.message, text);
    return true;
  });
}

test('DeviceCodeFlow({ authority }) signs in at that authority and sends nothing elsewhere', async () => {
  const emu = await startEmulator();
  try {
    const sent = [];
    const recording = (url, init) => {
      sent.push(url);
      return fetch(url, init);
    };
    const flow = new wasm.DeviceCodeFlow({ authority: `${emu.url}/organizations`, fetch: recording });
    const start = await flow.start();
    assert.equal(start.verificationUri, `${emu.url}/devicelogin`);
    const tokens = await flow.waitForToken();
    assert.equal(tokens.account.username, USER);
    assert.equal(tokens.account.tenantId, CONTOSO);
    assert.ok(sent.length >= 2, sent.join('\n'));
    assert.deepEqual(sent.filter((u) => !u.startsWith(`${emu.url}/organizations/`)), [], 'every request went to the authority');
    const seen = (await emu.requests()).filter((r) => !r.path.startsWith('/_emulator'));
    assert.equal(seen.length, sent.length, 'the emulator saw every request sent');
  } finally {
    emu.stop();
  }
});

test('authorityHost and tenantId are loginEndpoint and tenant', async () => {
  const emu = await startEmulator();
  try {
    const sent = [];
    const flow = new wasm.DeviceCodeFlow({
      authorityHost: emu.url,
      tenantId: CONTOSO,
      fetch: (url, init) => (sent.push(url), fetch(url, init)),
    });
    await flow.start();
    await flow.waitForToken();
    assert.ok(sent.every((u) => u.startsWith(`${emu.url}/${CONTOSO}/`)), sent.join('\n'));
    const steps = new wasm.DeviceCodeSteps({ authority: `${emu.url}/${CONTOSO}` });
    assert.equal(steps.nextRequest(Date.now()).url, `${emu.url}/${CONTOSO}/oauth2/v2.0/devicecode`);
  } finally {
    emu.stop();
  }
});

test('unknown keys are refused naming the closest known one, nested ones too', async () => {
  usage(() => new wasm.DeviceCodeFlow({ tenantID: 't' }), 'Unknown option `tenantID`: did you mean `tenantId`?');
  usage(() => new wasm.DeviceCodeSteps({ autority: 'https://login.microsoftonline.com/organizations' }), 'Unknown option `autority`: did you mean `authority`?');
  usage(() => new wasm.DeviceCodeSteps({ cloud: { loginEndpont: 'x' } }), 'Unknown option `loginEndpont` in `cloud`: did you mean `loginEndpoint`?');
  usage(() => new wasm.DeviceCodeSteps({ fetch: () => {} }), /Unknown option `fetch`/);
  const flow = new wasm.DeviceCodeFlow({ fetch: () => Promise.reject(new Error('no request expected')) });
  await rejectsUsage(flow.waitForToken({ signl: null }), /did you mean `signal`\?/);
  await rejectsUsage(wasm.acquireTokenForClient({ tenant: 't', clientID: 'c', secret: 's' }), /`clientID`: did you mean `clientId`\?/);
  await rejectsUsage(wasm.acquireTokenForClient({ tenant: 't', clientId: 'c', certificate: { pem: 'x', useCertSNIssuer: true } }), /in `certificate`: did you mean `useCertSnIssuer`\?/);
  await rejectsUsage(wasm.discoverSubscriptions({ refreshTokn: 'r' }), /did you mean `refreshToken`\?/);
});

test('two spellings that disagree are refused, before any request', async () => {
  let requests = 0;
  const fetch = () => {
    requests += 1;
    return Promise.reject(new Error('no request expected'));
  };
  usage(() => new wasm.DeviceCodeFlow({ tenant: 'a', tenantId: 'b', fetch }), /`tenant` and `tenantId`/);
  usage(() => new wasm.DeviceCodeFlow({ loginEndpoint: 'https://a.example', authorityHost: 'https://b.example', fetch }), /`loginEndpoint` and `authorityHost`/);
  usage(() => new wasm.DeviceCodeFlow({ authority: 'https://a.example/organizations', loginEndpoint: 'https://b.example', fetch }), /`authority` and `loginEndpoint`/);
  usage(() => new wasm.DeviceCodeFlow({ authority: 'https://a.example/contoso', tenant: 'fabrikam', fetch }), /`authority` and `tenant`/);
  usage(() => new wasm.DeviceCodeFlow({ authority: 'https://a.example', fetch }), /`authority` must be a login endpoint and a tenant/);
  await rejectsUsage(wasm.acquireTokenForClient({ tenant: 't', clientId: 'c', secret: 's', federatedToken: 'f', fetch }), /exactly one/);
  assert.equal(requests, 0);
});

test("parseLogin applies each of az's rules in az's words", () => {
  const cases = [
    [{ managedIdentity: {}, tenant: CONTOSO }, "usage error: '--identity' is not applicable with other arguments"],
    [{ managedIdentity: {}, username: 'u' }, 'Passing the managed identity ID with --username is no longer supported. Use --client-id, --object-id or --resource-id instead.'],
    [{ useDeviceCode: true, username: 'u', password: 'p' }, "usage error: '--use-device-code' is not applicable with other arguments"],
    [{ servicePrincipal: { secret: 's' }, tenant: CONTOSO }, 'usage error: --service-principal --username NAME --password SECRET --tenant TENANT'],
    [{ useDeviceCode: true, skipSubscriptionDiscovery: true }, "usage error: '--skip-subscription-discovery' requires '--tenant'"],
    [
      { useDeviceCode: true, tenant: CONTOSO, skipSubscriptionDiscovery: true, subscription: 'Contoso Dev' },
      "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.",
    ],
    [{ username: 'u' }, 'Please specify both username and password in non-interactive mode.'],
    [{ servicePrincipal: { clientId: 'app' }, tenant: CONTOSO }, 'Please specify both username and password in non-interactive mode.'],
    [{ tenantID: CONTOSO }, 'Unknown option `tenantID`: did you mean `tenantId`?'],
  ];
  for (const [options, text] of cases) usage(() => wasm.parseLogin(options), text);
  // The kinds a page cannot run.
  for (const options of [{ method: 'browser' }, { username: 'u', password: 'p' }, { managedIdentity: {} }]) {
    usage(() => wasm.parseLogin(options), /cannot run in a browser/);
  }
  assert.deepEqual(wasm.parseLogin({ tenantId: CONTOSO }), {
    kind: 'deviceCode',
    clientId: null,
    tenant: CONTOSO,
    subscription: null,
    skipSubscriptionDiscovery: false,
    authorityHost: null,
  });
  // MSAL's authority is a login endpoint and a tenant, as in the other wasm entry points.
  const byAuthority = wasm.parseLogin({ authority: `https://login.example/${CONTOSO}` });
  assert.equal(byAuthority.authorityHost, 'https://login.example');
  assert.equal(byAuthority.tenant, CONTOSO);
  assert.equal(wasm.parseLogin({ servicePrincipal: { clientId: 'app', federatedToken: 'jwt' }, tenant: CONTOSO }).kind, 'servicePrincipal');
});

test('errorCodes() is the core list, and the .d.ts union is the same list', () => {
  const codes = wasm.errorCodes();
  assert.ok(codes.includes('usage_error') && codes.length > 10, codes.join());
  for (const dts of ['pkg/node/azlogin_wasm.d.ts', 'pkg/web/azlogin_wasm.d.ts']) {
    const text = readFileSync(path.join(pkgDir, dts), 'utf8');
    const union = text.match(/export type AzLoginErrorCode =([^;]+);/)[1];
    assert.deepEqual([...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]), codes, dts);
  }
});
