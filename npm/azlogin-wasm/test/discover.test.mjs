// discoverSubscriptions over an injected fetch: the CLI's tenant loop and its warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const sub = (id, name, tenantId) => ({ subscriptionId: id, displayName: name, state: 'Enabled', tenantId, managedByTenants: [] });

/** A fake Entra + ARM: tokens name their tenant; T2 has no subscriptions. */
async function fakeFetch(url, init) {
  const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const u = new URL(url);
  if (u.pathname.endsWith('/oauth2/v2.0/token')) {
    const tenant = u.pathname.split('/')[1];
    return json({ access_token: `at-${tenant}`, token_type: 'Bearer', expires_in: 3600 });
  }
  const auth = init.headers.Authorization ?? init.headers.authorization;
  if (u.pathname === '/tenants') {
    return json({ value: [{ tenantId: T1, displayName: 'Contoso', defaultDomain: 'contoso.example' }, { tenantId: T2, displayName: 'Empty' }] });
  }
  if (u.pathname === '/subscriptions') {
    return json({ value: auth === `Bearer at-${T1}` ? [sub('s1', 'Prod', T1), sub('s2', 'Dev', T1)] : [] });
  }
  return json({ error: { code: 'NotFound', message: u.pathname } }, 404);
}

test('discoverSubscriptions runs the tenant loop with the CLI warnings', async () => {
  const result = await wasm.discoverSubscriptions({
    refreshToken: 'rt', username: 'user@contoso.example', fetch: fakeFetch,
    cloud: { name: 'FakeCloud', loginEndpoint: 'https://login.example', armEndpoint: 'https://arm.example', armResourceId: 'https://arm.example/' },
  });
  assert.deepEqual(result.subscriptions.map((s) => s.id), ['s1', 's2']);
  assert.equal(result.subscriptions[0].tenantDisplayName, 'Contoso');
  assert.equal(result.subscriptions[0].environmentName, 'FakeCloud');
  assert.equal(result.subscriptions[0].user.name, 'user@contoso.example');
  assert.deepEqual(result.emptyTenants.map((t) => t.tenantId), [T2]);
  assert.match(result.warnings.join('\n'), /don't contain accessible subscriptions/);
});

test('discoverSubscriptions needs a token and honours an aborted signal', async () => {
  await assert.rejects(wasm.discoverSubscriptions({ fetch: fakeFetch }), (e) => e.code === 'usage_error');
  await assert.rejects(
    wasm.discoverSubscriptions({ armToken: 'x', fetch: fakeFetch, signal: AbortSignal.abort() }),
    (e) => e.code === 'cancelled',
  );
});
