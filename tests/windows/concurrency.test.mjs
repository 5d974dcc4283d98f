// Two azlogin.exe processes under Wine refreshing tokens at once on one config dir: each waits for
// the other's lock on the DPAPI-protected cache, and no token either of them got is lost.

import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import * as w from './helpers.mjs';

const ROUNDS = 4;

test('concurrent refreshes by two azlogin.exe lose nothing', { skip: w.unavailable }, async () => {
  const emulator = await w.startEmulator();
  const { root, rm } = w.tempRoot();
  try {
    const dir = w.configDir(root, 'shared', emulator.url);
    w.ok(await w.windows(dir, ['login', '-u', w.USER, '-p', w.PASSWORD]), 'azlogin.exe login');
    const tokens = async () => JSON.parse(await w.unprotected(path.join(dir, 'msal_token_cache.bin'))).AccessToken;
    const before = Object.keys(await tokens()).length;
    const resources = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pair = [`https://r${round}a.example/`, `https://r${round}b.example/`];
      resources.push(...pair);
      const runs = await Promise.all(pair.map((r) => w.windows(dir, ['account', 'get-access-token', '--resource', r])));
      runs.forEach((r, i) => w.ok(r, `azlogin.exe get-access-token --resource ${pair[i]}`));
    }
    const after = Object.values(await tokens());
    assert.equal(after.length, before + resources.length, 'one new access token per resource');
    for (const r of resources) {
      assert.ok(after.some((at) => at.target.split(' ').includes(`${r}/.default`)), `the token for ${r} is in the cache`);
    }
  } finally {
    emulator.stop();
    rm();
  }
});
