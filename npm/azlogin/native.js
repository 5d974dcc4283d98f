'use strict';
// Finds and loads the native addon built for this platform, or says exactly what is missing.

const fs = require('node:fs');
const path = require('node:path');

function libc() {
  if (process.platform !== 'linux') return '';
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  return report?.header?.glibcVersionRuntime ? '-gnu' : '-musl';
}

// On Windows the official build is MSVC's; an addon built with mingw-w64 (`-gnu`, as
// scripts/windows.sh builds it) loads into the same node.exe, so both names are accepted.
function platformTriples() {
  const base = `${process.platform}-${process.arch}`;
  return process.platform === 'win32' ? [`${base}-msvc`, `${base}-gnu`] : [`${base}${libc()}`];
}

function load() {
  const [triple, ...alternatives] = platformTriples();
  const candidates = [];
  if (process.env.AZLOGIN_NATIVE_PATH) candidates.push(path.resolve(process.env.AZLOGIN_NATIVE_PATH));
  for (const t of [triple, ...alternatives]) candidates.push(path.join(__dirname, `azlogin.${t}.node`));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) return require(candidate);
  }
  try {
    return require(`azlogin-${triple}`);
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
  }
  const built = fs.readdirSync(__dirname).filter((f) => f.endsWith('.node'));
  throw new Error(
    `azlogin: the native addon for this platform (${triple}, Node ${process.version}) is missing.\n` +
      `Looked for: ${candidates.join(', ')} and the package azlogin-${triple}.\n` +
      (built.length ? `Built here for other platforms: ${built.join(', ')}.\n` : 'No addon is built in this package yet.\n') +
      `Build it with \`npm install && npm run build\` in ${__dirname} (needs Rust 1.95+ and cargo), ` +
      'or set AZLOGIN_NATIVE_PATH to a built azlogin .node file.',
  );
}

module.exports = load();
