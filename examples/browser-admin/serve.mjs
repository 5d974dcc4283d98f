// A static server for the example on 127.0.0.1: this folder at `/`, the package's web build
// (npm/azlogin-wasm/pkg/web, made by `npm run build` there) at `/pkg/`. No bundler needed.
//
//   node examples/browser-admin/serve.mjs [--port N] [--relay NAME=URL]...
//
// then open the printed URL, adding `?login=<emulator URL>` to sign in against `azlogin emulator`
// (it allows CORS). An endpoint that sends no CORS headers (Entra's device-code endpoint) cannot
// be called from a page; `--relay login=https://login.microsoftonline.com` forwards
// `/relay/login/…` to it from this same origin, so `?login=http://127.0.0.1:N/relay/login` works.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOTS = [
  ['/pkg/', path.resolve(here, '../../npm/azlogin-wasm/pkg/web')],
  ['/', here],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

/** The file a URL path names, or null when it is outside the served folders. */
function fileFor(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  for (const [prefix, dir] of ROOTS) {
    if (!decoded.startsWith(prefix)) continue;
    const rel = decoded.slice(prefix.length) || 'index.html';
    const file = path.resolve(dir, rel);
    return file.startsWith(dir + path.sep) ? file : null;
  }
  return null;
}

/** Headers a relay passes on, each way. */
const RELAYED_REQUEST_HEADERS = ['accept', 'authorization', 'content-type'];
const RELAYED_RESPONSE_HEADERS = ['content-type', 'www-authenticate', 'retry-after'];

/**
 * Forwards `/relay/<name>/<rest>` to `<relays[name]>/<rest>` and answers with what came back;
 * `nextLink`s pointing at the upstream are pointed back at the relay.
 */
async function relay(req, res, relays, selfUrl) {
  const [, , name, ...rest] = new URL(req.url, 'http://x').pathname.split('/');
  const upstream = relays[name];
  if (!upstream) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`no relay named ${name}\n`);
    return;
  }
  const search = new URL(req.url, 'http://x').search;
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = Object.fromEntries(RELAYED_REQUEST_HEADERS.filter((h) => req.headers[h]).map((h) => [h, req.headers[h]]));
  let answer;
  try {
    answer = await fetch(`${upstream.replace(/\/+$/, '')}/${rest.join('/')}${search}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      redirect: 'manual',
    });
  } catch (e) {
    res.writeHead(502, { 'content-type': 'text/plain' }).end(`relay to ${name} failed: ${e.message}\n`);
    return;
  }
  let body = await answer.text();
  const base = upstream.replace(/\/+$/, '');
  if (body.includes('"nextLink"') && body.includes(base)) {
    body = body.split(`"${base}/`).join(`"${selfUrl}/relay/${name}/`);
  }
  const out = Object.fromEntries(RELAYED_RESPONSE_HEADERS.filter((h) => answer.headers.has(h)).map((h) => [h, answer.headers.get(h)]));
  res.writeHead(answer.status, out).end(body);
}

/**
 * Serves the example on 127.0.0.1:`port` (0: any free port), with `relays` (`{ name: URL }`)
 * under `/relay/<name>/`; resolves to `{ url, close() }`.
 */
export function serve({ port = 0, relays = {} } = {}) {
  let selfUrl = '';
  const server = createServer(async (req, res) => {
    if (req.url.startsWith('/relay/')) {
      await relay(req, res, relays, selfUrl);
      return;
    }
    const file = req.method === 'GET' ? fileFor(new URL(req.url, 'http://x').pathname) : null;
    const body = file && await readFile(file).catch(() => null);
    if (!body) {
      res.writeHead(file ? 404 : 400, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      selfUrl = `http://127.0.0.1:${server.address().port}`;
      resolve({
        url: selfUrl,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--port');
  const relays = {};
  process.argv.forEach((arg, i) => {
    const spec = arg === '--relay' ? process.argv[i + 1] ?? '' : '';
    const eq = spec.indexOf('=');
    if (eq > 0) relays[spec.slice(0, eq)] = spec.slice(eq + 1);
  });
  const { url } = await serve({ port: at > 0 ? Number(process.argv[at + 1]) : 8080, relays });
  console.log(`serving the browser admin example at ${url}/`);
  for (const name of Object.keys(relays)) console.log(`relaying ${url}/relay/${name}/ to ${relays[name]}`);
}
