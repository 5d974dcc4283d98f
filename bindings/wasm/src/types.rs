//! The TypeScript shapes of the values this binding converts, shipped in the generated `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * The core's stable error codes: the same strings as the Node addon's `err.code`, tested
 * against the core's list (`errorCodes()`).
 */
export type AzLoginErrorCode =
  | 'usage_error'
  | 'config_error'
  | 'transport_error'
  | 'server_error'
  | 'mfa_required'
  | 'invalid_response'
  | 'arm_error'
  | 'state_mismatch'
  | 'nonce_mismatch'
  | 'timeout'
  | 'cancelled'
  | 'device_code_expired'
  | 'authorization_declined'
  | 'no_subscriptions'
  | 'no_account'
  | 'not_found'
  | 'corrupt_file'
  | 'store_error'
  | 'undecryptable_file'
  | 'interaction_required';

/** An error thrown by azlogin (`name` is `'AzLoginError'`). */
export interface AzLoginError extends Error {
  name: 'AzLoginError';
  code: AzLoginErrorCode;
  recommendation: string | null;
  aadstsCodes: number[] | null;
  error: string | null;
  correlationId: string | null;
  traceId: string | null;
}

/** One `azureProfile.json` subscription entry (extra keys are kept). */
export interface SubscriptionEntry {
  id: string;
  name?: string;
  state?: string;
  user?: { name: string; type: string };
  isDefault?: boolean;
  tenantId?: string;
  environmentName?: string;
  homeTenantId?: string;
  tenantDefaultDomain?: string;
  tenantDisplayName?: string;
  managedByTenants?: { tenantId: string }[];
  [key: string]: unknown;
}

/** The whole `azureProfile.json` (extra keys are kept). */
export interface AzureProfile {
  installationId?: string;
  subscriptions?: SubscriptionEntry[];
  [key: string]: unknown;
}

export interface MergeResult {
  profile: AzureProfile;
  defaultId: string | null;
}

export interface SelectorRow {
  number: number;
  name: string;
  shownName: string;
  id: string;
  tenant: string;
  tenantId: string;
  isDefault: boolean;
}

export interface SelectorChoice {
  kind: 'selected' | 'keep' | 'filtered' | 'noMatch' | 'unfiltered' | 'invalid';
  number: number | null;
  count: number | null;
  warning: string | null;
  chosen: SelectorRow | null;
  filter: string | null;
}

/** The clouds built into the core (az 2.91.0's list). */
export type BuiltinCloudName = 'AzureCloud' | 'AzureChinaCloud' | 'AzureUSGovernment' | 'AzureBleuCloud';

/**
 * A cloud: a built-in cloud's name, or endpoints. With `name` a built-in cloud (or no `name`:
 * AzureCloud), the endpoints given replace that cloud's (a relay in front of its login, say);
 * any other `name` is a custom cloud and needs all three endpoints. Any other string is a
 * `usage_error`.
 */
export type CloudOption =
  | BuiltinCloudName
  | {
      /** The cloud's name, written into profile entries as `environmentName`. */
      name?: string;
      /** Entra ID (the authority host), e.g. `https://login.chinacloudapi.cn`. */
      loginEndpoint?: string;
      /** Azure Resource Manager, e.g. `https://management.chinacloudapi.cn`. */
      armEndpoint?: string;
      /** ARM's token audience, e.g. `https://management.core.chinacloudapi.cn/`; the default scope is it plus `/.default`. */
      armResourceId?: string;
    };

/**
 * Where the token requests go. Every key not declared is refused (`usage_error` naming the
 * closest known key). MSAL's and @azure/identity's spellings are accepted: `authority` (the
 * login endpoint and the tenant in one URL, e.g. `https://login.microsoftonline.com/organizations`),
 * `authorityHost` (= `loginEndpoint`) and `tenantId` (= `tenant`); spellings that disagree
 * are refused.
 */
export interface DeviceCodeOptions {
  /** Default: `'AzureCloud'`. */
  cloud?: CloudOption;
  /** Replaces the cloud's login endpoint (shorthand for `cloud: { loginEndpoint }`). */
  loginEndpoint?: string;
  /** `loginEndpoint`, as @azure/identity spells it. */
  authorityHost?: string;
  /** MSAL's authority: the login endpoint and the tenant, e.g. `https://login.microsoftonline.com/organizations`. */
  authority?: string;
  tenant?: string;
  /** `tenant`, as @azure/identity spells it. */
  tenantId?: string;
  clientId?: string;
  /** Default: the cloud's ARM scope, e.g. `https://management.core.windows.net//.default`. */
  scopes?: string[];
  /** Omitted: the CLI's CP1 claims; `""`: no claims. */
  claims?: string;
}

export interface DeviceCodeFlowOptions extends DeviceCodeOptions {
  /** A fetch-compatible function; the host's `fetch` when omitted. */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<{ status: number; headers: Iterable<[string, string]>; text(): Promise<string> }>;
}

