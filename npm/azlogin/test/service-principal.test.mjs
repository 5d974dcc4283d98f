// login({ servicePrincipal }) and login({ managedIdentity }) against the emulator, then
// getAccessToken and AzLoginCredential over the stored app account.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { AzLoginCredential, getAccessToken, login } from '../index.mjs';
import * as h from './helpers.mjs';

const SECRET_APP = '5a1e0000-0000-4000-8000-00000000c0de';
const SECRET = 'sp-s3cret~value';
const CERT_APP = 'ce570000-0000-4000-8000-00000000c0de';
const FED_APP = 'fed00000-0000-4000-8000-00000000c0de';
const MI_CLIENT = '05e00000-0000-4000-8000-0000000000c2';
const fixtures = path.join(h.repoDir, 'tests/fixtures/service-principal');
const certPath = path.join(fixtures, 'cert.pem');

/** A token from the scenario's trusted issuer, signed with the fixture key. */
function federatedToken(claims) {
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  const signature = crypto.createSign('RSA-SHA256').update(input).sign(fs.readFileSync(certPath, 'utf8'));
  return `${input}.${signature.toString('base64url')}`;
}

describe('service principal and managed identity logins', () => {
  let env;
  before(async () => {
    env = await h.testEnv({ scenario: path.join(h.repoDir, 'tests/scenarios/apps.json') });
  });
  after(() => env.close());

  test('secret: servicePrincipal user, the stored credential, tokens from it', async () => {
    const subs = await login({
      servicePrincipal: { clientId: SECRET_APP, secret: SECRET, tenant: h.CONTOSO },
      configDir: env.configDir,
    });
    assert.deepEqual(
      subs.map((s) => s.id),
      h.CONTOSO_SUBS,
    );
    assert.equal(subs[0].user.name, SECRET_APP);
    assert.equal(subs[0].user.type, 'servicePrincipal');
    assert.deepEqual(env.readJson('service_principal_entries.json'), [
      { client_id: SECRET_APP, tenant: h.CONTOSO, client_secret: SECRET },
    ]);
    const token = await getAccessToken({ configDir: env.configDir });
    assert.equal(token.tenant, h.CONTOSO);
    const credential = new AzLoginCredential({ configDir: env.configDir });
    const at = await credential.getToken(`${env.url}//.default`);
    assert.equal(at.tokenType, 'Bearer');
    assert.ok(at.expiresOnTimestamp > Date.now());
  });

  test('certificate with subject name + issuer', async () => {
    const subs = await login({
      servicePrincipal: { clientId: CERT_APP, certificate: certPath, useCertSnIssuer: true, tenant: h.CONTOSO },
      configDir: env.configDir,
    });
    assert.equal(subs[0].user.name, CERT_APP);
    assert.equal(subs[0].user.useCertSNIssuerAuth, true);
    const stored = env.readJson('service_principal_entries.json').find((e) => e.client_id === CERT_APP);
    assert.deepEqual(stored, { client_id: CERT_APP, tenant: h.CONTOSO, certificate: certPath, use_cert_sn_issuer: true });
  });

  test('federated token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = federatedToken({
      iss: 'https://token.actions.example',
      sub: 'repo:contoso/app:ref:refs/heads/main',
      aud: 'api://AzureADTokenExchange',
      iat: now,
      exp: now + 600,
    });
    const subs = await login({
      servicePrincipal: { clientId: FED_APP, federatedToken: jwt },
      tenant: h.CONTOSO,
      configDir: env.configDir,
    });
    assert.equal(subs[0].user.name, FED_APP);
    const token = await getAccessToken({ configDir: env.configDir });
    assert.equal(token.tenant, h.CONTOSO);
  });

  test('a wrong secret rejects with the Entra error as data and no secret in it', async () => {
    const wrong = 'wrong-secret-value';
    await assert.rejects(
      login({ servicePrincipal: { clientId: SECRET_APP, secret: wrong, tenant: h.CONTOSO }, configDir: env.configDir }),
      (e) => {
        assert.equal(e.code, 'server_error');
        assert.equal(e.error, 'invalid_client');
        assert.deepEqual(e.aadstsCodes, [7000215]);
        assert.ok(!e.message.includes(wrong));
        return true;
      },
    );
  });

  test('bad option combinations are usage errors', async () => {
    for (const options of [
      { servicePrincipal: { clientId: SECRET_APP, secret: 'a', certificate: certPath } },
      { servicePrincipal: { clientId: SECRET_APP } },
      { managedIdentity: { clientId: 'a', objectId: 'b' } },
      { servicePrincipal: { clientId: SECRET_APP, secret: 'a' }, managedIdentity: {} },
    ]) {
      await assert.rejects(login({ ...options, configDir: env.configDir }), { code: 'usage_error' });
    }
  });

  test('managed identity over IMDS: system- and user-assigned, then tokens', async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = env.url;
    try {
      const system = await login({ managedIdentity: {}, configDir: env.configDir });
      assert.equal(system[0].user.name, 'systemAssignedIdentity');
      assert.equal(system[0].user.assignedIdentityInfo, 'MSI');
      const user = await login({ managedIdentity: { clientId: MI_CLIENT }, configDir: env.configDir });
      assert.equal(user[0].user.name, 'userAssignedIdentity');
      assert.equal(user[0].user.assignedIdentityInfo, `MSIClient-${MI_CLIENT}`);
      const token = await getAccessToken({ configDir: env.configDir });
      assert.equal(token.tenant, h.CONTOSO);
      const credential = new AzLoginCredential({ configDir: env.configDir });
      const at = await credential.getToken(`${env.url}//.default`);
      const claims = JSON.parse(Buffer.from(at.token.split('.')[1], 'base64url').toString());
      assert.equal(claims.appid, MI_CLIENT);
    } finally {
      delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    }
  });
});
