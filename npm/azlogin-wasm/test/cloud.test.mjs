// The `cloud` option: a built-in cloud's name (resolved by the core) gives that cloud's login
// endpoint, ARM endpoint and ARM scope; endpoints replace a built-in cloud's or make a custom
// one; anything else is a usage_error. No network: the step API and fake fetches only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

/** The form body of a request as an object. */
const form = (body) => Object.fromEntries(new URLSearchParams(body));

const CLOUDS = {
  AzureCloud: ['https://login.microsoftonline.com', 'https://management.core.windows.net//.default'],
  AzureChinaCloud: ['https://login.chinacloudapi.cn', 'https://management.core.chinacloudapi.cn//.default'],
  AzureUSGovernment: ['https://login.microsoftonline.us', 'https://management.core.usgovcloudapi.net//.default'],
};

for (const [name, [login, scope]] of Object.entries(CLOUDS)) {
  test(`cloud '${name}' gives its login URL and ARM scope in nextRequest()`, () => {
    const request = new wasm.DeviceCodeSteps({ cloud: name }).nextRequest(1);
    assert.equal(request.url, `${login}/organizations/oauth2/v2.0/devicecode`);
    assert.equal(form(request.body).scope, `${scope} openid profile offline_access`);
  });
}

test('no cloud is AzureCloud; endpoints replace a built-in cloud\'s; loginEndpoint replaces the login only', () => {
  const plain = new wasm.DeviceCodeSteps().nextRequest(1);
  assert.equal(plain.url, 'https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode');
  assert.equal(form(plain.body).scope, `${CLOUDS.AzureCloud[1]} openid profile offline_access`);

  const relayed = new wasm.DeviceCodeSteps({
    cloud: { name: 'AzureChinaCloud', loginEndpoint: 'https://relay.example/login' }, tenant: 'contoso.cn',
  }).nextRequest(1);
  assert.equal(relayed.url, 'https://relay.example/login/contoso.cn/oauth2/v2.0/devicecode');
  assert.equal(form(relayed.body).scope, `${CLOUDS.AzureChinaCloud[1]} openid profile offline_access`);

  const shorthand = new wasm.DeviceCodeSteps({ cloud: 'AzureUSGovernment', loginEndpoint: 'https://relay.example' }).nextRequest(1);
  assert.equal(shorthand.url, 'https://relay.example/organizations/oauth2/v2.0/devicecode');
  assert.equal(form(shorthand.body).scope, `${CLOUDS.AzureUSGovernment[1]} openid profile offline_access`);

  const custom = new wasm.DeviceCodeSteps({
    cloud: { name: 'Stack', loginEndpoint: 'https://login.stack.example', armEndpoint: 'https://arm.stack.example', armResourceId: 'https://arm.stack.example/' },
  }).nextRequest(1);
  assert.equal(custom.url, 'https://login.stack.example/organizations/oauth2/v2.0/devicecode');
  assert.equal(form(custom.body).scope, 'https://arm.stack.example//.default openid profile offline_access');
});

test('an unknown cloud, a custom cloud without its endpoints, or a mistyped field is a usage_error', async () => {
  const unknown = (e) => e.code === 'usage_error' && e.name === 'AzLoginError'
    && e.message === "The cloud 'AzureGermanCloud' is not built in (AzureCloud, AzureChinaCloud, AzureUSGovernment, AzureBleuCloud): name one of those, or give all endpoints of a custom cloud (missing: armEndpoint, loginEndpoint, armResourceId).";
  assert.throws(() => new wasm.DeviceCodeSteps({ cloud: 'AzureGermanCloud' }), unknown);
  assert.throws(() => new wasm.DeviceCodeFlow({ cloud: 'AzureGermanCloud' }), unknown);
  await assert.rejects(wasm.discoverSubscriptions({ refreshToken: 'rt', cloud: 'AzureGermanCloud' }), unknown);
  await assert.rejects(
    wasm.acquireTokenForClient({ tenant: 't', clientId: 'c', secret: 's', cloud: 'AzureGermanCloud' }), unknown);

  assert.throws(
    () => new wasm.DeviceCodeSteps({ cloud: { name: 'Stack', loginEndpoint: 'https://login.stack.example' } }),
    (e) => e.code === 'usage_error' && /missing: armEndpoint, armResourceId\)\.$/.test(e.message),
  );
  assert.throws(
    () => new wasm.DeviceCodeSteps({ cloud: { name: 'AzureCloud', armResourceID: 'https://x/' } }),
    (e) => e.code === 'usage_error' && /^Unknown option `armResourceID` in `cloud`: did you mean `armResourceId`\?$/.test(e.message),
  );
  assert.throws(
    () => new wasm.DeviceCodeSteps({ cloud: 42 }),
    (e) => e.code === 'usage_error' && /a built-in cloud's name or \{ name, loginEndpoint, armEndpoint, armResourceId \}/.test(e.message),
  );
});

test('discoverSubscriptions and acquireTokenForClient talk to the named cloud', async () => {
  const seen = [];
  const fetch = async (url, init) => {
    seen.push({ url, body: init.body });
    const u = new URL(url);
    const body = u.pathname.endsWith('/token')
      ? { access_token: 'at', token_type: 'Bearer', expires_in: 3600 }
      : { value: u.pathname === '/tenants' ? [{ tenantId: 't1' }] : [{ subscriptionId: 's1', displayName: 'S', state: 'Enabled', tenantId: 't1' }] };
    return new Response(JSON.stringify(body), { status: 200 });
  };
  const found = await wasm.discoverSubscriptions({ refreshToken: 'rt', cloud: 'AzureChinaCloud', fetch });
  assert.deepEqual(found.subscriptions.map((s) => [s.id, s.environmentName]), [['s1', 'AzureChinaCloud']]);
  assert.deepEqual(seen.map((r) => r.url.split('?')[0]), [
    'https://login.chinacloudapi.cn/organizations/oauth2/v2.0/token',
    'https://management.chinacloudapi.cn/tenants',
    'https://login.chinacloudapi.cn/t1/oauth2/v2.0/token',
    'https://management.chinacloudapi.cn/subscriptions',
  ]);
  assert.equal(form(seen[0].body).scope, `${CLOUDS.AzureChinaCloud[1]} openid profile offline_access`);

  seen.length = 0;
  const token = await wasm.acquireTokenForClient({ tenant: 't1', clientId: 'c', secret: 's', cloud: 'AzureUSGovernment', fetch });
  assert.equal(token.accessToken, 'at');
  assert.equal(seen[0].url, 'https://login.microsoftonline.us/t1/oauth2/v2.0/token');
  assert.equal(form(seen[0].body).scope, CLOUDS.AzureUSGovernment[1]);
});