export interface DiscoverOptions {
  /**
   * An ARM token for the tenant list; obtained with `refreshToken` when omitted. Alone (no
   * `refreshToken`), it also lists the subscriptions of the tenant it was issued for (its `tid`
   * claim); the other tenants are in `tenantsNeedingRefreshToken` and a warning.
   */
  armToken?: string;
  /** Redeemed once per tenant for that tenant's ARM token (the CLI's tenant loop). */
  refreshToken?: string;
  clientId?: string;
  /** The user named in each entry. */
  username?: string;
  /** Default: `'AzureCloud'`; its name is each entry's `environmentName`. */
  cloud?: CloudOption;
  concurrency?: number;
  allowNoSubscriptions?: boolean;
  signal?: AbortSignal;
  fetch?: DeviceCodeFlowOptions['fetch'];
}

export interface TenantInfo {
  tenantId: string;
  displayName: string | null;
  defaultDomain: string | null;
}

export interface Discovery {
  subscriptions: SubscriptionEntry[];
  tenants: TenantInfo[];
  emptyTenants: TenantInfo[];
  failedTenants: TenantInfo[];
  mfaTenants: TenantInfo[];
  /** Tenants not read because only an `armToken` for another tenant was given. */
  tenantsNeedingRefreshToken: TenantInfo[];
  /** The CLI's warnings, in its order, then azlogin's (MFA tenants, tenants needing a refresh token). */
  warnings: string[];
}

/** An app's credential for `acquireTokenForClient`: exactly one of the three. */
export type ClientCredential =
  | { secret: string; certificate?: never; federatedToken?: never }
  | {
      certificate: {
        /** PEM text: the RSA private key (PKCS#8 or PKCS#1, unencrypted) and the certificate (leaf first). */
        pem: string;
        /** Send the certificate chain (`x5c`) for subject name + issuer authentication. */
        useCertSnIssuer?: boolean;
      };
      secret?: never;
      federatedToken?: never;
    }
  | {
      /** A JWT from an issuer the app trusts (workload identity federation). */
      federatedToken: string;
      secret?: never;
      certificate?: never;
    };

export type ClientCredentialOptions = ClientCredential & ({
  /** The tenant (GUID or domain) the token is for (or `tenantId`, or the tenant of `authority`). */
  tenant: string;
  tenantId?: string;
  authority?: string;
} | {
  tenantId: string;
  tenant?: string;
  authority?: string;
} | {
  /** MSAL's authority: the login endpoint and the tenant. */
  authority: string;
  tenant?: string;
  tenantId?: string;
}) & {
  /** The application (client) id. */
  clientId: string;
  /** Default: the cloud's ARM scope, e.g. `https://management.core.windows.net//.default`. */
  scopes?: string[];
  /** Default: `'AzureCloud'`. */
  cloud?: CloudOption;
  /** Replaces the cloud's login endpoint. */
  loginEndpoint?: string;
  /** `loginEndpoint`, as @azure/identity spells it. */
  authorityHost?: string;
  /** Omitted: the CLI's CP1 claims; `""`: no claims. */
  claims?: string;
  signal?: AbortSignal;
  fetch?: DeviceCodeFlowOptions['fetch'];
};

/** An app-only token. */
export interface ClientToken {
  accessToken: string;
  /** Seconds since the epoch. */
  expiresOn: number;
  tokenType: string;
  /** The tenant the token was asked for, as given. */
  tenantId: string;
}

/** What `parseLogin` found a page can run. */
export interface ParsedLogin {
  kind: 'deviceCode' | 'servicePrincipal';
  clientId: string | null;
  tenant: string | null;
  subscription: string | null;
  skipSubscriptionDiscovery: boolean;
  /** The login endpoint `authorityHost` or `authority` named, if any. */
  authorityHost: string | null;
}

export interface HttpRequestStep {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

export interface HttpResponseStep {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface DeviceCodeStart {
  userCode: string;
  verificationUri: string;
  message: string;
  /** Milliseconds since the epoch. */
  expiresOn: number;
}

export interface Tokens {
  accessToken: string | null;
  refreshToken: string | null;
  idToken: string | null;
  tokenType: string | null;
  /** Seconds since the epoch. */
  expiresOn: number;
  scope: string | null;
  clientInfo: string | null;
  account: { username: string; homeAccountId: string | null; tenantId: string | null };
}

export type DeviceCodeStep =
  | { start: DeviceCodeStart; wait: number }
  | { wait: number }
  | { done: Tokens };
"#;

#[wasm_bindgen]
extern "C" {
    /// `DeviceCodeOptions` as a parameter type.
    #[wasm_bindgen(typescript_type = "DeviceCodeOptions")]
    pub type DeviceCodeOptionsArg;
    /// `DeviceCodeFlowOptions` as a parameter type.
    #[wasm_bindgen(typescript_type = "DeviceCodeFlowOptions")]
    pub type DeviceCodeFlowOptionsArg;
    /// `{ signal?: AbortSignal }` as a parameter type.
    #[wasm_bindgen(typescript_type = "{ signal?: AbortSignal }")]
    pub type WaitOptionsArg;
}
