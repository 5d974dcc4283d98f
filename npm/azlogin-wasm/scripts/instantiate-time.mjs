// Prints how long Node takes to get the package ready, as medians over fresh processes (a number
// to record, not a test): compiling the .wasm, instantiating it through the glue, and the whole
// `require` of the Node entry (read + compile + instantiate + start).
//
//   node scripts/instantiate-time.mjs [runs]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const wasmFile = fileURLToPath(new URL('../pkg/web/azlogin_wasm_bg.wasm', import.meta.url));

if (process.argv[2] === '--child-web') {
  const { performance } = await import('node:perf_hooks');
  const bytes = readFileSync(wasmFile);
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  const t1 = performance.now();
  const web = await import('../pkg/web/azlogin_wasm.js');
  const t2 = performance.now();
  web.initSync({ module });
  const t3 = performance.now();
  console.log(JSON.stringify({ compile: t1 - t0, instantiate: t3 - t2 }));
} else if (process.argv[2] === '--child-node') {
  // Its own process: V8 caches a compiled module, so a second compile would look free.
  const { performance } = await import('node:perf_hooks');
  const require = createRequire(import.meta.url);
  const t0 = performance.now();
  require('../pkg/node/azlogin_wasm.js').coreVersion();
  console.log(JSON.stringify({ nodeEntry: performance.now() - t0 }));
} else {
  const runs = Number(process.argv[2] ?? 15);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const child = (mode) => JSON.parse(execFileSync(process.execPath,
      [fileURLToPath(import.meta.url), mode], { encoding: 'utf8' }));
    samples.push({ ...child('--child-web'), ...child('--child-node') });
  }
  const median = (key) => {
    const v = samples.map((s) => s[key]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  console.log(`azlogin-wasm in Node ${process.versions.node}, median of ${runs} fresh processes ` +
    `(.wasm ${(readFileSync(wasmFile).length / 1024).toFixed(1)} KB):`);
  console.log(`  compile (new WebAssembly.Module):          ${median('compile').toFixed(2)} ms`);
  console.log(`  instantiate (initSync on the compiled one): ${median('instantiate').toFixed(2)} ms`);
  console.log(`  require('azlogin-wasm') node entry, total:  ${median('nodeEntry').toFixed(2)} ms`);
}
