// Uses every export of the package's generated declarations (pkg/web/azlogin_wasm.d.ts, which
// the package's "types" condition names), so `tsc --noEmit` checks them against real use. Never
// run; `@ts-expect-error` lines are uses the types must refuse.

import init, {
  DeviceCodeFlow,
  DeviceCodeSteps,
  SubscriptionSelector,
  acquireTokenForClient,
  coreVersion,
  decodeTokenClaims,
  discoverSubscriptions,
  errorCodes,
  initSync,
  mergeSubscriptions,
  parseLogin,
  parseProfile,
  serializeProfile,
} from 'azlogin-wasm';
import type {
  AzLoginError,
  AzLoginErrorCode,
  AzureProfile,
  BuiltinCloudName,
  ClientCredentialOptions,
  ClientToken,
  CloudOption,
  DeviceCodeStart,
  DeviceCodeStep,
  DiscoverOptions,
  Discovery,
  HttpRequestStep,
  MergeResult,
  SelectorChoice,
  SelectorRow,
  SubscriptionEntry,
  TenantInfo,
  Tokens,
} from 'azlogin-wasm';
import * as web from 'azlogin-wasm/web';

export async function signIn(): Promise<string | null> {
  await init();
  const version: string = coreVersion();
  const flow = new DeviceCodeFlow({ cloud: 'AzureChinaCloud', tenant: 'contoso.cn', fetch: globalThis.fetch });
  const start: DeviceCodeStart = await flow.start();
  const expires: number = start.expiresOn;
  const tokens: Tokens = await flow.waitForToken({ signal: AbortSignal.timeout(900_000) });
  const claims: Record<string, unknown> = decodeTokenClaims(tokens.accessToken ?? '');
  console.log(version, start.userCode, expires, claims.tid, tokens.account.homeAccountId);
  return tokens.refreshToken;
}

export function aliases(host: string): AzLoginErrorCode[] {
  const byAuthority = new DeviceCodeFlow({ authority: `${host}/organizations` });
  const byHost = new DeviceCodeSteps({ authorityHost: host, tenantId: 'contoso.example' });
  // @ts-expect-error: an unknown key (refused at run time too, naming `tenantId`).
  const typo = new DeviceCodeSteps({ tenantID: 't' });
  // @ts-expect-error: an unknown key in the nested cloud object.
  const nested = new DeviceCodeSteps({ cloud: { loginEndpont: host } });
  const byTenantId: ClientCredentialOptions = { tenantId: 't', clientId: 'c', secret: 's' };
  const byAuthorityOnly: ClientCredentialOptions = { authority: `${host}/t`, clientId: 'c', federatedToken: 'jwt' };
  const parsed = parseLogin({ useDeviceCode: true, tenantId: 't' });
  const kind: 'deviceCode' | 'servicePrincipal' = parsed.kind;
  console.log(byAuthority, byHost, typo, nested, byTenantId, byAuthorityOnly, kind);
  return errorCodes();
}

export function steps(body: string): Tokens | number {
  const steps = new DeviceCodeSteps({ cloud: { name: 'AzureCloud', loginEndpoint: 'https://relay.example' } });
  const request: HttpRequestStep = steps.nextRequest(Date.now());
  const method: 'GET' | 'POST' = request.method;
  const step: DeviceCodeStep = steps.handleResponse({ status: 200, body }, Date.now());
  console.log(method, request.url, request.body);
  if ('done' in step) return step.done;
  if ('start' in step) console.log(step.start.message);
  return step.wait;
}

export async function discover(refreshToken: string): Promise<SubscriptionEntry[]> {
  const clouds: CloudOption[] = [
    'AzureUSGovernment',
    { name: 'Emulator', loginEndpoint: 'http://127.0.0.1:8400', armEndpoint: 'http://127.0.0.1:8400/', armResourceId: 'http://127.0.0.1:8400/' },
  ];
  const options: DiscoverOptions = { refreshToken, cloud: clouds[0], concurrency: 8, allowNoSubscriptions: true };
  const found: Discovery = await discoverSubscriptions(options);
  const armOnly = await discoverSubscriptions({ armToken: 'eyJ…', cloud: clouds[1] });
  const waiting: TenantInfo[] = armOnly.tenantsNeedingRefreshToken;
  const names: (string | null)[] = [...found.mfaTenants, ...found.failedTenants, ...found.emptyTenants, ...waiting]
    .map((t) => t.displayName ?? t.defaultDomain);
  console.log(names, found.tenants.length, found.warnings.join('\n'));
  return found.subscriptions;
}

export function pick(subscriptions: SubscriptionEntry[], text: string): SelectorRow | null {
  const selector = new SubscriptionSelector(subscriptions, subscriptions[0]?.id);
  const rows: SelectorRow[] = selector.rows('contoso');
  const table: string = selector.render('contoso', 'dark');
  const choice: SelectorChoice = selector.choose(text);
  console.log(rows.map((r) => `[${r.number}] ${r.shownName}${r.isDefault ? ' *' : ''}`), table, choice.warning);
  switch (choice.kind) {
    case 'selected':
    case 'keep':
      return choice.chosen;
    case 'filtered':
      console.log(choice.count, selector.render(choice.filter));
      return null;
    case 'unfiltered':
    case 'noMatch':
    case 'invalid':
      return null;
  }
}

export function profile(text: string, subscriptions: SubscriptionEntry[]): string {
  const parsed: AzureProfile = parseProfile(text);
  const merged: MergeResult = mergeSubscriptions(parsed, subscriptions, merged_default(parsed));
  const defaultId: string | null = merged.defaultId;
  console.log(defaultId);
  return serializeProfile(merged.profile);
}

function merged_default(p: AzureProfile): string | null {
  return p.subscriptions?.find((s) => s.isDefault)?.id ?? null;
}

export async function appOnly(pem: string): Promise<ClientToken> {
  const bySecret: ClientCredentialOptions = { tenant: 't', clientId: 'c', secret: 's', cloud: 'AzureChinaCloud' };
  const byCertificate: ClientCredentialOptions = { tenant: 't', clientId: 'c', certificate: { pem, useCertSnIssuer: true } };
  const federated: ClientCredentialOptions = { tenant: 't', clientId: 'c', federatedToken: 'jwt', scopes: ['api://x/.default'] };
  await acquireTokenForClient(bySecret);
  await acquireTokenForClient(federated);
  return acquireTokenForClient(byCertificate);
}

export function errors(e: unknown): AzLoginErrorCode | null {
  if (e instanceof Error && e.name === 'AzLoginError') {
    const err = e as AzLoginError;
    const details: (string | null)[] = [err.recommendation, err.error, err.correlationId, err.traceId];
    const codes: number[] | null = err.aadstsCodes;
    console.log(details, codes);
    return err.code;
  }
  return null;
}

export function refused(): void {
  // @ts-expect-error: only the built-in clouds are names; others are objects with endpoints.
  new DeviceCodeSteps({ cloud: 'AzureGermanCloud' });
  // @ts-expect-error: exactly one credential.
  void acquireTokenForClient({ tenant: 't', clientId: 'c', secret: 's', federatedToken: 'jwt' });
  // @ts-expect-error: a cloud's endpoints are strings.
  void discoverSubscriptions({ armToken: 'x', cloud: { armResourceId: 1 } });
  const name: BuiltinCloudName = 'AzureBleuCloud';
  web.initSync({ module: new Uint8Array() });
  initSync(new WebAssembly.Module(new Uint8Array()));
  console.log(name);
}
