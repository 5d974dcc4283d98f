// login({ method: 'browser' }) against the emulator: the openBrowser hook plays the browser;
// AbortSignal and timeoutMs end the wait, and the loopback port is closed afterwards.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';

import { login } from '../index.mjs';
import * as h from './helpers.mjs';

/** The first form of an HTML page: its action and its fields. */
function form(html, base) {
  const unescape = (s) =>
    s.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = unescape(/<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '');
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"/g)) {
    fields.append(unescape(m[1]), unescape(m[2]));
  }
  return { action: new URL(action, base).toString(), fields };
}

/** What a user's browser does: open the page, press "Sign in", follow the form_post. */
async function signIn(url) {
  const page = (await h.httpRequest(url)).text;
  const signInForm = form(page, url);
  const posted = (await h.httpRequest(signInForm.action, { method: 'POST', body: signInForm.fields })).text;
  const redirect = form(posted, signInForm.action);
  return h.httpRequest(redirect.action, { method: 'POST', body: redirect.fields });
}

/** Resolves true when a TCP connect to the port is refused. */
function refused(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('browser login', () => {
  let env;
  before(async () => {
    env = await h.testEnv();
  });
  after(() => env.close());

  test('openBrowser gets the authorize URL; the sign-in completes the login', async () => {
    let landing;
    let redirectPort;
    const subs = await login({
      method: 'browser',
      tenant: h.CONTOSO,
      configDir: env.configDir,
      openBrowser: async (url) => {
        const u = new URL(url);
        assert.equal(u.searchParams.get('response_mode'), 'form_post');
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
        redirectPort = Number(new URL(u.searchParams.get('redirect_uri')).port);
        landing = await signIn(url);
      },
    });
    assert.deepEqual(
      subs.map((s) => s.id),
      h.CONTOSO_SUBS,
    );
    assert.equal(landing.status, 200);
    assert.match(landing.text, /You have logged into Microsoft Azure!/);
    assert.equal(await h.grants(env, 'authorization_code'), 1);
    assert.ok(await refused(redirectPort), 'the listener is gone after success');
  });

  test('AbortSignal mid-wait: rejects with cancelled and the port is closed', async () => {
    const controller = new AbortController();
    let redirectPort;
    const pending = login({
      method: 'browser',
      configDir: env.configDir,
      signal: controller.signal,
      openBrowser: (url) => {
        redirectPort = Number(new URL(new URL(url).searchParams.get('redirect_uri')).port);
      },
    });
    await h.until(() => redirectPort !== undefined);
    assert.equal(await refused(redirectPort), false, 'listening while it waits');
    controller.abort();
    await assert.rejects(pending, { code: 'cancelled' });
    assert.ok(await refused(redirectPort), 'the listener is gone after the abort');
  });

  test('timeoutMs ends the wait with code timeout', async () => {
    let redirectPort;
    await assert.rejects(
      login({
        method: 'browser',
        configDir: env.configDir,
        timeoutMs: 500,
        openBrowser: (url) => {
          redirectPort = Number(new URL(new URL(url).searchParams.get('redirect_uri')).port);
        },
      }),
      { code: 'timeout' },
    );
    assert.ok(await refused(redirectPort), 'the listener is gone after the timeout');
  });
});
