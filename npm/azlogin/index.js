'use strict';
// The azlogin API for Node: typed errors, AbortSignal and callbacks around the native addon,
// and AzLoginCredential, a TokenCredential for the Azure SDK.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const native = require('./native.js');

const ERROR_MARKER = 'azlogin-error:';

/** An error from azlogin: `code` is the core's stable code. */
class AzLoginError extends Error {
  constructor(fields, options) {
    const message = fields.recommendation ? `${fields.message}\n${fields.recommendation}` : fields.message;
    super(message, options);
    this.name = 'AzLoginError';
    this.code = fields.code;
    if (fields.recommendation) this.recommendation = fields.recommendation;
    if (fields.error) this.error = fields.error;
    if (fields.aadstsCodes) this.aadstsCodes = fields.aadstsCodes;
    if (fields.correlationId) this.correlationId = fields.correlationId;
    if (fields.traceId) this.traceId = fields.traceId;
  }
}

/** The native layer's rejection as an AzLoginError (anything else passes through). */
function toError(e) {
  if (e instanceof Error && typeof e.message === 'string' && e.message.startsWith(ERROR_MARKER)) {
    try {
      return new AzLoginError(JSON.parse(e.message.slice(ERROR_MARKER.length)));
    } catch {
      return e;
    }
  }
  return e;
}

function cancelledError(signal) {
  return new AzLoginError({ code: 'cancelled', message: 'The operation was cancelled.' }, { cause: signal?.reason });
}

function sessionOf(options) {
  return { configDir: options.configDir, cloud: options.cloud };
}

function scopeList(scopes) {
  if (scopes === undefined || scopes === null) return undefined;
  return Array.isArray(scopes) ? [...scopes] : [scopes];
}

/**
 * An options object as data for the core, which checks every key: plain values as they are,
 * functions, signals and other class instances as `null` (the package handles the ones it
 * knows by name; the core still sees and checks every key).
 */
function data(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === 'function') return null;
  if (Array.isArray(value)) return value.map(data);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return null;
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = data(v);
    return out;
  }
  return value;
}

/** Rejects options with a key `name` does not know (the core's lists). */
function checkOptions(name, options) {
  try {
    native.checkOptions(name, data(options ?? {}));
  } catch (e) {
    throw toError(e);
  }
}

/** The same as a rejected Promise. */
function checked(name, options, run) {
  try {
    checkOptions(name, options);
  } catch (e) {
    return Promise.reject(e);
  }
  return run();
}

/**
 * Runs `start(cancelToken)` with `signal` wired to the token; user callbacks that throw cancel
 * the operation and their error is what the Promise rejects with.
 */
async function cancellable(signal, start) {
  if (signal?.aborted) throw cancelledError(signal);
  const token = new native.CancelToken();
  let callbackError;
  const guard = (fn) =>
    typeof fn === 'function'
      ? (arg) => {
          const fail = (e) => {
            if (callbackError === undefined) callbackError = e;
            token.cancel();
          };
          try {
            const r = fn(arg);
            if (r && typeof r.then === 'function') r.then(undefined, fail);
          } catch (e) {
            fail(e);
          }
        }
      : undefined;
  const onAbort = () => token.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await start(token, guard);
  } catch (e) {
    if (callbackError !== undefined) throw callbackError;
    const err = toError(e);
    if (err?.code === 'cancelled' && signal?.aborted) throw cancelledError(signal);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Logs in (a person, `{ servicePrincipal }` or `{ managedIdentity }`), discovers subscriptions,
 * saves the profile; resolves to this login's subscriptions.
 */
function login(options = {}) {
  return cancellable(options.signal, (token, guard) =>
    native.login(
      data(options),
      {
        onDeviceCode: guard(options.onDeviceCode),
        onProgress: guard(options.onProgress),
        onWarning: guard(options.onWarning),
        onOpenBrowser: guard(options.openBrowser),
      },
      token,
    ),
  );
}

async function call(promise) {
  try {
    return await promise;
  } catch (e) {
    throw toError(e);
  }
}

/** A token from the shared cache, refreshed with the refresh token when needed; never prompts. */
async function getAccessToken(options = {}) {
  const signal = options.abortSignal ?? options.signal;
  if (signal?.aborted) throw cancelledError(signal);
  let pending;
  try {
    pending = call(native.getAccessToken(data(options)));
  } catch (e) {
    return Promise.reject(toError(e));
  }
  if (!signal) return pending;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `az account list`. */
function listAccounts(options = {}) {
  return checked('listAccounts', options, () => call(native.listAccounts(sessionOf(options), options.all)));
}

/** `az account show`. */
function showAccount(options = {}) {
  return checked('showAccount', options, () => call(native.showAccount(sessionOf(options), options.subscription)));
}

/** `az account set`. */
function setAccount(options) {
  if (!options || typeof options.subscription !== 'string') {
    return Promise.reject(new AzLoginError({ code: 'usage_error', message: 'setAccount needs { subscription }.' }));
  }
  return checked('setAccount', options, () => call(native.setAccount(sessionOf(options), options.subscription)));
}

/** `az logout`. */
function logout(options = {}) {
  return checked('logout', options, () => call(native.logout(sessionOf(options), options.username)));
}

/** `az account clear`. */
function clearAccounts(options = {}) {
  return checked('clearAccounts', options, () => call(native.clearAccounts(sessionOf(options))));
}

/** Runs the azlogin command (arguments without the program name); resolves to the exit code. */
function runCli(args) {
  return call(native.runCli([...args]));
}

/** Starts the Entra ID + ARM emulator on 127.0.0.1. */
async function startEmulator(options = {}) {
  checkOptions('startEmulator', options);
  const scenario = options.scenario;
  let certDir;
  if (options.tls) certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'azlogin-emulator-'));
  const emulator = await call(
    native.startEmulator({
      scenarioJson: scenario !== undefined && typeof scenario !== 'string' ? JSON.stringify(scenario) : undefined,
      scenarioPath: typeof scenario === 'string' ? scenario : undefined,
      latencyMs: options.latencyMs,
      tlsCertDir: certDir,
      port: options.port,
      seed: options.seed,
    }),
  );
  return {
    url: emulator.url,
    caCertPath: emulator.caCertPath ?? undefined,
    async stop() {
      await emulator.stop();
      if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
    },
  };
}

