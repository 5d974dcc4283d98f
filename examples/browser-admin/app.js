// The page's logic: sign in with a device code, discover subscriptions, pick one with the CLI's
// selector, show the selection and the access token's claims. Everything az-like (polling,
// discovery rules, the selector's numbering and filtering) is the azlogin core in WebAssembly;
// this file only moves values between it and the DOM.
//
// `./pkg/` is the package's web build (npm/azlogin-wasm/pkg/web), as serve.mjs serves it.
// `?login=URL&arm=URL&cloud=NAME&resource=URL` preset the endpoints, the cloud name entries carry
// and ARM's resource id (the audience of its tokens; a cloud that is not one of Azure's built-in
// ones needs it), e.g. the azlogin emulator's, which allows CORS.
import init, {
  DeviceCodeFlow,
  SubscriptionSelector,
  decodeTokenClaims,
  discoverSubscriptions,
} from './pkg/azlogin_wasm.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const PUBLIC_LOGIN = 'https://login.microsoftonline.com';
const PUBLIC_ARM = 'https://management.azure.com';

$('login-endpoint').value = params.get('login') ?? PUBLIC_LOGIN;
$('arm-endpoint').value = params.get('arm') ?? (params.has('login') ? `${params.get('login')}/` : PUBLIC_ARM);

let controller = null;
let selector = null;
let accessToken = null;

function status(text, isError = false) {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
}

/** Rows of the selector (those matching `filter`), numbered as in the CLI. */
function showRows(filter) {
  const body = $('subscriptions').tBodies[0];
  body.replaceChildren();
  for (const row of selector.rows(filter)) {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;
    if (row.isDefault) tr.className = 'default';
    for (const text of [`[${row.number}]${row.isDefault ? ' *' : ''}`, row.shownName, row.id, row.tenant]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    tr.addEventListener('click', () => answer(String(row.number)));
    body.append(tr);
  }
}

/** One answer to the selector, with the CLI's meaning. */
function answer(input) {
  const choice = selector.choose(input);
  $('choice-warning').textContent = choice.warning ?? '';
  $('choice').value = '';
  if (choice.chosen) {
    const c = choice.chosen;
    $('selection').textContent = `Tenant: ${c.tenant}\nSubscription: ${c.name} (${c.id})`;
    $('selection').dataset.id = c.id;
    $('claims').textContent = JSON.stringify(decodeTokenClaims(accessToken), null, 2);
    $('result').hidden = false;
    status('Done.');
    return;
  }
  // Filtered: the view shows the matching rows; Unfiltered: the whole list again.
  if (choice.kind === 'filtered' || choice.kind === 'unfiltered') showRows(choice.filter ?? undefined);
}

async function signIn() {
  const loginEndpoint = $('login-endpoint').value.trim().replace(/\/+$/, '');
  const armEndpoint = $('arm-endpoint').value.trim();
  const tenant = $('tenant').value.trim() || undefined;
  const cloud = {
    name: params.get('cloud') ?? 'AzureCloud',
    loginEndpoint,
    armEndpoint,
    armResourceId: params.get('resource') ?? undefined,
  };
  controller = new AbortController();
  $('signin').disabled = true;
  $('cancel').hidden = false;
  $('result').hidden = true;
  $('picker').hidden = true;
  try {
    status('Asking for a device code…');
    const flow = new DeviceCodeFlow({ cloud, tenant });
    const start = await flow.start();
    $('device-message').textContent = start.message;
    $('user-code').textContent = start.userCode;
    $('verification-uri').textContent = start.verificationUri;
    $('verification-uri').href = start.verificationUri;
    $('device').hidden = false;
    status(`Waiting for the sign-in (the code expires at ${new Date(start.expiresOn).toLocaleTimeString()})…`);

    const tokens = await flow.waitForToken({ signal: controller.signal });
    $('device').hidden = true;
    accessToken = tokens.accessToken;
    $('account').textContent = tokens.account.username;
    status('Retrieving tenants and subscriptions for the selection...');

    const found = await discoverSubscriptions({
      refreshToken: tokens.refreshToken,
      username: tokens.account.username,
      cloud,
      signal: controller.signal,
    });
    $('warnings').replaceChildren(...found.warnings.map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      return li;
    }));
    if (found.subscriptions.length === 0) {
      status('No subscriptions found for this account.', true);
      return;
    }
    selector = new SubscriptionSelector(found.subscriptions);
    showRows();
    $('picker').hidden = false;
    status('Select a subscription and tenant (type a number, text to filter, or Enter for the default).');
    $('choice').focus();
  } catch (e) {
    status(`${e.code ?? 'error'}: ${e.message}`, true);
  } finally {
    $('signin').disabled = false;
    $('cancel').hidden = true;
  }
}

$('signin').addEventListener('click', signIn);
$('cancel').addEventListener('click', () => controller?.abort());
$('choose-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (selector) answer($('choice').value);
});

await init();
document.body.dataset.ready = 'true';
