// Warm token latency, printed (not a timed test): AzLoginCredential.getToken (memory),
// getAccessToken (file cache), @azure/msal-node acquireTokenSilent and, when an az venv exists,
// @azure/identity's AzureCliCredential; plus the addon's load time. Everything runs against the
// emulator over TLS in a temporary config dir.
//
//   npm run bench            (N=1000 calls each; AZLOGIN_BENCH_N to change; AZLOGIN_AZ_BIN names az)

import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const repoDir = path.resolve(packageDir, '../..');
const require = createRequire(import.meta.url);
const N = Number(process.env.AZLOGIN_BENCH_N ?? 1000);
const CLI_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

function stats(samplesNs) {
  const ms = samplesNs.map((n) => Number(n) / 1e6).sort((a, b) => a - b);
  const at = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { n: ms.length, p50: at(0.5), p99: at(0.99) };
}

function fmt(ms) {
  return ms < 1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`;
}

function report(name, s, target) {
  const line = `${name.padEnd(58)} n=${String(s.n).padEnd(5)} p50 ${fmt(s.p50).padStart(10)}   p99 ${fmt(s.p99).padStart(10)}`;
  console.log(target ? `${line}   (target p50 ≤ ${target})` : line);
}

async function measure(n, fn) {
  await fn();
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    samples.push(process.hrtime.bigint() - t);
  }
  return stats(samples);
}

/** az from AZLOGIN_AZ_BIN, else the interop suite's venv (tests/interop/install-az.sh). */
function findAz() {
  if (process.env.AZLOGIN_AZ_BIN) return process.env.AZLOGIN_AZ_BIN;
  const venv = process.env.AZLOGIN_AZ_VENV ?? path.join(repoDir, 'target', 'interop', 'az-venv');
  const az = path.join(venv, 'bin', 'az');
  return fs.existsSync(az) ? az : undefined;
}

async function child() {
  const { AzLoginCredential, getAccessToken } = await import('../index.mjs');
  const url = process.env.BENCH_EMULATOR_URL;
  const scope = `${url}//.default`;

  const credential = new AzLoginCredential();
  report('AzLoginCredential.getToken (memory, file stat check)', await measure(N, () => credential.getToken(scope)), '50 µs');
  report('getAccessToken (file cache)', await measure(N, () => getAccessToken({ scopes: [scope] })), '2 ms');

  try {
    const { PublicClientApplication } = require('@azure/msal-node');
    const tenant = JSON.parse(execFileSync(process.execPath, [path.join(packageDir, 'cli.js'), 'account', 'show'])).tenantId;
    const pca = new PublicClientApplication({
      auth: { clientId: CLI_CLIENT_ID, authority: `${url}/${tenant}`, knownAuthorities: [new URL(url).host] },
    });
    const file = path.join(process.env.AZURE_CONFIG_DIR, 'msal_token_cache.json');
    // MSAL Python (az) names the environment by host; msal-node by host:port. Same cache otherwise.
    const { host, hostname } = new URL(url);
    const text = fs
      .readFileSync(file, 'utf8')
      .replaceAll(`"environment": "${hostname}"`, `"environment": "${host}"`)
      .replaceAll(`-${hostname}-`, `-${host}-`);
    pca.getTokenCache().deserialize(text);
    const [account] = await pca.getTokenCache().getAllAccounts();
    if (!account) throw new Error('msal-node found no account in msal_token_cache.json');
    const silent = () => pca.acquireTokenSilent({ account, scopes: [scope] });
    report('@azure/msal-node acquireTokenSilent (memory)', await measure(N, silent));
  } catch (e) {
    console.log(`@azure/msal-node acquireTokenSilent: skipped: ${e.message}`);
  }

  const az = findAz();
  if (!az) {
    console.log('@azure/identity AzureCliCredential: skipped: no az found (run tests/interop/install-az.sh, or set AZLOGIN_AZ_BIN)');
  } else {
    process.env.PATH = `${path.dirname(az)}${path.delimiter}${process.env.PATH}`;
    const { AzureCliCredential } = require('@azure/identity');
    const cli = new AzureCliCredential();
    const n = Math.min(N, Number(process.env.AZLOGIN_BENCH_AZ_N ?? 20));
    report(`@azure/identity AzureCliCredential (spawns az; ${n} calls)`, await measure(n, () => cli.getToken(scope)));
  }
}

async function parent() {
  const loads = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(process.execPath, [
      '-e',
      `const t=process.hrtime.bigint();require(${JSON.stringify(path.join(packageDir, 'native.js'))});console.log(Number(process.hrtime.bigint()-t))`,
    ]);
    loads.push(BigInt(r.stdout.toString().trim()));
  }
  const load = stats(loads);
  const { login, startEmulator } = await import('../index.mjs');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-bench-'));
  const configDir = path.join(root, 'azure');
  const home = path.join(root, 'home');
  fs.mkdirSync(configDir, { mode: 0o700 });
  fs.mkdirSync(home);
  const emulator = await startEmulator({ tls: true });
  try {
    const url = emulator.url.replace(/\/+$/, '');
    fs.writeFileSync(
      path.join(configDir, 'clouds.config'),
      `[Bench]\nendpoint_active_directory = ${url}\nendpoint_active_directory_resource_id = ${url}/\nendpoint_resource_manager = ${url}/\n\n`,
    );
    fs.writeFileSync(path.join(configDir, 'config'), '[cloud]\nname = Bench\n\n[core]\ninstance_discovery = false\n\n');
    process.env.REQUESTS_CA_BUNDLE = emulator.caCertPath;
    await login({ username: 'user@contoso.example', password: 'Passw0rd!', configDir });
    const addon = fs.readdirSync(packageDir).find((f) => f.endsWith('.node'));
    console.log(`azlogin ${addon} (${(fs.statSync(path.join(packageDir, addon)).size / 1e6).toFixed(1)} MB), Node ${process.version}, ${os.cpus().length} CPUs`);
    report('addon load (require native.js, fresh process)', load, '50 ms');
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
      stdio: 'inherit',
      env: {
        ...process.env,
        HOME: home,
        AZURE_CONFIG_DIR: configDir,
        NODE_EXTRA_CA_CERTS: emulator.caCertPath,
        REQUESTS_CA_BUNDLE: emulator.caCertPath,
        SSL_CERT_FILE: emulator.caCertPath,
        BENCH_EMULATOR_URL: url,
      },
    });
    process.exitCode = r.status ?? 1;
  } finally {
    await emulator.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await (process.argv.includes('--child') ? child() : parent());
