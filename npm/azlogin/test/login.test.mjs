// login() against the emulator: every mode, events, cancellation, timeout, errors.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { login } from '../index.mjs';
import * as h from './helpers.mjs';

describe('login', () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  test('password: resolves to camelCase subscriptions, reports progress and warnings', async () => {
    const progress = [];
    const warnings = [];
    const subs = await login({
      username: h.USER,
      password: h.PASSWORD,
      configDir: env.configDir,
      onProgress: (p) => progress.push(p),
      onWarning: (w) => warnings.push(w),
    });
    assert.deepEqual(
      subs.map((s) => s.id),
      h.CONTOSO_SUBS,
    );
    const [first] = subs;
    assert.equal(first.isDefault, true);
    assert.equal(first.tenantId, h.CONTOSO);
    assert.equal(first.cloudName, h.CLOUD);
    assert.deepEqual(first.user, { name: h.USER, type: 'user' });
    assert.equal(first.tenantDisplayName, 'Contoso');
    assert.deepEqual(progress.at(-1), { tenantsDone: 3, tenantsTotal: 3, subscriptionsFound: 2 });
    assert.ok(warnings.some((w) => w.includes('AADSTS50076')), warnings.join('\n'));
    const profile = env.readJson('azureProfile.json');
    assert.equal(profile.subscriptions.length, 2);
  });

  test('device code: onDeviceCode gets the code, URL, message and expiry', async () => {
    let info;
    const subs = await login({ configDir: env.configDir, onDeviceCode: (i) => (info = i) });
    assert.equal(subs.length, 2);
    assert.match(info.userCode, /^[A-Z0-9]+$/);
    assert.equal(info.verificationUri, `${env.url}/devicelogin`);
    assert.ok(info.message.includes(info.userCode) && info.message.includes(info.verificationUri));
    assert.equal(info.expiresIn, 900);
    assert.ok(Math.abs(info.expiresOnTimestamp - (Date.now() + 900_000)) < 60_000);
    assert.ok((await h.grants(env, h.DEVICE_GRANT)) >= 1);
  });

  test('tenant, subscription and skipSubscriptionDiscovery pass through', async () => {
    const subs = await login({
      username: h.USER,
      password: h.PASSWORD,
      tenant: 'contoso.example',
      subscription: 'Contoso Dev',
      configDir: env.configDir,
    });
    assert.deepEqual(
      subs.filter((s) => s.isDefault).map((s) => s.id),
      [h.CONTOSO_SUBS[1]],
    );
    const bare = await login({
      username: h.USER,
      password: h.PASSWORD,
      tenant: h.FABRIKAM,
      skipSubscriptionDiscovery: true,
      configDir: env.configDir,
    });
    assert.equal(bare.length, 1);
    assert.equal(bare[0].id, h.FABRIKAM);
    assert.equal(bare[0].name, 'N/A(tenant level account)');
  });

  test('allowNoSubscriptions keeps a tenant without subscriptions', async () => {
    const subs = await login({
      username: h.USER,
      password: h.PASSWORD,
      tenant: h.FABRIKAM,
      allowNoSubscriptions: true,
      configDir: env.configDir,
    });
    assert.deepEqual(
      subs.map((s) => s.id),
      [h.FABRIKAM],
    );
  });

  test('MFA tenant: mfa_required with AADSTS codes, ids and the recommendation; no password', async () => {
    await assert.rejects(
      login({ username: h.USER, password: h.PASSWORD, tenant: h.WOODGROVE, configDir: env.configDir }),
      (e) => {
        assert.equal(e.name, 'AzLoginError');
        assert.equal(e.code, 'mfa_required');
        assert.deepEqual(e.aadstsCodes, [50076]);
        assert.match(e.correlationId, /^[0-9a-f-]{36}$/);
        assert.match(e.traceId, /^[0-9a-f-]{36}$/);
        assert.ok(e.message.startsWith('AADSTS50076:'), e.message);
        assert.ok(e.message.includes('\naz login'), e.message);
        assert.ok(!e.message.includes(h.PASSWORD));
        return true;
      },
    );
  });

  test('a wrong password is server_error with the AADSTS code and no password in the message', async () => {
    await assert.rejects(
      login({ username: h.USER, password: 'wrong-secret-9', configDir: env.configDir }),
      (e) => {
        assert.equal(e.code, 'server_error');
        assert.deepEqual(e.aadstsCodes, [50126]);
        assert.ok(!e.message.includes('wrong-secret-9'));
        return true;
      },
    );
  });

  test('an unknown method and a missing password are usage errors', async () => {
    await assert.rejects(login({ method: 'carrier-pigeon', configDir: env.configDir }), { code: 'usage_error' });
    await assert.rejects(login({ method: 'password', username: h.USER, configDir: env.configDir }), {
      code: 'usage_error',
    });
  });

  test('a throwing callback cancels the login and is what it rejects with', async () => {
    const boom = new Error('boom');
    await assert.rejects(
      login({
        configDir: env.configDir,
        onDeviceCode: () => {
          throw boom;
        },
      }),
      (e) => e === boom,
    );
  });
});

describe('login that waits for a person', () => {
  let env;
  before(async () => {
    env = await h.testEnv({ scenario: h.pendingDeviceScenario() });
  });
  after(() => env.close());

  test('AbortSignal mid-poll: rejects with cancelled and polling stops', async () => {
    const controller = new AbortController();
    const reason = new Error('user closed the window');
    let shown = false;
    const pending = login({
      configDir: env.configDir,
      signal: controller.signal,
      onDeviceCode: () => (shown = true),
    });
    await h.until(() => shown);
    await h.until(() => false, 1_500).catch(() => {});
    const pollsBefore = await h.grants(env, h.DEVICE_GRANT);
    assert.ok(pollsBefore >= 1, 'it was polling');
    const started = Date.now();
    controller.abort(reason);
    await assert.rejects(pending, (e) => {
      assert.equal(e.code, 'cancelled');
      assert.equal(e.cause, reason);
      return true;
    });
    assert.ok(Date.now() - started < 500, 'rejects at once');
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(await h.grants(env, h.DEVICE_GRANT), pollsBefore, 'no poll after the abort');
  });

  test('an already aborted signal rejects before anything is sent', async () => {
    const before = (await h.requestLog(env)).length;
    await assert.rejects(login({ configDir: env.configDir, signal: AbortSignal.abort() }), { code: 'cancelled' });
    assert.equal((await h.requestLog(env)).length, before);
  });

  test('timeoutMs: rejects with timeout', async () => {
    const started = Date.now();
    await assert.rejects(login({ configDir: env.configDir, timeoutMs: 1_200 }), (e) => {
      assert.equal(e.code, 'timeout');
      assert.match(e.message, /1200 ms/);
      return true;
    });
    const took = Date.now() - started;
    assert.ok(took >= 1_100 && took < 3_000, `took ${took} ms`);
  });

  test('the device code is approved by a person: the login completes', async () => {
    let info;
    const pending = login({ configDir: env.configDir, onDeviceCode: (i) => (info = i) });
    await h.until(() => info);
    const res = await h.httpRequest(`${env.url}/_emulator/device/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_code: info.userCode, username: h.USER }),
    });
    assert.equal(res.status, 200, res.text);
    const subs = await pending;
    assert.deepEqual(
      subs.map((s) => s.id),
      [h.CONTOSO_SUBS[0]],
    );
  });
});
