// The wasm build must not compile the core's native-only modules (files, locks, loopback
// listener, terminal, emulator) or the crates they bring. The core has a compile_error! for
// that, but cargo compiles dependencies first and one of them (getrandom, tokio…) fails with
// its own, unclear message; this check runs before cargo and says what is wrong.
import { execFileSync } from 'node:child_process';

/** Features of the core that only build natively. */
const NATIVE_FEATURES = ['native', 'emulator', 'cli'];
/** Crates that only the native features bring in. */
const NATIVE_CRATES = ['tokio', 'mio', 'socket2', 'libc', 'hyper', 'rustls', 'aws-lc-sys', 'aws-lc-rs', 'rcgen', 'clap', 'rpassword'];

/**
 * What is wrong in `cargo tree -e normal -f '{p} [{f}]' --prefix none` output for the wasm
 * crate: an empty list when nothing native-only is in it.
 */
export function nativeOnlyProblems(tree) {
  const problems = new Set();
  for (const line of tree.split('\n')) {
    const m = line.match(/^(\S+) v\S+(?: \([^)]*\))? \[([^\]]*)\]/);
    if (!m) continue;
    const [, name, features] = m;
    if (name === 'azlogin') {
      for (const f of features.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (NATIVE_FEATURES.includes(f)) problems.add(`the azlogin core is built with its native-only feature "${f}"`);
      }
    }
    if (NATIVE_CRATES.includes(name)) problems.add(`the native-only crate ${name} is in the dependency tree`);
  }
  return [...problems];
}

/** Runs `cargo tree` for the wasm crate and throws a clear error when a native module is in it. */
export function assertNoNativeModules({ cwd, target }) {
  const tree = execFileSync('cargo', ['tree', '-p', 'azlogin-wasm', '--target', target, '-e', 'normal',
    '-f', '{p} [{f}]', '--prefix', 'none'], { cwd, encoding: 'utf8' });
  const problems = nativeOnlyProblems(tree);
  if (problems.length > 0) {
    throw new Error(`the WebAssembly build would compile native-only code:\n  - ${problems.join('\n  - ')}\n` +
      'Depend on the core with `default-features = false` and no native feature in bindings/wasm/Cargo.toml ' +
      '(native-only: files, locks, the loopback listener, the terminal, the emulator).');
  }
}
