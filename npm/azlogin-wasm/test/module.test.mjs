// The built module: it imports nothing but the functions its wasm-bindgen glue provides (no WASI,
// no `env`, nothing a native-only crate would bring), and both entries load it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasmFile = new URL('../pkg/web/azlogin_wasm_bg.wasm', import.meta.url);

test('the .wasm imports only what wasm-bindgen generates', () => {
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile)));
  assert.ok(imports.length > 0);
  const glues = ['web', 'node'].map((d) => readFileSync(new URL(`../pkg/${d}/azlogin_wasm.js`, import.meta.url), 'utf8'));
  for (const { module, name, kind } of imports) {
    assert.equal(module, './azlogin_wasm_bg.js', `${module}.${name}`);
    assert.match(name, /^__wbg_|^__wbindgen_/, name);
    assert.equal(kind, 'function', name);
    for (const glue of glues) assert.ok(glue.includes(name), `${name} is not defined by the glue`);
  }
});

test('the package ships the module once, and both entries load it', async () => {
  assert.equal(existsSync(new URL('../pkg/node/azlogin_wasm_bg.wasm', import.meta.url)), false);
  const node = require('../pkg/node/azlogin_wasm.js');
  const web = await import('../pkg/web/azlogin_wasm.js');
  web.initSync({ module: readFileSync(wasmFile) });
  assert.equal(web.coreVersion(), node.coreVersion());
  // By package name, as users import it: the Node entry, with named ESM exports.
  const byName = await import('azlogin-wasm');
  assert.equal(typeof byName.DeviceCodeFlow, 'function');
  assert.equal(byName.coreVersion(), node.coreVersion());
  assert.match(node.coreVersion(), /^\d+\.\d+\.\d+/);
});

test('the build refuses native-only modules before cargo runs', async () => {
  const { nativeOnlyProblems } = await import('../scripts/native-guard.mjs');
  const { execFileSync } = await import('node:child_process');
  const tree = execFileSync('cargo', ['tree', '-p', 'azlogin-wasm', '--target', 'wasm32-unknown-unknown',
    '-e', 'normal', '-f', '{p} [{f}]', '--prefix', 'none'], { encoding: 'utf8' });
  assert.match(tree, /^azlogin v\S+ \([^)]*\) \[\]$/m);
  assert.deepEqual(nativeOnlyProblems(tree), []);
  const native = tree.replace(/^(azlogin v\S+ \([^)]*\)) \[\]$/m, '$1 [default,native]') + 'tokio v1.0.0 [full]\n';
  assert.deepEqual(nativeOnlyProblems(native), [
    'the azlogin core is built with its native-only feature "native"',
    'the native-only crate tokio is in the dependency tree',
  ]);
  // The real tree of the core with its default (native) features, as a binding that forgot
  // `default-features = false` would pull in: refused, naming the feature and the crates.
  const nativeTree = execFileSync('cargo', ['tree', '-p', 'azlogin', '--target', 'wasm32-unknown-unknown',
    '-e', 'normal', '-f', '{p} [{f}]', '--prefix', 'none'], { encoding: 'utf8' });
  const problems = nativeOnlyProblems(nativeTree);
  assert.ok(problems.includes('the azlogin core is built with its native-only feature "native"'), problems.join('\n'));
  assert.ok(problems.includes('the native-only crate tokio is in the dependency tree'), problems.join('\n'));
});
