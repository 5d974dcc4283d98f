// The loader: loads the addon built for this platform, and says what is missing when it is not.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { packageDir } from './helpers.mjs';

const require = createRequire(import.meta.url);

test('CommonJS and ESM entries expose the same functions', async () => {
  const cjs = require('../index.js');
  const esm = await import('../index.mjs');
  for (const name of Object.keys(cjs)) assert.equal(esm[name], cjs[name], name);
  assert.match(cjs.coreVersion(), /^\d+\.\d+\.\d+/);
});

test('without a built addon the error names the platform, the file and the fix', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-loader-'));
  try {
    fs.copyFileSync(path.join(packageDir, 'native.js'), path.join(dir, 'native.js'));
    const saved = process.env.AZLOGIN_NATIVE_PATH;
    delete process.env.AZLOGIN_NATIVE_PATH;
    try {
      assert.throws(
        () => require(path.join(dir, 'native.js')),
        (e) => {
          assert.match(e.message, new RegExp(`the native addon for this platform \\(${process.platform}-${process.arch}\\S*, Node v`));
          assert.ok(e.message.includes(path.join(dir, `azlogin.${process.platform}-${process.arch}`)), e.message);
          assert.match(e.message, /npm install && npm run build/);
          return true;
        },
      );
    } finally {
      if (saved !== undefined) process.env.AZLOGIN_NATIVE_PATH = saved;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
