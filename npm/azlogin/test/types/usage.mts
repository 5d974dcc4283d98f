// Uses every exported type of the package, so `tsc --noEmit` checks the declarations.

import type { TokenCredential } from '@azure/core-auth';

import {
  AzLoginCredential,
  AzLoginError,
  clearAccounts,
  coreVersion,
  errorCodes,
  getAccessToken,
  listAccounts,
  login,
  logout,
  runCli,
  setAccount,
  showAccount,
  startEmulator,
} from 'azlogin';
import type {
  AccessToken,
  AccessTokenResult,
  AzLoginCredentialOptions,
  AzLoginErrorCode,
  BrowserLoginOptions,
  DeviceCodeInfo,
  DeviceCodeLoginOptions,
  EmulatorOptions,
  GetAccessTokenOptions,
  GetTokenOptions,
  LoginOptions,
  LoginProgress,
  LogoutResult,
  ManagedIdentityLoginOptions,
  PasswordLoginOptions,
  RunningEmulator,
  ServicePrincipalLoginOptions,
  SessionOptions,
  Subscription,
} from 'azlogin';

export async function everything(): Promise<void> {
  const session: SessionOptions = { configDir: '/tmp/azure', cloud: 'AzureCloud' };
  const emulatorOptions: EmulatorOptions = { scenario: { page_size: 2 }, latencyMs: 1, tls: true };
  const emulator: RunningEmulator = await startEmulator(emulatorOptions);
  const controller = new AbortController();
  const deviceCode: DeviceCodeLoginOptions = {
    ...session,
    tenant: 'contoso.example',
    scopes: ['https://management.core.windows.net//.default'],
    allowNoSubscriptions: true,
    subscription: 'Contoso Dev',
    skipSubscriptionDiscovery: false,
    timeoutMs: 60_000,
    signal: controller.signal,
    onDeviceCode: (info: DeviceCodeInfo) => console.log(info.userCode, info.verificationUri, info.message, info.expiresOnTimestamp),
    onProgress: (p: LoginProgress) => console.log(p.tenantsDone / p.tenantsTotal),
    onWarning: (text: string) => console.warn(text),
  };
  const password: PasswordLoginOptions = { method: 'password', username: 'u', password: 'p' };
  const browser: BrowserLoginOptions = { method: 'browser', openBrowser: async (url: string) => console.log(url) };
  const secret: ServicePrincipalLoginOptions = { servicePrincipal: { clientId: 'app', secret: 's', tenant: 't' } };
  const certificate: ServicePrincipalLoginOptions = {
    servicePrincipal: { clientId: 'app', certificate: '/certs/app.pem', useCertSnIssuer: true },
    tenant: 't',
  };
  const federated: ServicePrincipalLoginOptions = { servicePrincipal: { clientId: 'app', federatedToken: 'eyJ' } };
  const identity: ManagedIdentityLoginOptions = { managedIdentity: { resourceId: '/subscriptions/x' } };
  const systemIdentity: ManagedIdentityLoginOptions = { managedIdentity: {} };
  // @ts-expect-error: a service principal takes exactly one credential.
  const twoCredentials: ServicePrincipalLoginOptions = { servicePrincipal: { clientId: 'a', secret: 's', federatedToken: 't' } };
  // @ts-expect-error: a managed identity is named by at most one id.
  const twoIds: ManagedIdentityLoginOptions = { managedIdentity: { clientId: 'a', objectId: 'b' } };
  // @ts-expect-error: an unknown key (the addon refuses it too, naming `tenantId`).
  const typo: PasswordLoginOptions = { username: 'u', password: 'p', tenantID: 't' };
  // @ts-expect-error: an unknown key in a nested object.
  const nestedTypo: ServicePrincipalLoginOptions = { servicePrincipal: { clientID: 'a', secret: 's' } };
  const aliases: PasswordLoginOptions = { username: 'u', password: 'p', tenantId: 't', scope: 'https://graph.microsoft.com/.default' };
  const deviceCodeFlag: DeviceCodeLoginOptions = { useDeviceCode: true, tenantId: 't' };
  const spTenantId: ServicePrincipalLoginOptions = { servicePrincipal: { clientId: 'a', secret: 's', tenantId: 't' } };
  // @ts-expect-error: an unknown getAccessToken key.
  const tokenTypo: GetAccessTokenOptions = { scopez: 'x' };
  const codes: AzLoginErrorCode[] = errorCodes();
  console.log(twoCredentials, twoIds, typo, nestedTypo, aliases, deviceCodeFlag, spTenantId, tokenTypo, codes);
  const apps = [secret, certificate, federated, identity, systemIdentity] satisfies LoginOptions[];
  for (const options of [deviceCode, password, browser, ...apps] satisfies LoginOptions[]) {
    try {
      const subs: Subscription[] = await login(options);
      console.log(subs.map((s) => [s.id, s.name, s.isDefault, s.tenantId, s.user?.name, s.cloudName]));
      console.log(subs.map((s) => [s.user?.assignedIdentityInfo, s.user?.useCertSNIssuerAuth]));
    } catch (e) {
      if (e instanceof AzLoginError) {
        const code: AzLoginErrorCode = e.code;
        console.log(code, e.aadstsCodes?.[0], e.correlationId, e.traceId, e.recommendation);
      }
    }
  }
  const tokenOptions: GetAccessTokenOptions = { ...session, scopes: 'https://graph.microsoft.com/.default', abortSignal: controller.signal };
  const scopeOptions: GetAccessTokenOptions = { ...session, scope: 'https://graph.microsoft.com/.default', tenantId: 't', signal: controller.signal };
  console.log(scopeOptions);
  const token: AccessTokenResult = await getAccessToken(tokenOptions);
  console.log(token.token.length, token.expiresOnTimestamp, token.subscription, token.tenant, token.tokenType);
  const list: Subscription[] = await listAccounts({ ...session, all: true });
  const shown: Subscription = await showAccount({ subscription: list[0]?.id });
  const chosen: Subscription = await setAccount({ subscription: shown.id });
  const out: LogoutResult = await logout({ username: chosen.user?.name });
  console.log(out.entriesRemoved, out.tokensRemoved);
  await clearAccounts(session);
  const code: number = await runCli(['account', 'list']);
  const credentialOptions: AzLoginCredentialOptions = { ...session, tenantId: 't', subscription: 's' };
  const credential: TokenCredential = new AzLoginCredential(credentialOptions);
  const getTokenOptions: GetTokenOptions = { abortSignal: controller.signal, tenantId: 't', claims: '{}' };
  const access: AccessToken | null = await credential.getToken(['https://management.azure.com/.default'], getTokenOptions);
  console.log(code, coreVersion(), access?.refreshAfterTimestamp);
  await emulator.stop();
}
