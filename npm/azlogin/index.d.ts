// Types of the azlogin package. The shapes the addon returns come from the generated
// `native.d.ts`; this file gives the options and errors their exact types. Every options
// object is closed: a key not declared here is a type error, as it is a `usage_error` at run
// time. `AzLoginErrorCode` is tested against the core's list (`errorCodes()`).

import type {
  BindingAccessToken,
  BindingDeviceCode,
  BindingLogoutResult,
  BindingProgress,
  BindingSubscription,
} from './native';

/** One subscription (or tenant-level account), as `az account list` shows it. */
export type Subscription = BindingSubscription;
/** The device code to show the user. */
export type DeviceCodeInfo = BindingDeviceCode;
/** Discovery progress. */
export type LoginProgress = BindingProgress;
/** A token from `getAccessToken`. */
export type AccessTokenResult = BindingAccessToken;
/** What `logout` removed. */
export type LogoutResult = BindingLogoutResult;

/** The core's stable error codes (`err.code`). */
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

/** An error from azlogin. `message` never holds a token or password. */
export declare class AzLoginError extends Error {
  readonly name: 'AzLoginError';
  readonly code: AzLoginErrorCode;
  /** az's recommendation (the login command to run), also at the end of `message`. */
  readonly recommendation?: string;
  /** The OAuth `error` of an Entra answer. */
  readonly error?: string;
  /** AADSTS numbers of an Entra answer. */
  readonly aadstsCodes?: number[];
  readonly correlationId?: string;
  readonly traceId?: string;
}

/** Where the files are and which cloud is active. */
export interface SessionOptions {
  /** Default: `AZURE_CONFIG_DIR`, else `~/.azure`. */
  configDir?: string;
  /** A registered cloud to use instead of the config's active one. */
  cloud?: string;
}

interface LoginCommon extends SessionOptions {
  /** A tenant GUID or domain. */
  tenant?: string;
  /** `tenant`, as @azure/identity spells it (both given must agree). */
  tenantId?: string;
  /** Scopes for the login's own token request. */
  scopes?: string | string[];
  /** `scopes`, as MSAL's single scope (both given must agree). */
  scope?: string | string[];
  allowNoSubscriptions?: boolean;
  /** The default subscription afterwards (name or id). */
  subscription?: string;
  /** A claims challenge (JSON). */
  claimsChallenge?: string;
  /** Needs `tenant`. */
  skipSubscriptionDiscovery?: boolean;
  /** Tenants worked on at once. */
  concurrency?: number;
  /** Rejects with `code: 'timeout'` after this long. */
  timeoutMs?: number;
  /** Cancels the login at any point: it rejects with `code: 'cancelled'`. */
  signal?: AbortSignal;
  onProgress?: (progress: LoginProgress) => void;
  onWarning?: (text: string) => void;
}

/** The device-code flow. */
export interface DeviceCodeLoginOptions extends LoginCommon {
  method?: 'deviceCode';
  /** az's `--use-device-code`: the same as `method: 'deviceCode'`. */
  useDeviceCode?: true;
  onDeviceCode?: (info: DeviceCodeInfo) => void;
}

/** Username and password. */
export interface PasswordLoginOptions extends LoginCommon {
  method?: 'password';
  username: string;
  password: string;
}

/** The browser flow (auth code + PKCE on a loopback redirect). */
export interface BrowserLoginOptions extends LoginCommon {
  method: 'browser';
  /** Opens the sign-in page; default: the system browser. */
  openBrowser?: (url: string) => void | Promise<void>;
}

/** A service principal's credential: exactly one of a secret, a certificate or a federated token. */
export type ServicePrincipalCredential =
  | { secret: string; certificate?: never; federatedToken?: never }
  | {
      /** Path of a PEM file holding the private key and the certificate. */
      certificate: string;
      /** Send the certificate chain (`x5c`) for subject name + issuer authentication. */
      useCertSnIssuer?: boolean;
      secret?: never;
      federatedToken?: never;
    }
  | {
      /** A JWT from an issuer the app trusts (workload identity federation). */
      federatedToken: string;
      secret?: never;
      certificate?: never;
    };

