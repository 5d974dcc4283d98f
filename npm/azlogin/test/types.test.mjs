// `tsc --noEmit` over an example using every exported type.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { packageDir, underWine } from './helpers.mjs';

// npm ci installs the TypeScript 7 compiler's binary for the machine it runs on: under Wine
// that is Linux's, which the Windows node.exe cannot start.
const noCompiler = underWine && 'under Wine: the installed tsc binary is Linux\'s';

test('the declarations type-check against real use and @azure/core-auth', { skip: noCompiler }, async () => {
  const tsc = path.join(packageDir, 'node_modules/typescript/bin/tsc');
  const project = path.join(packageDir, 'test/types/tsconfig.json');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', project]).catch((e) => e);
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
});
