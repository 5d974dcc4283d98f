// acquireTokenForClient against the real emulator over loopback: a client secret, a certificate
// (RS256 assertion the emulator verifies, by thumbprint or by subject name + issuer), a federated
// token, Entra's errors as data without the secret, usage errors, and the AbortSignal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { root, scenario, startEmulator } from './emulator.mjs';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const CONTOSO = '11111111-1111-4111-8111-111111111111';
const SECRET_APP = '5a1e0000-0000-4000-8000-00000000c0de';
const SECRET = 'sp-s3cret~value';
const CERT_APP = 'ce570000-0000-4000-8000-00000000c0de';
const FED_APP = 'fed00000-0000-4000-8000-00000000c0de';
/** Trusts the certificate's subject only: no registered thumbprint. */
const SNI_APP = '5a100000-0000-4000-8000-00000000c0de';
const ARM = 'https://management.core.windows.net/';

const fixture = (name) => readFileSync(path.join(root, 'tests/fixtures/service-principal', name), 'utf8');
const CERT_PEM = fixture('cert.pem');
const OTHER_PEM = fixture('other-cert.pem');
const PUBLIC_KEY = createPublicKey(fixture('public.pem'));

/** tests/scenarios/apps.json plus an app that trusts the certificate by subject name only. */
function appsScenario(extra = {}) {
  const s = { ...scenario('apps'), ...extra };
  s.service_principals.push({
    client_id: SNI_APP, secret: '', tenant: CONTOSO, trusted_subjects: ['CN=azlogin-test-cert'],
  });
  return s;
}

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const segment = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString());

/** A federated token from the scenario's trusted issuer, signed with the fixture key. */
function federatedToken(claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({
    iss: 'https://token.actions.example', sub: 'repo:contoso/app:ref:refs/heads/main',
    aud: 'api://AzureADTokenExchange', iat: now, nbf: now, exp: now + 600, ...claims,
  })}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(CERT_PEM).toString('base64url')}`;
}

/** The host's fetch, with each request's form body kept for inspection. */
function recordingFetch() {
  const forms = [];
  const fetchFn = (url, init) => {
    forms.push(new URLSearchParams(init.body ?? ''));
    return fetch(url, init);
  };
  return { forms, fetchFn };
}

/** The error a promise rejects with (a resolved promise fails the test). */
const failure = (promise) => promise.then(() => assert.fail('resolved'), (e) => e);

function assertAppToken(token, appId, emu, before) {
  assert.deepEqual(Object.keys(token).sort(), ['accessToken', 'expiresOn', 'tenantId', 'tokenType']);
  assert.equal(token.tokenType, 'Bearer');
  assert.equal(token.tenantId, CONTOSO);
  // The scenario's 4799-second lifetime, from now.
  assert.ok(token.expiresOn >= Math.floor(before / 1000) + 4799 && token.expiresOn <= Date.now() / 1000 + 4799,
    `${token.expiresOn}`);
  const claims = wasm.decodeTokenClaims(token.accessToken);
  assert.equal(claims.appid, appId);
  assert.equal(claims.tid, CONTOSO);
  assert.equal(claims.idtyp, 'app');
  assert.equal(claims.aud, ARM);
  assert.equal(claims.iss, `https://sts.windows.net/${CONTOSO}/`);
}

test('a client secret gets an app-only ARM token, with the CLI\'s form', async () => {
  const emu = await startEmulator(appsScenario());
  try {
    const { forms, fetchFn } = recordingFetch();
    const before = Date.now();
    const token = await wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: SECRET_APP, secret: SECRET, loginEndpoint: emu.url, fetch: fetchFn,
    });
    assertAppToken(token, SECRET_APP, emu, before);
    assert.equal(forms.length, 1);
    assert.deepEqual([...forms[0].keys()], ['grant_type', 'client_id', 'client_secret', 'scope', 'claims']);
    assert.equal(forms[0].get('grant_type'), 'client_credentials');
    assert.equal(forms[0].get('scope'), 'https://management.core.windows.net//.default');
    assert.equal(forms[0].get('claims'), '{"access_token": {"xms_cc": {"values": ["CP1"]}}}');
    const log = await emu.requests();
    assert.deepEqual(log.map((r) => [r.path, r.tenant, r.grant_type, r.status]),
      [[`/${CONTOSO}/oauth2/v2.0/token`, CONTOSO, 'client_credentials', 200]]);

    // Another scope, no claims, and the host's own fetch.
    const graph = await wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: SECRET_APP, secret: SECRET, loginEndpoint: emu.url,
      scopes: ['https://graph.microsoft.com/.default'], claims: '',
    });
    assert.equal(wasm.decodeTokenClaims(graph.accessToken).aud, 'https://graph.microsoft.com');
  } finally {
    emu.stop();
  }
});

