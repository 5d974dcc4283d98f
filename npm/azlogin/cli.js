#!/usr/bin/env node
'use strict';
// `azlogin` through the addon: the same command as the Rust binary, from the same core.

const { runCli } = require('./index.js');

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`ERROR: ${e.message}\n`);
    process.exitCode = 1;
  },
);
