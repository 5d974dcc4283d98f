// Options are parsed by the core: az's login rules and unknown keys are refused with
// `usage_error` before any request, with the config dir as it was; MSAL's and
// @azure/identity's spellings are accepted; the error codes are the core's list.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as azlogin from '../index.mjs';
import * as h from './helpers.mjs';

const { AzLoginCredential, clearAccounts, errorCodes, getAccessToken, listAccounts, login, logout, setAccount, showAccount, startEmulator } =
  azlogin;

const GUID = 'c0000001-0000-4000-8000-000000000001';

/** The config dir's files and their bytes. */
function snapshot(dir) {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]),
  );
}

/** Calls `start` (after noting the config dir and the emulator's log) and expects a usage_error. */
async function refused(env, start, text) {
  const before = snapshot(env.configDir);
  const requests = (await h.requestLog(env)).length;
  await assert.rejects(start, (e) => {
    assert.equal(e.code, 'usage_error', e.message);
    if (text instanceof RegExp) assert.match(e.message, text);
    else assert.equal(e.message, text);
    return true;
  });
  assert.equal((await h.requestLog(env)).length, requests, 'no request reached the emulator');
  assert.deepEqual(snapshot(env.configDir), before, 'the config dir is as it was');
}

describe('options', () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  const base = () => ({ configDir: env.configDir });

  test("the issue's cases are refused with az's text before any request", async () => {
    const user = () => ({ ...base(), username: h.USER, password: h.PASSWORD });
    await refused(
      env,
      () => login({ ...user(), skipSubscriptionDiscovery: true }),
      "usage error: '--skip-subscription-discovery' requires '--tenant'",
    );
    await refused(
      env,
      () => login({ ...user(), tenant: h.CONTOSO, skipSubscriptionDiscovery: true, subscription: 'Contoso Dev' }),
      "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.",
    );
    await refused(
      env,
      () => login({ ...user(), useDeviceCode: true }),
      "usage error: '--use-device-code' is not applicable with other arguments",
    );
    await refused(
      env,
      () => login({ ...base(), tenant: h.CONTOSO, managedIdentity: {} }),
      "usage error: '--identity' is not applicable with other arguments",
    );
    await refused(env, () => login({ ...user(), tenantID: h.CONTOSO }), 'Unknown option `tenantID`: did you mean `tenantId`?');
  });

  test("each of az's rules, in az's words", async () => {
    const cases = [
      [{ managedIdentity: {}, tenant: h.CONTOSO }, "usage error: '--identity' is not applicable with other arguments"],
      [{ managedIdentity: {}, password: 'p' }, "usage error: '--identity' is not applicable with other arguments"],
      [
        { managedIdentity: {}, servicePrincipal: { clientId: 'app', secret: 's' } },
        "usage error: '--identity' is not applicable with other arguments",
      ],
      [
        { managedIdentity: {}, username: 'u' },
        'Passing the managed identity ID with --username is no longer supported. Use --client-id, --object-id or --resource-id instead.',
      ],
      [{ method: 'deviceCode', username: 'u', password: 'p' }, "usage error: '--use-device-code' is not applicable with other arguments"],
      [
        { useDeviceCode: true, servicePrincipal: { clientId: 'app', secret: 's' } },
        "usage error: '--use-device-code' is not applicable with other arguments",
      ],
      [{ useDeviceCode: true, managedIdentity: {} }, "usage error: '--use-device-code' is not applicable with other arguments"],
      [
        { servicePrincipal: { secret: 's' }, tenant: h.CONTOSO },
        'usage error: --service-principal --username NAME --password SECRET --tenant TENANT',
      ],
      [{ username: 'u', password: 'p', skipSubscriptionDiscovery: true }, "usage error: '--skip-subscription-discovery' requires '--tenant'"],
      [
        { username: 'u', password: 'p', tenant: h.CONTOSO, skipSubscriptionDiscovery: true, subscription: 'Prod' },
        "usage error: '--subscription' must be a subscription ID (GUID), not a name, when combined with '--skip-subscription-discovery'.",
      ],
      [{ username: 'u' }, 'Please specify both username and password in non-interactive mode.'],
      [{ servicePrincipal: { clientId: 'app' }, tenant: h.CONTOSO }, 'Please specify both username and password in non-interactive mode.'],
      [
        { managedIdentity: { clientId: 'a', objectId: 'b' } },
        'Usage error: Provide only one of --client-id, --object-id, --resource-id.',
      ],
      [
        { servicePrincipal: { clientId: 'app', secret: 's', federatedToken: 't' }, tenant: h.CONTOSO },
        'usage error: `servicePrincipal` takes exactly one of `secret`, `certificate` and `federatedToken`',
      ],
    ];
    for (const [options, text] of cases) {
      await refused(env, () => login({ ...base(), ...options }), text);
    }
  });

  test('unknown keys, nested ones too, name the closest known key', async () => {
    await refused(env, () => login({ ...base(), servicePrincipal: { clientID: 'a', secret: 's' } }), /`clientID` in `servicePrincipal`: did you mean `clientId`\?/);
    await refused(env, () => login({ ...base(), managedIdentity: { objectID: 'a' } }), /`objectID` in `managedIdentity`: did you mean `objectId`\?/);
    await refused(env, () => login({ ...base(), onDeviceCod: () => {} }), 'Unknown option `onDeviceCod`: did you mean `onDeviceCode`?');
    await refused(env, () => getAccessToken({ ...base(), scopez: 'x' }), 'Unknown option `scopez`: did you mean `scopes`?');
    await refused(env, () => listAccounts({ ...base(), al: true }), 'Unknown option `al`: did you mean `all`?');
    await refused(env, () => showAccount({ ...base(), subscripton: 'x' }), /did you mean `subscription`\?/);
    await refused(env, () => setAccount({ ...base(), subscription: 'x', configdir: 'y' }), /did you mean `configDir`\?/);
    await refused(env, () => logout({ ...base(), user: 'x' }), /Unknown option `user`/);
    await refused(env, () => clearAccounts({ ...base(), force: true }), /Unknown option `force`/);
    assert.throws(() => new AzLoginCredential({ ...base(), tenantID: 't' }), (e) => {
      assert.equal(e.code, 'usage_error');
      assert.match(e.message, /did you mean `tenantId`\?/);
      return true;
    });
    await assert.rejects(startEmulator({ latency: 1 }), (e) => e.code === 'usage_error' && /`latencyMs`/.test(e.message));
  });

  test('two spellings that disagree are refused', async () => {
    await refused(env, () => login({ ...base(), username: 'u', password: 'p', tenant: 'a', tenantId: 'b' }), /`tenant` and `tenantId`/);
    await refused(env, () => login({ ...base(), method: 'browser', useDeviceCode: true }), /`method` and `useDeviceCode`/);
    await refused(env, () => getAccessToken({ ...base(), scope: 'a', scopes: ['b'] }), /`scopes` and `scope`/);
  });

  test('tenantId logs in to that one tenant; getAccessToken honours scope and tenantId', async () => {
    const subs = await login({ ...base(), username: h.USER, password: h.PASSWORD, tenantId: h.CONTOSO });
    assert.deepEqual([...new Set(subs.map((s) => s.tenantId))], [h.CONTOSO]);
    const scope = 'https://graph.example/.default';
    const token = await getAccessToken({ ...base(), scope });
    const claims = JSON.parse(Buffer.from(token.token.split('.')[1], 'base64url').toString());
    assert.match(claims.aud, /^https:\/\/graph\.example/, JSON.stringify(claims));
    const arm = await getAccessToken(base());
    assert.notEqual(arm.token, token.token);
    const other = await getAccessToken({ ...base(), tenantId: h.CONTOSO, scope });
    assert.equal(other.tenant, h.CONTOSO);
  });

  test('a skip with a subscription GUID passes the checks', async () => {
    const subs = await login({ ...base(), username: h.USER, password: h.PASSWORD, tenant: h.CONTOSO, skipSubscriptionDiscovery: true, subscription: h.CONTOSO_SUBS[0] });
    assert.deepEqual(
      subs.map((s) => s.id),
      [h.CONTOSO_SUBS[0]],
    );
    assert.notEqual(GUID, undefined);
  });
});

test('errorCodes() is the core list, and the .d.ts union is the same list', () => {
  const codes = errorCodes();
  assert.ok(codes.includes('usage_error') && codes.length > 10, codes.join());
  const dts = fs.readFileSync(path.join(h.packageDir, 'index.d.ts'), 'utf8');
  const union = dts.match(/export type AzLoginErrorCode =([^;]+);/)[1];
  const typed = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual(typed, codes);
});