/** Where the files are, as the core finds them. */
function configDirOf(options) {
  return path.resolve(options.configDir ?? (process.env.AZURE_CONFIG_DIR || path.join(os.homedir(), '.azure')));
}

/** How long before expiry a cached token is renewed: half its life when long, else 5 minutes. */
function refreshAfter(expiresOnTimestamp, now) {
  const life = expiresOnTimestamp - now;
  return life > 2 * 3600_000 ? now + life / 2 : Math.max(now, expiresOnTimestamp - 5 * 60_000);
}

/**
 * A TokenCredential (`@azure/core-auth`) over the accounts azlogin and az share. Tokens are kept
 * in memory in front of the file cache and dropped when the profile or token cache file changes.
 */
class AzLoginCredential {
  #options;
  #files;
  #memory = new Map();

  constructor(options = {}) {
    checkOptions('AzLoginCredential', options);
    this.#options = { ...options };
    const dir = configDirOf(options);
    this.#files = [path.join(dir, 'msal_token_cache.json'), path.join(dir, 'azureProfile.json')];
  }

  #stamp() {
    let stamp = '';
    for (const f of this.#files) {
      const s = fs.statSync(f, { throwIfNoEntry: false });
      stamp += s ? `${s.mtimeMs}:${s.size};` : '-;';
    }
    return stamp;
  }

  async getToken(scopes, options = {}) {
    const list = scopeList(scopes);
    const tenant = options.tenantId ?? this.#options.tenantId;
    const key = `${tenant ?? ''}|${list.join(' ')}`;
    const now = Date.now();
    if (!options.claims) {
      const hit = this.#memory.get(key);
      if (hit && now < hit.token.refreshAfterTimestamp && hit.stamp === this.#stamp()) return hit.token;
    }
    const r = await getAccessToken({
      scopes: list,
      tenant,
      subscription: tenant ? undefined : this.#options.subscription,
      claims: options.claims,
      abortSignal: options.abortSignal,
      configDir: this.#options.configDir,
      cloud: this.#options.cloud,
    });
    const token = {
      token: r.token,
      expiresOnTimestamp: r.expiresOnTimestamp,
      refreshAfterTimestamp: refreshAfter(r.expiresOnTimestamp, now),
      tokenType: 'Bearer',
    };
    // Stamped after the call, so this call's own cache write does not count as a change.
    this.#memory.set(key, { token, stamp: this.#stamp() });
    return token;
  }
}

module.exports = {
  AzLoginCredential,
  AzLoginError,
  clearAccounts,
  coreVersion: native.coreVersion,
  errorCodes: native.errorCodes,
  getAccessToken,
  listAccounts,
  login,
  logout,
  runCli,
  setAccount,
  showAccount,
  startEmulator,
};
