// `azlogin.exe demo` under Wine: its own emulator, a device code login, the account and a token.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import * as w from './helpers.mjs';

test('azlogin.exe demo runs to the end', { skip: w.unavailable }, async () => {
  const { root, rm } = w.tempRoot();
  try {
    const r = w.ok(await w.windows(w.configDir(root, 'unused', 'http://127.0.0.1:9'), ['demo']), 'azlogin.exe demo');
    assert.match(r.stdout, /azlogin demo: an Entra ID \+ ARM emulator is serving at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(r.stdout, /\$ azlogin login --use-device-code/);
    assert.match(r.stdout, /"name": "Contoso Production"/);
  } finally {
    rm();
  }
});
