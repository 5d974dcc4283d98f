// Test harness: `azlogin emulator` on loopback with a scenario, and the `azlogin` command itself
// (the Rust CLI the package must agree with). Both come from the workspace's debug build
// (`cargo build --bin azlogin`), or from $AZLOGIN_BIN.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const AZLOGIN = process.env.AZLOGIN_BIN ?? path.join(root, 'target/debug/azlogin');

/** A scenario from tests/scenarios/, as an object to adjust. */
export function scenario(name) {
  return JSON.parse(readFileSync(path.join(root, 'tests/scenarios', `${name}.json`), 'utf8'));
}

/**
 * Starts `azlogin emulator` serving `scenarioObject` and resolves once it prints its ready line:
 * `{ url, requests(), stop() }`.
 */
export async function startEmulator(scenarioObject = scenario('default')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-emu-'));
  const file = path.join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenarioObject));
  const proc = spawn(AZLOGIN, ['emulator', '--port', '0', '--scenario', file], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`the emulator exited early (${code}); is ${AZLOGIN} built?`)));
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).url.replace(/\/$/, ''));
    });
  });
  proc.removeAllListeners('exit');
  return {
    url,
    /** The emulator's request log (method, path, grant_type, tenant, status, timestamp). */
    async requests() {
      return (await (await fetch(`${url}/_emulator/requests`)).json()).requests;
    },
    /** Approves (as the scenario's first user) or declines a pending code. */
    async settle(userCode, action = 'approve') {
      const r = await fetch(`${url}/_emulator/device/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: userCode }),
      });
      if (r.status !== 200) throw new Error(`${action} ${r.status}: ${await r.text()}`);
    },
    stop() {
      proc.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The cloud options of the package for an emulator at `url` (the CLI's registration). */
export const cloudOf = (url) => ({ name: 'Emulator', loginEndpoint: url, armEndpoint: `${url}/`, armResourceId: `${url}/` });

/**
 * Runs `azlogin <args>` with a fresh config dir where the emulator at `url` is the active cloud:
 * `{ code, stdout, stderr, configDir }`; the caller removes `tmp`.
 */
export function runCli(url, args) {
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-wasm-cli-'));
  const configDir = path.join(tmp, 'config');
  const home = path.join(tmp, 'home');
  mkdirSync(configDir);
  mkdirSync(home);
  writeFileSync(path.join(configDir, 'clouds.config'),
    `[Emulator]\nendpoint_active_directory = ${url}\n` +
    `endpoint_active_directory_resource_id = ${url}/\n` +
    `endpoint_resource_manager = ${url}/\n\n`);
  writeFileSync(path.join(configDir, 'config'), '[cloud]\nname = Emulator\n\n[core]\ninstance_discovery = false\n\n');
  const proc = spawn(AZLOGIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: home, AZURE_CONFIG_DIR: configDir },
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c) => { stdout += c; });
  proc.stderr.on('data', (c) => { stderr += c; });
  return new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr, configDir, tmp }));
  });
}
