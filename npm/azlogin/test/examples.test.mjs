// The examples, run as their users run them, against the emulator.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as h from './helpers.mjs';

const buildScript = path.join(h.repoDir, 'examples/node-build-script.mjs');
const extensionRunner = path.join(h.repoDir, 'examples/vscode-extension/run.mjs');

// The example lists subscriptions with fetch(), which fails in node.exe under Wine (connect UNKNOWN).
const fetchFails = h.underWine && 'under Wine: the example calls fetch(), which fails there (connect UNKNOWN)';

describe('examples/node-build-script.mjs', { skip: fetchFails }, () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  test('with no login it signs in with a device code, then lists via ARM; then reuses the login', async () => {
    const vars = env.vars({ AZURE_RESOURCE_MANAGER: `${env.url}/` });
    const first = await h.run(process.execPath, [buildScript], vars);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /No usable login \(no_account\)/);
    assert.match(first.stderr, /To sign in, use a web browser/);
    const out = JSON.parse(first.stdout);
    assert.equal(out.default, h.CONTOSO_SUBS[0]);
    assert.deepEqual(out.subscriptions, ['Contoso Production', 'Contoso Dev']);
    const second = await h.run(process.execPath, [buildScript], vars);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '', 'no second login');
  });
});

describe('examples/vscode-extension', () => {
  test('signs in with progress, then provides tokens', async () => {
    const env = await h.testEnv();
    try {
      const r = await h.run(process.execPath, [extensionRunner, `${env.url}//.default`], env.vars());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\[progress\] Enter [A-Z0-9]+ at http/);
      assert.match(r.stdout, /\[progress\] Tenants 3\/3/);
      assert.match(r.stdout, /\[info\] Signed in: 2 subscription\(s\)\./);
      assert.match(r.stdout, /\[token\] Bearer expires \d{4}-/);
    } finally {
      await env.close();
    }
  });

  test('the cancel button cancels the sign-in', async () => {
    const env = await h.testEnv({ scenario: h.pendingDeviceScenario() });
    try {
      const r = await h.run(process.execPath, [extensionRunner, '--cancel-after-code'], env.vars());
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\[info\] Sign-in cancelled\./);
      assert.doesNotMatch(r.stdout, /\[token\]/);
    } finally {
      await env.close();
    }
  });
});
