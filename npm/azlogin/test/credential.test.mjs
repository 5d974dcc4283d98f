// AzLoginCredential: the in-memory cache, noticing file changes, tenants and claims, and a real
// Azure SDK client over TLS.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AzLoginCredential, clearAccounts, login } from '../index.mjs';
import * as h from './helpers.mjs';

describe('AzLoginCredential', () => {
  let env;
  let scope;
  before(async () => {
    env = await h.testEnv();
    scope = `${env.url}//.default`;
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
  });
  after(() => env.close());

  test('getToken: core-auth AccessToken, then the same object from memory', async () => {
    const credential = new AzLoginCredential({ configDir: env.configDir });
    const first = await credential.getToken(scope);
    assert.equal(first.tokenType, 'Bearer');
    assert.ok(first.expiresOnTimestamp > Date.now());
    assert.ok(first.refreshAfterTimestamp > Date.now() && first.refreshAfterTimestamp < first.expiresOnTimestamp);
    assert.equal(await credential.getToken([scope]), first);
  });

  test('tenantId asks for another tenant; claims force a refresh', async () => {
    const credential = new AzLoginCredential({ configDir: env.configDir });
    const home = await credential.getToken(scope);
    const other = await credential.getToken(scope, { tenantId: h.FABRIKAM });
    assert.notEqual(other.token, home.token);
    const before = await h.grants(env, 'refresh_token');
    const claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}';
    const challenged = await credential.getToken(scope, { claims });
    assert.notEqual(challenged, home);
    assert.equal(await h.grants(env, 'refresh_token'), before + 1);
  });

  test('notices when the files change (here: the accounts are cleared)', async () => {
    const credential = new AzLoginCredential({ configDir: env.configDir });
    await credential.getToken(scope);
    await clearAccounts({ configDir: env.configDir });
    await assert.rejects(credential.getToken(scope), { code: 'no_account' });
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
    assert.ok((await credential.getToken(scope)).token);
  });

  test('an aborted signal rejects with cancelled', async () => {
    const credential = new AzLoginCredential({ configDir: env.configDir });
    await assert.rejects(credential.getToken('https://other.example/.default', { abortSignal: AbortSignal.abort() }), {
      code: 'cancelled',
    });
  });
});

// Under Wine 8 the core's HTTPS client cannot trust an extra CA (crypt32 answers E_INVALIDARG).
const noCustomCa = h.underWine && "under Wine: no HTTPS client with the emulator's CA (crypt32: E_INVALIDARG)";

describe('a real Azure SDK client over TLS', { skip: noCustomCa }, () => {
  let env;
  before(async () => {
    env = await h.testEnv({ tls: true });
    process.env.REQUESTS_CA_BUNDLE = env.emulator.caCertPath;
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
  });
  after(async () => {
    delete process.env.REQUESTS_CA_BUNDLE;
    await env.close();
  });

  test('@azure/arm-subscriptions lists the subscriptions with AzLoginCredential', async () => {
    assert.match(env.url, /^https:\/\/localhost:\d+$/);
    const script = path.join(h.packageDir, 'test/fixtures/list-subscriptions.mjs');
    const r = await h.run(
      process.execPath,
      [script, env.url],
      env.vars({ NODE_EXTRA_CA_CERTS: env.emulator.caCertPath, REQUESTS_CA_BUNDLE: env.emulator.caCertPath }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      { id: h.CONTOSO_SUBS[0], name: 'Contoso Production' },
      { id: h.CONTOSO_SUBS[1], name: 'Contoso Dev' },
    ]);
  });
});
