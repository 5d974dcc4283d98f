// The files azlogin.exe writes under Wine are the Linux build's, with the token cache protected
// by DPAPI as the Windows Azure CLI keeps it (msal_token_cache.bin); and azlogin.exe reads and
// updates a config dir the Linux build wrote, once its cache is encrypted. Tokens, times and the
// installation id are masked; everything else matches byte for byte.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import * as w from './helpers.mjs';

describe('azlogin.exe and the Linux azlogin write the same files', { skip: w.unavailable }, () => {
  let emulator;
  let tmp;
  before(async () => {
    emulator = await w.startEmulator();
    tmp = w.tempRoot();
  });
  after(() => {
    emulator?.stop();
    tmp?.rm();
  });

  /** Logs in with `args` in a Linux and a Windows config dir and compares what they wrote. */
  async function sameLogin(name, args) {
    const linuxDir = w.configDir(tmp.root, `${name}-linux`, emulator.url);
    const windowsDir = w.configDir(tmp.root, `${name}-windows`, emulator.url);
    const onLinux = w.ok(await w.linux(linuxDir, args), `azlogin ${args.join(' ')}`);
    const onWindows = w.ok(await w.windows(windowsDir, args), `azlogin.exe ${args.join(' ')}`);
    assert.equal(onWindows.stdout, onLinux.stdout, 'the same subscriptions printed');
    assert.ok(!fs.existsSync(path.join(windowsDir, 'msal_token_cache.json')), 'no plaintext token cache on Windows');
    assert.deepEqual(w.filesAsPlain(windowsDir), w.filesAsPlain(linuxDir), 'the same files, nothing left over');
    const cache = await w.unprotected(path.join(windowsDir, 'msal_token_cache.bin'));
    assert.equal(w.masked(cache), w.masked(fs.readFileSync(path.join(linuxDir, 'msal_token_cache.json'), 'utf8')));
    for (const file of ['azureProfile.json', 'config', 'clouds.config']) {
      assert.equal(
        w.masked(fs.readFileSync(path.join(windowsDir, file), 'latin1')),
        w.masked(fs.readFileSync(path.join(linuxDir, file), 'latin1')),
        file,
      );
    }
    return { linuxDir, windowsDir };
  }

  test('password login', async () => {
    await sameLogin('password', ['login', '-u', w.USER, '-p', w.PASSWORD]);
  });

  test('device code login (the emulator approves the code)', async () => {
    await sameLogin('device', ['login', '--use-device-code']);
  });

  test('a Linux config dir, its cache encrypted, is read and updated by azlogin.exe as by azlogin', async () => {
    const linuxDir = w.configDir(tmp.root, 'shared-linux', emulator.url);
    w.ok(await w.linux(linuxDir, ['login', '-u', w.USER, '-p', w.PASSWORD]), 'azlogin login');
    const windowsDir = path.join(tmp.root, 'shared-windows');
    await w.copyEncrypted(linuxDir, windowsDir);

    // Reads: the accounts, and the cached access token served without a request.
    for (const args of [['account', 'list'], ['account', 'show']]) {
      const l = w.ok(await w.linux(linuxDir, args), `azlogin ${args.join(' ')}`);
      const x = w.ok(await w.windows(windowsDir, args), `azlogin.exe ${args.join(' ')}`);
      assert.equal(x.stdout, l.stdout, args.join(' '));
    }
    const sent = (await emulator.requests()).length;
    const cachedOnWindows = w.ok(await w.windows(windowsDir, ['account', 'get-access-token']), 'azlogin.exe get-access-token');
    const cachedOnLinux = w.ok(await w.linux(linuxDir, ['account', 'get-access-token']), 'azlogin get-access-token');
    assert.equal(cachedOnWindows.stdout, cachedOnLinux.stdout, 'the same cached token');
    assert.equal((await emulator.requests()).length, sent, 'both served from the cache');

    // Updates: a token for another resource (a refresh) lands in both caches the same way.
    const other = ['account', 'get-access-token', '--resource', 'https://vault.example/'];
    w.ok(await w.linux(linuxDir, other), 'azlogin get-access-token --resource');
    w.ok(await w.windows(windowsDir, other), 'azlogin.exe get-access-token --resource');
    assert.ok((await emulator.requests()).length > sent, 'a refresh was sent');
    const cache = await w.unprotected(path.join(windowsDir, 'msal_token_cache.bin'));
    assert.match(cache, /https:\/\/vault\.example\/\/\.default/);
    assert.equal(w.masked(cache), w.masked(fs.readFileSync(path.join(linuxDir, 'msal_token_cache.json'), 'utf8')));
    assert.deepEqual(w.filesAsPlain(windowsDir), w.filesAsPlain(linuxDir));
  });

  test('a .bin that does not decrypt for this user is refused, named, and left untouched', async () => {
    const dir = w.configDir(tmp.root, 'undecryptable', emulator.url);
    w.ok(await w.windows(dir, ['login', '-u', w.USER, '-p', w.PASSWORD]), 'azlogin.exe login');
    const bin = path.join(dir, 'msal_token_cache.bin');
    const foreign = Buffer.from('01000000d08c9ddf0115d1118c7a00c04fc297eb0100000000', 'hex');
    fs.writeFileSync(bin, foreign);
    const r = await w.windows(dir, ['account', 'get-access-token']);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr, /msal_token_cache\.bin/);
    assert.deepEqual(fs.readFileSync(bin), foreign, 'the file is as it was');
  });
});