test('a wrong secret is Entra\'s error as data, and the secret appears nowhere', async () => {
  const emu = await startEmulator(appsScenario());
  try {
    const wrong = 'wr0ng-Secret-value!';
    const err = await failure(wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: SECRET_APP, secret: wrong, loginEndpoint: emu.url,
    }));
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'AzLoginError');
    assert.equal(err.code, 'server_error');
    assert.deepEqual(err.aadstsCodes, [7000215]);
    assert.equal(err.error, 'invalid_client');
    assert.match(err.message, /AADSTS7000215: Invalid client secret provided/);
    assert.ok(err.correlationId && err.traceId);
    for (const text of [err.message, err.stack, String(err.recommendation), JSON.stringify(err)]) {
      assert.ok(!text.includes(wrong), text);
      assert.ok(!text.includes(SECRET), text);
    }
  } finally {
    emu.stop();
  }
});

test('a certificate signs an RS256 assertion that the emulator verifies by thumbprint', async () => {
  const emu = await startEmulator(appsScenario());
  try {
    const { forms, fetchFn } = recordingFetch();
    const before = Date.now();
    const token = await wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: CERT_APP, certificate: { pem: CERT_PEM }, loginEndpoint: emu.url, fetch: fetchFn,
    });
    assertAppToken(token, CERT_APP, emu, before);
    const form = forms[0];
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(form.get('client_secret'), null);
    const assertion = form.get('client_assertion');
    const [header, payload] = [segment(assertion, 0), segment(assertion, 1)];
    // x5t: the SHA-1 of the DER certificate, base64url with its padding.
    const sha1 = Buffer.from(header.x5t, 'base64url').toString('hex');
    assert.equal(sha1, fixture('cert.sha1').trim());
    assert.deepEqual(Object.keys(header), ['alg', 'typ', 'x5t']);
    assert.equal(header.alg, 'RS256');
    assert.equal(payload.aud, `${emu.url}/${CONTOSO}/oauth2/v2.0/token`);
    assert.equal(payload.iss, CERT_APP);
    assert.equal(payload.sub, CERT_APP);
    // The host's clock and random source.
    assert.ok(payload.iat >= Math.floor(before / 1000) - 1 && payload.iat <= Date.now() / 1000);
    assert.equal(payload.exp - payload.iat, 600);
    assert.match(payload.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [h, p, sig] = assertion.split('.');
    assert.ok(createVerify('RSA-SHA256').update(`${h}.${p}`).verify(PUBLIC_KEY, Buffer.from(sig, 'base64url')));

    // Each request signs a fresh assertion with a new jti; a PKCS#1 key (`RSA PRIVATE KEY`)
    // signs the same way.
    const pkcs1 = createPrivateKey(CERT_PEM).export({ type: 'pkcs1', format: 'pem' });
    assert.match(pkcs1, /^-----BEGIN RSA PRIVATE KEY-----/);
    const certificate = CERT_PEM.slice(CERT_PEM.indexOf('-----BEGIN CERTIFICATE-----'));
    const again = await wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: CERT_APP, certificate: { pem: pkcs1 + certificate }, loginEndpoint: emu.url, fetch: fetchFn,
    });
    assert.equal(wasm.decodeTokenClaims(again.accessToken).appid, CERT_APP);
    assert.notEqual(segment(forms[1].get('client_assertion'), 1).jti, payload.jti);
  } finally {
    emu.stop();
  }
});

test('subject name + issuer sends the chain; without it, or with another key, Entra refuses', async () => {
  const emu = await startEmulator(appsScenario());
  try {
    const { forms, fetchFn } = recordingFetch();
    const options = { tenant: CONTOSO, clientId: SNI_APP, loginEndpoint: emu.url, fetch: fetchFn };
    const token = await wasm.acquireTokenForClient({ ...options, certificate: { pem: CERT_PEM, useCertSnIssuer: true } });
    assert.equal(wasm.decodeTokenClaims(token.accessToken).appid, SNI_APP);
    const header = segment(forms[0].get('client_assertion'), 0);
    assert.deepEqual(Object.keys(header), ['alg', 'typ', 'x5c', 'x5t']);
    assert.equal(header.x5c.length, 1);
    const leaf = CERT_PEM.split('-----BEGIN CERTIFICATE-----')[1].split('-----END CERTIFICATE-----')[0];
    assert.equal(header.x5c[0], leaf.replace(/\s/g, ''));

    // No chain: the app has no registered thumbprint.
    const unregistered = await failure(wasm.acquireTokenForClient({ ...options, certificate: { pem: CERT_PEM } }));
    assert.equal(unregistered.code, 'server_error');
    assert.deepEqual(unregistered.aadstsCodes, [700027]);
    // A certificate the thumbprint app does not know.
    const other = await failure(wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: CERT_APP, certificate: { pem: OTHER_PEM }, loginEndpoint: emu.url,
    }));
    assert.deepEqual(other.aadstsCodes, [700027]);
    assert.match(other.message, /is not registered on application/);
  } finally {
    emu.stop();
  }
});

