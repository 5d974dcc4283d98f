// Builds pkg/node (wasm-bindgen --target nodejs) and pkg/web (--target web) from
// bindings/wasm: cargo for wasm32, the wasm-bindgen CLI pinned to the crate's version, then
// wasm-opt from the npm `binaryen` package (Debian's binaryen produces broken modules).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const root = resolve(pkgDir, '../..');
const crateDir = join(root, 'bindings/wasm');
const debug = process.argv.includes('--debug');
const TARGET = 'wasm32-unknown-unknown';

function run(cmd, args, opts = {}) {
  console.error(`> ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
}

function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

// The wasm-bindgen CLI must match the crate's exact pin, or the generated glue is refused.
const manifest = readFileSync(join(crateDir, 'Cargo.toml'), 'utf8');
const pin = manifest.match(/^wasm-bindgen\s*=\s*"=([0-9.]+)"/m);
if (!pin) throw new Error('bindings/wasm/Cargo.toml must pin wasm-bindgen exactly ("=x.y.z")');
const version = pin[1];

try {
  run('rustup', ['target', 'add', TARGET]);
} catch (e) {
  console.error(`ERROR: could not add the ${TARGET} Rust target; the wasm package cannot be built.`);
  throw e;
}

if (output('wasm-bindgen', ['--version']) !== `wasm-bindgen ${version}`) {
  // No --locked: the CLI's lock file names crate versions the registry here may not have.
  run('cargo', ['install', 'wasm-bindgen-cli', '--version', version]);
}

const profile = debug ? 'dev' : 'release';
run('cargo', ['build', '-p', 'azlogin-wasm', '--target', TARGET, '--profile', profile]);
const targetDir =
  process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');
const wasm = join(targetDir, TARGET, debug ? 'debug' : 'release', 'azlogin_wasm.wasm');
if (!existsSync(wasm)) throw new Error(`cargo did not produce ${wasm}`);

const wasmOpt = join(pkgDir, 'node_modules/.bin/wasm-opt');
if (!debug && !existsSync(wasmOpt)) {
  throw new Error('wasm-opt from the npm binaryen package is missing: run `npm install` first');
}

for (const [target, dir] of [['nodejs', 'node'], ['web', 'web']]) {
  const out = join(pkgDir, 'pkg', dir);
  rmSync(out, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'azlogin_wasm', wasm]);
  if (target === 'nodejs') {
    // The package is "type": "module"; the nodejs glue is CommonJS.
    writeFileSync(join(out, 'package.json'), '{ "type": "commonjs" }\n');
  }
  if (!debug) {
    const file = join(out, 'azlogin_wasm_bg.wasm');
    run(wasmOpt, ['-Os', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
      '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types',
      '--enable-multivalue', file, '-o', file]);
  }
}
console.error(`built ${join(pkgDir, 'pkg')} (node + web)`);