/** `az login --service-principal`: the credential is saved in service_principal_entries.json. */
export interface ServicePrincipalLoginOptions extends LoginCommon {
  servicePrincipal: {
    /** The application (client) id. */
    clientId: string;
    /** The tenant (GUID or domain); default: `tenant` of the options (both given must agree). */
    tenant?: string;
    /** `tenant`, as @azure/identity spells it. */
    tenantId?: string;
  } & ServicePrincipalCredential;
}

/**
 * `az login --identity`: this machine's managed identity (IMDS, or the App Service /
 * Machine Learning endpoint the environment names). At most one id; none is system-assigned.
 */
export interface ManagedIdentityLoginOptions extends LoginCommon {
  managedIdentity:
    | { clientId?: string; objectId?: never; resourceId?: never }
    | { objectId: string; clientId?: never; resourceId?: never }
    | { resourceId: string; clientId?: never; objectId?: never };
}

export type LoginOptions =
  | DeviceCodeLoginOptions
  | PasswordLoginOptions
  | BrowserLoginOptions
  | ServicePrincipalLoginOptions
  | ManagedIdentityLoginOptions;

export declare function login(options?: LoginOptions): Promise<Subscription[]>;

export interface GetAccessTokenOptions extends SessionOptions {
  /** Wins over `resource`. */
  scopes?: string | string[];
  /** `scopes`, as MSAL's single scope (both given must agree). */
  scope?: string | string[];
  resource?: string;
  tenant?: string;
  /** `tenant`, as @azure/identity spells it (both given must agree). */
  tenantId?: string;
  subscription?: string;
  forceRefresh?: boolean;
  /** A claims challenge (JSON); forces a refresh that carries it. */
  claims?: string;
  abortSignal?: AbortSignal;
  /** `abortSignal`, as `login()` spells it. */
  signal?: AbortSignal;
}

export declare function getAccessToken(options?: GetAccessTokenOptions): Promise<AccessTokenResult>;

export declare function listAccounts(options?: SessionOptions & { all?: boolean }): Promise<Subscription[]>;
export declare function showAccount(options?: SessionOptions & { subscription?: string }): Promise<Subscription>;
export declare function setAccount(options: SessionOptions & { subscription: string }): Promise<Subscription>;
export declare function logout(options?: SessionOptions & { username?: string }): Promise<LogoutResult>;
export declare function clearAccounts(options?: SessionOptions): Promise<void>;

/** Runs the azlogin command (arguments without the program name); resolves to its exit code. */
export declare function runCli(args: readonly string[]): Promise<number>;

/** The core version the addon was built from. */
export declare function coreVersion(): string;

/** Every `err.code` the core can give: the members of `AzLoginErrorCode`, in the core's order. */
export declare function errorCodes(): AzLoginErrorCode[];

export interface EmulatorOptions {
  /** A scenario object, or the path of a scenario JSON file; default: the built-in scenario. */
  scenario?: string | Record<string, unknown>;
  latencyMs?: number;
  /** Serve https (`https://localhost:PORT`) with a generated CA at `caCertPath`. */
  tls?: boolean;
  port?: number;
  seed?: number;
}

export interface RunningEmulator {
  readonly url: string;
  readonly caCertPath?: string;
  /** Resolves once the port is closed. */
  stop(): Promise<void>;
}

export declare function startEmulator(options?: EmulatorOptions): Promise<RunningEmulator>;

/** `@azure/core-auth`'s AccessToken. */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
  refreshAfterTimestamp?: number;
  tokenType?: 'Bearer' | 'pop';
}

/** `@azure/core-auth`'s GetTokenOptions (the fields used). */
export interface GetTokenOptions {
  abortSignal?: AbortSignal;
  tenantId?: string;
  claims?: string;
  [other: string]: unknown;
}

export interface AzLoginCredentialOptions extends SessionOptions {
  /** Use this tenant instead of the account's. */
  tenantId?: string;
  /** Use this subscription's account instead of the default one. */
  subscription?: string;
}

/** A TokenCredential over the accounts azlogin and az share. */
export declare class AzLoginCredential {
  constructor(options?: AzLoginCredentialOptions);
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>;
}
