// Builds pkg/web (wasm-bindgen --target web: browsers, bundlers, extension hosts) and pkg/node
// (--target nodejs, CommonJS) from bindings/wasm: cargo for wasm32, the wasm-bindgen CLI pinned
// to the crate's version, then wasm-opt -Oz from the npm `binaryen` package (Debian's binaryen
// produces broken modules). Both glues load the same optimized module, pkg/web/azlogin_wasm_bg.wasm,
// so the package ships it once. Prints the size budget; fails when the package is over it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { assertNoNativeModules } from './native-guard.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const root = resolve(pkgDir, '../..');
const crateDir = join(root, 'bindings/wasm');
const debug = process.argv.includes('--debug');
const TARGET = 'wasm32-unknown-unknown';
/** The whole package, gzipped as npm publishes it, must stay under this. */
const PACKAGE_BUDGET_BYTES = 300 * 1024;
const WASM_OPT_FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-mutable-globals', '--enable-reference-types', '--enable-multivalue'];

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

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

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

// Refuse, with a clear message, to compile native-only modules into the wasm build.
try {
  assertNoNativeModules({ cwd: root, target: TARGET });
} catch (e) {
  console.error(`ERROR: ${e.message}`);
  process.exit(1);
}

// Release builds use the workspace's `dist` profile (fat LTO, one codegen unit) optimized for
// size.
const profile = debug ? 'dev' : 'dist';
const profileDir = debug ? 'debug' : 'dist';
run('cargo', ['build', '-p', 'azlogin-wasm', '--target', TARGET, '--profile', profile], {
  env: { ...process.env, ...(debug ? {} : { CARGO_PROFILE_DIST_OPT_LEVEL: 'z' }) },
});
const targetDir =
  process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');
const wasm = join(targetDir, TARGET, profileDir, 'azlogin_wasm.wasm');
if (!existsSync(wasm)) throw new Error(`cargo did not produce ${wasm}`);

const wasmOpt = join(pkgDir, 'node_modules/.bin/wasm-opt');
if (!debug && !existsSync(wasmOpt)) {
  throw new Error('wasm-opt from the npm binaryen package is missing: run `npm install` first');
}

const webDir = join(pkgDir, 'pkg', 'web');
const nodeDir = join(pkgDir, 'pkg', 'node');
const sizes = { cargo: statSync(wasm).size };
for (const [target, out] of [['web', webDir], ['nodejs', nodeDir]]) {
  rmSync(out, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', target, '--out-dir', out, '--out-name', 'azlogin_wasm', wasm]);
}
const webWasm = join(webDir, 'azlogin_wasm_bg.wasm');
const nodeWasm = join(nodeDir, 'azlogin_wasm_bg.wasm');
if (!readFileSync(webWasm).equals(readFileSync(nodeWasm))) {
  throw new Error('wasm-bindgen made different modules for --target web and nodejs; ship both');
}
sizes.bindgen = statSync(webWasm).size;
if (!debug) {
  run(wasmOpt, ['-Oz', ...WASM_OPT_FEATURES, webWasm, '-o', webWasm]);
}
sizes.optimized = statSync(webWasm).size;
sizes.gzip = gzipSync(readFileSync(webWasm), { level: 9 }).length;

// The nodejs glue reads its module next to itself: point it at the web build's copy.
rmSync(nodeWasm);
const nodeGlue = join(nodeDir, 'azlogin_wasm.js');
const glue = readFileSync(nodeGlue, 'utf8');
const ownPath = 'const wasmPath = `${__dirname}/azlogin_wasm_bg.wasm`;';
if (!glue.includes(ownPath)) {
  throw new Error(`the nodejs glue no longer contains ${ownPath}; update scripts/build.mjs`);
}
writeFileSync(nodeGlue, glue.replace(ownPath, 'const wasmPath = `${__dirname}/../web/azlogin_wasm_bg.wasm`;'));
// The package is "type": "module"; the nodejs glue is CommonJS.
writeFileSync(join(nodeDir, 'package.json'), '{ "type": "commonjs" }\n');
rmSync(join(nodeDir, 'azlogin_wasm_bg.wasm.d.ts'), { force: true });

// The whole package as npm would publish it (a gzipped tarball).
const packed = JSON.parse(output('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', pkgDir]) ?? 'null');
const tarball = packed?.[0]?.size;

const pad = (label) => `  ${label}`.padEnd(44);
console.log(`\nazlogin-wasm size budget (${debug ? 'debug' : 'release'} build)`);
console.log(`${pad(`.wasm from cargo (${debug ? 'dev' : 'dist, opt-level z'}):`)}${kb(sizes.cargo)}`);
console.log(`${pad('.wasm after wasm-bindgen:')}${kb(sizes.bindgen)}`);
console.log(`${pad(`.wasm after wasm-opt${debug ? ' (skipped)' : ' -Oz'}:`)}${kb(sizes.optimized)}`);
console.log(`${pad('.wasm after wasm-opt, gzip -9:')}${kb(sizes.gzip)}`);
console.log(`${pad('whole package (npm pack, gzip):')}${tarball === undefined ? 'unknown' : kb(tarball)}` +
  ` (budget ${kb(PACKAGE_BUDGET_BYTES)})`);
console.error(`built ${join(pkgDir, 'pkg')} (web + node)`);
if (!debug) {
  console.log('');
  run(process.execPath, [join(here, 'instantiate-time.mjs'), '9']);
}
if (!debug && (tarball === undefined || tarball > PACKAGE_BUDGET_BYTES)) {
  console.error(`ERROR: the package is over its ${kb(PACKAGE_BUDGET_BYTES)} gzip budget (or npm pack failed)`);
  process.exit(1);
}
