// One cache, two faces: what the Rust CLI writes the addon reads and the other way round; and
// the npm bin is the same command as the Rust binary.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { getAccessToken, listAccounts, login, runCli } from '../index.mjs';
import * as h from './helpers.mjs';

const cliJs = path.join(h.packageDir, 'cli.js');
const haveRustCli = fs.existsSync(h.rustCli);
const skip = haveRustCli ? false : `the Rust CLI is not built (${h.rustCli}); run cargo build --bin azlogin`;

describe('Rust CLI and addon share the files', { skip }, () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  test('the Rust CLI logs in; the addon lists and gets a token without asking the server', async () => {
    const r = await h.run(h.rustCli, ['login', '-u', h.USER, '-p', h.PASSWORD, '--only-show-errors'], env.vars());
    assert.equal(r.code, 0, r.stderr);
    const before = (await h.requestLog(env)).length;
    const list = await listAccounts({ configDir: env.configDir });
    assert.deepEqual(
      list.map((s) => s.id),
      h.CONTOSO_SUBS,
    );
    const t = await getAccessToken({ configDir: env.configDir });
    assert.equal(t.tenant, h.CONTOSO);
    assert.equal((await h.requestLog(env)).length, before, 'served from the cache the CLI wrote');
  });

  test('the addon logs in; the Rust CLI reads the account and the same cached token', async () => {
    await runClear(env);
    await login({ username: h.USER, password: h.PASSWORD, configDir: env.configDir, subscription: 'Contoso Dev' });
    const fromAddon = await getAccessToken({ configDir: env.configDir });
    const shown = await h.run(h.rustCli, ['account', 'show'], env.vars());
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).id, h.CONTOSO_SUBS[1]);
    const token = await h.run(h.rustCli, ['account', 'get-access-token'], env.vars());
    assert.equal(token.code, 0, token.stderr);
    assert.equal(JSON.parse(token.stdout).accessToken, fromAddon.token);
  });

  test('the npm bin prints what the Rust binary prints, with the same exit codes', async () => {
    for (const args of [['account', 'list'], ['account', 'show', '-o', 'tsv'], ['account', 'set', '-s', 'nope'], ['--version']]) {
      const rust = await h.run(h.rustCli, args, env.vars());
      const node = await h.run(process.execPath, [cliJs, ...args], env.vars());
      assert.equal(node.code, rust.code, `${args.join(' ')}: ${node.stderr}`);
      assert.equal(node.stdout, rust.stdout, args.join(' '));
      assert.equal(node.stderr, rust.stderr, args.join(' '));
    }
  });
});

async function runClear(env) {
  const saved = process.env.AZURE_CONFIG_DIR;
  process.env.AZURE_CONFIG_DIR = env.configDir;
  try {
    assert.equal(await runCli(['account', 'clear']), 0);
  } finally {
    process.env.AZURE_CONFIG_DIR = saved;
  }
}
