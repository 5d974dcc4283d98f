// getAccessToken and the account functions against the emulator.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { clearAccounts, getAccessToken, listAccounts, login, logout, setAccount, showAccount } from '../index.mjs';
import * as h from './helpers.mjs';

const REFRESH = 'refresh_token';

describe('getAccessToken', () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  test('with no account: no_account', async () => {
    await assert.rejects(getAccessToken({ configDir: env.configDir }), (e) => {
      assert.equal(e.code, 'no_account');
      assert.match(e.message, /az login/);
      return true;
    });
  });

  test('from the cache: no request reaches the emulator', async () => {
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
    const before = (await h.requestLog(env)).length;
    const t = await getAccessToken({ configDir: env.configDir });
    assert.equal((await h.requestLog(env)).length, before);
    assert.equal(t.tokenType, 'Bearer');
    assert.equal(t.tenant, h.CONTOSO);
    assert.equal(t.subscription, h.CONTOSO_SUBS[0]);
    assert.ok(t.expiresOnTimestamp > Date.now() + 60_000);
    assert.equal(t.token.split('.').length, 3);
  });

  test('by refresh: a scope not cached yet, then forceRefresh', async () => {
    const before = await h.grants(env, REFRESH);
    const graph = await getAccessToken({ configDir: env.configDir, scopes: ['https://graph.example/.default'] });
    assert.equal(await h.grants(env, REFRESH), before + 1);
    const again = await getAccessToken({ configDir: env.configDir, scopes: 'https://graph.example/.default' });
    assert.equal(again.token, graph.token, 'now from the cache');
    assert.equal(await h.grants(env, REFRESH), before + 1);
    await getAccessToken({ configDir: env.configDir, resource: 'https://graph.example', forceRefresh: true });
    assert.equal(await h.grants(env, REFRESH), before + 2);
  });

  test('a claims challenge forces a refresh', async () => {
    const before = await h.grants(env, REFRESH);
    await getAccessToken({ configDir: env.configDir, claims: '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}' });
    assert.equal(await h.grants(env, REFRESH), before + 1);
  });

  test('an MFA tenant: interaction_required with the AADSTS code and az login --tenant', async () => {
    await assert.rejects(getAccessToken({ configDir: env.configDir, tenant: h.WOODGROVE }), (e) => {
      assert.equal(e.code, 'interaction_required');
      assert.deepEqual(e.aadstsCodes, [50076]);
      assert.ok(e.message.includes(`az login --tenant "${h.WOODGROVE}"`), e.message);
      assert.ok(e.recommendation.startsWith('Run the command below'));
      return true;
    });
  });

  test('tenant and subscription together: usage_error', async () => {
    await assert.rejects(
      getAccessToken({ configDir: env.configDir, tenant: h.CONTOSO, subscription: h.CONTOSO_SUBS[0] }),
      { code: 'usage_error' },
    );
  });

  test('an aborted signal rejects with cancelled', async () => {
    await assert.rejects(getAccessToken({ configDir: env.configDir, abortSignal: AbortSignal.abort() }), {
      code: 'cancelled',
    });
  });
});

describe('accounts', () => {
  let env;
  before(async () => {
    env = await h.testEnv();
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
  });
  after(() => env.close());

  test('list, show, set', async () => {
    const list = await listAccounts({ configDir: env.configDir });
    assert.deepEqual(
      list.map((s) => s.id),
      h.CONTOSO_SUBS,
    );
    assert.equal((await showAccount({ configDir: env.configDir })).id, h.CONTOSO_SUBS[0]);
    const chosen = await setAccount({ configDir: env.configDir, subscription: 'Contoso Dev' });
    assert.equal(chosen.id, h.CONTOSO_SUBS[1]);
    assert.equal((await showAccount({ configDir: env.configDir })).id, h.CONTOSO_SUBS[1]);
    assert.equal((await showAccount({ configDir: env.configDir, subscription: h.CONTOSO_SUBS[0] })).isDefault, false);
    await assert.rejects(setAccount({ configDir: env.configDir, subscription: 'nope' }), { code: 'not_found' });
  });

  test('logout, then clear', async () => {
    const out = await logout({ configDir: env.configDir });
    assert.equal(out.username, h.USER);
    assert.equal(out.entriesRemoved, 2);
    assert.ok(out.tokensRemoved > 0);
    assert.deepEqual(await listAccounts({ configDir: env.configDir }), []);
    await assert.rejects(logout({ configDir: env.configDir }), { code: 'no_account' });
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir });
    await clearAccounts({ configDir: env.configDir });
    assert.deepEqual(await listAccounts({ configDir: env.configDir }), []);
    await assert.rejects(showAccount({ configDir: env.configDir }), { code: 'no_account' });
  });

  test('a corrupt profile: corrupt_file, and the file is left alone', async () => {
    const fs = await import('node:fs');
    const file = `${env.configDir}/azureProfile.json`;
    fs.writeFileSync(file, '{ not json');
    await assert.rejects(listAccounts({ configDir: env.configDir }), { code: 'corrupt_file' });
    assert.equal(fs.readFileSync(file, 'utf8'), '{ not json');
    fs.rmSync(file);
  });
});
