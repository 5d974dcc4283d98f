// Test harness: an emulator on loopback and a temporary config dir and HOME registered with a
// custom cloud pointing at it (as tests/common/mod.rs does for the Rust tests).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as azlogin from '../index.mjs';

export const CLOUD = 'FakeCloud';
export const USER = 'user@contoso.example';
export const PASSWORD = 'Passw0rd!';
export const CONTOSO = '11111111-1111-4111-8111-111111111111';
export const FABRIKAM = '22222222-2222-4222-8222-222222222222';
export const WOODGROVE = '33333333-3333-4333-8333-333333333333';
export const CONTOSO_SUBS = ['c0000001-0000-4000-8000-000000000001', 'c0000001-0000-4000-8000-000000000002'];

export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(packageDir, '../..');
/** The Rust CLI binary built by `cargo build --bin azlogin`. */
export const rustCli = process.env.AZLOGIN_BIN ?? path.join(repoDir, 'target/debug/azlogin');

/** Registers the emulator at `url` as the active cloud of `configDir`. */
export function writeCloudConfig(configDir, url) {
  const base = url.replace(/\/+$/, '');
  fs.writeFileSync(
    path.join(configDir, 'clouds.config'),
    `[${CLOUD}]\nendpoint_active_directory = ${base}\nendpoint_active_directory_resource_id = ${base}/\nendpoint_resource_manager = ${base}/\n\n`,
  );
  fs.writeFileSync(path.join(configDir, 'config'), `[cloud]\nname = ${CLOUD}\n\n[core]\ninstance_discovery = false\n\n`);
}

/**
 * Starts an emulator and makes a fresh config dir and HOME for it. `HOME` and
 * `AZURE_CONFIG_DIR` of this process point there too, so nothing reaches the real ~/.azure.
 */
export async function testEnv(emulatorOptions = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-node-test-'));
  const configDir = path.join(root, 'azure');
  const home = path.join(root, 'home');
  fs.mkdirSync(configDir, { mode: 0o700 });
  fs.mkdirSync(home);
  process.env.HOME = home;
  process.env.AZURE_CONFIG_DIR = configDir;
  // The plaintext token cache and service principal store az keeps with encryption off, which
  // is the default except on Windows: the tests read the .json files on every platform
  // (tests/windows checks the DPAPI-protected .bin files of the Windows default).
  process.env.AZURE_CORE_ENCRYPT_TOKEN_CACHE = 'false';
  const emulator = await azlogin.startEmulator(emulatorOptions);
  writeCloudConfig(configDir, emulator.url);
  return {
    root,
    configDir,
    home,
    emulator,
    url: emulator.url.replace(/\/+$/, ''),
    /** The environment for a child process in this env. */
    vars(extra = {}) {
      return {
        PATH: process.env.PATH,
        HOME: home,
        AZURE_CONFIG_DIR: configDir,
        AZURE_CORE_ENCRYPT_TOKEN_CACHE: 'false',
        TZ: 'UTC',
        ...extra,
      };
    },
    readJson(name) {
      return JSON.parse(fs.readFileSync(path.join(configDir, name), 'utf8').replace(/^\uFEFF/, ''));
    },
    async close() {
      await emulator.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a command to completion: `{ code, stdout, stderr }`. */
export function run(command, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The default scenario with device codes left pending until approved by hand. */
export function pendingDeviceScenario() {
  return {
    users: [
      {
        username: USER,
        password: PASSWORD,
        oid: 'aaaaaaaa-0000-4000-8000-000000000001',
        home_tenant: CONTOSO,
        display_name: 'Test User',
      },
    ],
    tenants: [
      {
        id: CONTOSO,
        display_name: 'Contoso',
        default_domain: 'contoso.example',
        subscriptions: [{ id: CONTOSO_SUBS[0], display_name: 'Contoso Production' }],
      },
    ],
    device_code: { interval: 1, expires_in: 900 },
  };
}

/** Waits until `predicate()` is true, checking every 20 ms. */
export async function until(predicate, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Set by scripts/windows.sh when these tests run in the Windows node.exe under Wine: what cannot
 * work there skips with this reason.
 */
export const underWine = process.env.AZLOGIN_UNDER_WINE === '1';

/**
 * An HTTP request over node:http: `{ status, text }`. The tests use it rather than `fetch()`,
 * which fails under Wine (`connect UNKNOWN`) where scripts/windows.sh runs them too.
 */
export function httpRequest(url, { method = 'GET', headers = {}, body } = {}) {
  const payload = body === undefined ? undefined : Buffer.from(String(body));
  if (body instanceof URLSearchParams) headers = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: payload ? { ...headers, 'content-length': payload.length } : headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The emulator's request log (no bodies or secrets). */
export async function requestLog(env) {
  return JSON.parse((await httpRequest(`${env.url}/_emulator/requests`)).text).requests;
}

/** How many token requests with this grant type the emulator saw. */
export async function grants(env, grantType) {
  return (await requestLog(env)).filter((r) => r.grant_type === grantType).length;
}

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