test('a federated token is sent as the client assertion; a wrong audience is AADSTS700212', async () => {
  const emu = await startEmulator(appsScenario());
  try {
    const { forms, fetchFn } = recordingFetch();
    const jwt = federatedToken();
    const before = Date.now();
    const token = await wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: FED_APP, federatedToken: jwt, loginEndpoint: emu.url, fetch: fetchFn,
    });
    assertAppToken(token, FED_APP, emu, before);
    assert.equal(forms[0].get('client_assertion'), jwt);
    assert.equal(forms[0].get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');

    const wrongAudience = federatedToken({ aud: 'api://wrong' });
    const err = await failure(wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: FED_APP, federatedToken: wrongAudience, loginEndpoint: emu.url,
    }));
    assert.equal(err.code, 'server_error');
    assert.deepEqual(err.aadstsCodes, [700212]);
    assert.ok(!err.message.includes(wrongAudience) && !err.stack.includes(wrongAudience));
  } finally {
    emu.stop();
  }
});

test('the signal aborts a request in flight, and an aborted signal sends nothing', async () => {
  const emu = await startEmulator(appsScenario({ latency_ms: 3000 }));
  try {
    const controller = new AbortController();
    let sent;
    const inFlight = new Promise((resolve) => { sent = resolve; });
    const pending = wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: SECRET_APP, secret: SECRET, loginEndpoint: emu.url, signal: controller.signal,
      fetch: (url, init) => { sent(); return fetch(url, init); },
    });
    await inFlight;
    controller.abort();
    await assert.rejects(pending, (e) => e.name === 'AzLoginError' && e.code === 'cancelled');

    const aborted = AbortSignal.abort();
    let calls = 0;
    await assert.rejects(wasm.acquireTokenForClient({
      tenant: CONTOSO, clientId: SECRET_APP, secret: SECRET, loginEndpoint: emu.url, signal: aborted,
      fetch: (url, init) => { calls += 1; return fetch(url, init); },
    }), (e) => e.code === 'cancelled');
    assert.equal(calls, 0);
  } finally {
    emu.stop();
  }
});

test('bad options are usage errors that name the option and never echo a secret', async () => {
  const key = CERT_PEM.split('-----BEGIN CERTIFICATE-----')[0];
  const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const base = { tenant: CONTOSO, clientId: SECRET_APP, loginEndpoint: 'http://127.0.0.1:9', fetch: () => assert.fail('sent') };
  const cases = [
    [{ ...base }, /exactly one of `secret`, `certificate` and `federatedToken`/],
    [{ ...base, secret: 's', federatedToken: 't' }, /exactly one of/],
    [{ ...base, clientId: undefined, secret: 's' }, /needs `clientId`/],
    [{ ...base, tenant: undefined, secret: 's' }, /needs `tenant`/],
    [{ ...base, secret: ['s3cret-in-array'] }, /`secret` must be a string/],
    [{ ...base, certificate: CERT_PEM }, /`certificate` must be an object: \{ pem, useCertSnIssuer\? \}/],
    [{ ...base, certificate: { pem: key } }, /The certificate file 'certificate\.pem' has no certificate\./],
    [{ ...base, certificate: {} }, /`certificate.pem` is required/],
    [{ ...base, certificate: { pem: ecKey + CERT_PEM.slice(CERT_PEM.indexOf('-----BEGIN CERTIFICATE-----')) } },
      /The certificate file 'certificate\.pem' has a private key that is not RSA/],
    [{ ...base, secret: 's', scopes: 5 }, /`scopes` must be a string or an array of strings/],
  ];
  for (const [options, pattern] of cases) {
    const err = await failure(wasm.acquireTokenForClient(options));
    assert.equal(err.code, 'usage_error', err.message);
    assert.match(err.message, pattern);
    for (const text of [err.message, err.stack]) {
      assert.ok(!text.includes('PRIVATE KEY') && !text.includes('s3cret-in-array'), text);
    }
  }
  await assert.rejects(wasm.acquireTokenForClient(), (e) => e.code === 'usage_error');
});
