// Harness for tests/windows: the Linux emulator on loopback, config dirs pointed at it, the Linux
// `azlogin` and the Windows `azlogin.exe` (under Wine) run in them, and the DPAPI helper that
// protects and unprotects files as the Azure CLI's msal-extensions does. scripts/windows.sh sets
// the variables below and runs these files with the Linux node.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const USER = 'user@contoso.example';
export const PASSWORD = 'Passw0rd!';
export const CLOUD = 'FakeCloud';

const linuxCli = process.env.AZLOGIN_BIN;
const windowsExe = process.env.AZLOGIN_WINDOWS_EXE;
const dpapiExe = process.env.AZLOGIN_DPAPI_EXE;

/** Why these tests cannot run here (a `skip` reason), or false. */
export const unavailable =
  !linuxCli || !windowsExe || !dpapiExe || !process.env.WINEPREFIX
    ? 'needs AZLOGIN_BIN, AZLOGIN_WINDOWS_EXE, AZLOGIN_DPAPI_EXE and WINEPREFIX: run scripts/windows.sh'
    : false;

/** Starts `azlogin emulator` (the Linux build) on a free loopback port. */
export async function startEmulator() {
  const child = spawn(linuxCli, ['emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line)));
  });
  lines.on('line', () => {});
  const url = ready.url.replace(/\/+$/, '');
  return {
    url,
    /** The emulator's request log (paths and grant types, no secrets). */
    async requests() {
      return JSON.parse(await get(`${url}/_emulator/requests`)).requests;
    },
    stop() {
      child.kill();
    },
  };
}

function get(url) {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

/** A fresh temporary root, removed by `rm()`. */
export function tempRoot() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-windows-'));
  return { root, rm: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** A new config dir under `root` whose active cloud is the emulator at `url`. */
export function configDir(root, name, url) {
  const dir = path.join(root, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(path.join(root, 'home'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'clouds.config'),
    `[${CLOUD}]\nendpoint_active_directory = ${url}\nendpoint_active_directory_resource_id = ${url}/\nendpoint_resource_manager = ${url}/\n\n`,
  );
  fs.writeFileSync(path.join(dir, 'config'), `[cloud]\nname = ${CLOUD}\n\n[core]\ninstance_discovery = false\n\n`);
  return dir;
}

// Runs a command to completion with stdout and stderr in files (under Wine a pipe can fail where
// a file works), then reads them: `{ code, stdout, stderr }`.
function runToFiles(command, args, env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-run-'));
  const out = path.join(dir, 'stdout');
  const err = path.join(dir, 'stderr');
  const outFd = fs.openSync(out, 'w');
  const errFd = fs.openSync(err, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', outFd, errFd] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(outFd);
      fs.closeSync(errFd);
      const result = {
        code,
        stdout: fs.readFileSync(out, 'utf8'),
        stderr: fs.readFileSync(err, 'utf8'),
      };
      fs.rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
}

function baseEnv(dir) {
  return {
    PATH: process.env.PATH,
    HOME: path.join(path.dirname(dir), 'home'),
    AZURE_CONFIG_DIR: dir,
    TZ: 'UTC',
  };
}

/** The Linux `azlogin args…` in config dir `dir`. */
export function linux(dir, args) {
  return runToFiles(linuxCli, args, baseEnv(dir));
}

// What wine needs from the outside, and nothing else.
function wineEnv() {
  const vars = {};
  for (const name of ['WINEPREFIX', 'WINEDEBUG', 'WINEDLLOVERRIDES', 'WINESERVER', 'WINELOADER']) {
    if (process.env[name] !== undefined) vars[name] = process.env[name];
  }
  return vars;
}

/** The Windows `azlogin.exe args…` under Wine in config dir `dir` (a Unix path, which Wine maps). */
export function windows(dir, args) {
  return runToFiles('wine', [windowsExe, ...args], { ...baseEnv(dir), ...wineEnv() });
}

/** DPAPI `protect` or `unprotect` of file `input` into `output`, under Wine. */
export async function dpapi(mode, input, output) {
  const r = await runToFiles('wine', [dpapiExe, mode, input, output], { PATH: process.env.PATH, ...wineEnv() });
  if (r.code !== 0) throw new Error(`dpapi.exe ${mode} ${input}: exit ${r.code}: ${r.stderr}`);
}

/** The plaintext of a DPAPI-protected file, decrypted under Wine for this Wine user. */
export async function unprotected(file) {
  const plain = `${file}.plain`;
  await dpapi('unprotect', file, plain);
  const text = fs.readFileSync(plain, 'utf8');
  fs.rmSync(plain);
  return text;
}

/** Copies config dir `from` to `to`, encrypting the token cache as the Windows Azure CLI keeps it. */
export async function copyEncrypted(from, to) {
  fs.cpSync(from, to, { recursive: true });
  await dpapi('protect', path.join(to, 'msal_token_cache.json'), path.join(to, 'msal_token_cache.bin'));
  fs.rmSync(path.join(to, 'msal_token_cache.json'));
}

/**
 * A file's text with what differs between any two logins masked: token secrets, times and the
 * installation id. The rest (keys, order, spacing, scopes, accounts) must match byte for byte.
 */
export function masked(text) {
  return text
    .replace(/("secret": )"[^"]*"/g, '$1"<secret>"')
    .replace(/("(?:cached_at|expires_on|extended_expires_on|refresh_on|last_modification_time)": )"\d+"/g, '$1"<time>"')
    .replace(/("installationId": )"[^"]*"/g, '$1"<id>"');
}

/** The names of the files in a dir, sorted, with the DPAPI `.bin` token cache named as its `.json` twin. */
export function filesAsPlain(dir) {
  return fs
    .readdirSync(dir)
    .map((f) => f.replace(/^msal_token_cache\.bin$/, 'msal_token_cache.json'))
    .sort();
}

/** Asserts exit code 0, with the command's output in the message. */
export function ok(r, what) {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
