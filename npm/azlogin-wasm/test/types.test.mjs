// `tsc --noEmit` over test/types/usage.mts, which uses every export of the generated
// declarations (pkg/web/azlogin_wasm.d.ts): the shipped types must compile against real use and
// refuse what the API refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

test('the generated declarations type-check against test/types/usage.mts', async () => {
  const tsc = `${packageDir}node_modules/typescript/bin/tsc`;
  assert.ok(existsSync(tsc), 'typescript is a devDependency: run npm install');
  const project = `${packageDir}test/types/tsconfig.json`;
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', project]).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
});
