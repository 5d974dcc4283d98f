// `azlogin login` (browser flow) completed in a real headless Chromium against the emulator.
//
// The `$BROWSER` launcher hands the authorize URL to this test through a file; the test opens
// it in a Chromium it launched with playwright-core, clicks "Sign in", and the emulator's
// form_post page submits the code to azlogin's loopback listener.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const AZLOGIN = process.env.AZLOGIN_BIN ?? path.join(root, 'target', 'debug', 'azlogin');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const USER = 'user@contoso.example';

/** Starts `azlogin emulator` and resolves with its URL once it prints the ready event. */
function startEmulator() {
  const proc = spawn(AZLOGIN, ['emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.on('error', reject);
    proc.on('exit', (code) => reject(new Error(`emulator exited early (${code})`)));
    proc.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        const ready = JSON.parse(line);
        assert.equal(ready.event, 'ready');
        resolve({ proc, url: ready.url.replace(/\/$/, '') });
      }
    });
  });
}

/** Runs a process to completion, collecting its output. */
function collect(proc) {
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (c) => { stdout += c; });
  proc.stderr.on('data', (c) => { stderr += c; });
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, stdout, stderr })));
}

async function waitForFile(file, timeoutMs) {
  const start = Date.now();
  while (!existsSync(file)) {
    if (Date.now() - start > timeoutMs) throw new Error(`${file} never appeared`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return readFileSync(file, 'utf8');
}

test('azlogin login completes in headless Chromium', { timeout: 120_000 }, async () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'azlogin-browser-'));
  const configDir = path.join(tmp, 'config');
  const home = path.join(tmp, 'home');
  const urlFile = path.join(tmp, 'authorize-url');
  const launcher = path.join(tmp, 'browser.sh');
  const emulator = await startEmulator();
  let browser;
  try {
    mkdirSync(configDir);
    mkdirSync(home);
    writeFileSync(path.join(configDir, 'clouds.config'),
      `[Emulator]\nendpoint_active_directory = ${emulator.url}\n` +
      `endpoint_active_directory_resource_id = ${emulator.url}/\n` +
      `endpoint_resource_manager = ${emulator.url}/\n\n`);
    writeFileSync(path.join(configDir, 'config'),
      '[cloud]\nname = Emulator\n\n[core]\ninstance_discovery = false\n\n');
    writeFileSync(launcher,
      `#!/bin/sh\nprintf '%s' "$1" > '${urlFile}.tmp' && mv '${urlFile}.tmp' '${urlFile}'\n`);
    chmodSync(launcher, 0o755);

    const login = spawn(AZLOGIN, ['login', '--timeout', '90'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: home, AZURE_CONFIG_DIR: configDir, BROWSER: launcher },
    });
    const finished = collect(login);
    const authorizeUrl = await waitForFile(urlFile, 30_000);
    assert.match(authorizeUrl, /response_mode=form_post/);

    const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
        XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
      },
    });
    browser = context;
    const page = context.pages()[0] ?? await context.newPage();
    await page.goto(authorizeUrl);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('You have logged into Microsoft Azure!').waitFor({ timeout: 30_000 });
    assert.equal(await page.title(), 'Login successfully');
    assert.match(page.url(), /^http:\/\/localhost:\d+\/$/);

    const run = await finished;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^WARNING: A web browser has been opened at http:\/\/127\.0\.0\.1:\d+\/organizations\/oauth2\/v2\.0\/authorize\. Please continue the login in the web browser\./);
    const subscriptions = JSON.parse(run.stdout);
    assert.equal(subscriptions.length, 2);
    const profile = JSON.parse(readFileSync(path.join(configDir, 'azureProfile.json'), 'utf8').replace(/^\uFEFF/, ''));
    assert.equal(profile.subscriptions[0].user.name, USER);
  } finally {
    await browser?.close();
    emulator.proc.removeAllListeners('exit');
    emulator.proc.kill('SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
  }
});
