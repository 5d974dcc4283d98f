// A static server for the example on 127.0.0.1: this folder at `/`, the package's web build
// (npm/azlogin-wasm/pkg/web, made by `npm run build` there) at `/pkg/`. No bundler needed.
//
//   node examples/browser-admin/serve.mjs [--port N]
//
// then open the printed URL, adding `?login=<emulator URL>` to sign in against `azlogin emulator`.
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

/** Serves the example on 127.0.0.1:`port` (0: any free port); resolves to `{ url, close() }`. */
export function serve({ port = 0 } = {}) {
  const server = createServer(async (req, res) => {
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
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--port');
  const { url } = await serve({ port: at > 0 ? Number(process.argv[at + 1]) : 8080 });
  console.log(`serving the browser admin example at ${url}/`);
}
