#!/usr/bin/env node
// A build step that needs Azure Resource Manager: it takes a token from an existing login (az's
// or azlogin's, the same ~/.azure), else signs in with a device code, then calls ARM.
//
//   node examples/node-build-script.mjs
//
// AZURE_RESOURCE_MANAGER names the ARM endpoint (default: https://management.azure.com/).

import { getAccessToken, login } from '../npm/azlogin/index.mjs';

const arm = (process.env.AZURE_RESOURCE_MANAGER ?? 'https://management.azure.com/').replace(/\/?$/, '/');

async function armToken() {
  try {
    return await getAccessToken();
  } catch (e) {
    if (e.code !== 'no_account' && e.code !== 'interaction_required') throw e;
    console.error(`No usable login (${e.code}); signing in with a device code.`);
    await login({
      onDeviceCode: (info) => console.error(info.message),
      signal: AbortSignal.timeout(15 * 60_000),
    });
    return getAccessToken();
  }
}

try {
  const { token, subscription } = await armToken();
  const res = await fetch(`${arm}subscriptions?api-version=2022-12-01`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`ARM answered ${res.status}: ${await res.text()}`);
  const { value } = await res.json();
  console.log(JSON.stringify({ default: subscription, subscriptions: value.map((s) => s.displayName) }));
} catch (e) {
  console.error(`build step failed [${e.code ?? 'error'}]: ${e.message}`);
  process.exitCode = 1;
}
