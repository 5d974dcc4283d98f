// Runs the extension under plain Node with a stand-in for the `vscode` module: activates it,
// runs "Sign in", gets an ARM token. `--cancel-after-code` presses the cancel button as soon
// as the device code is shown.
//
//   AZURE_CONFIG_DIR=... node examples/vscode-extension/run.mjs [scope] [--cancel-after-code]

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { activate, deactivate } = require('./extension.js');

const cancelAfterCode = process.argv.includes('--cancel-after-code');
const scope = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'https://management.core.windows.net//.default';
const commands = new Map();
const log = (kind) => (text) => console.log(`[${kind}] ${text}`);
let cancelListeners = [];

const host = {
  commands: { registerCommand: (id, fn) => (commands.set(id, fn), { dispose() {} }) },
  window: {
    showInformationMessage: log('info'),
    showErrorMessage: log('error'),
    async withProgress(options, task) {
      console.log(`[progress] ${options.title}`);
      const progress = {
        report: ({ message }) => {
          console.log(`[progress] ${message}`);
          if (cancelAfterCode && message.startsWith('Enter ')) cancelListeners.forEach((l) => l());
        },
      };
      const cancellation = {
        isCancellationRequested: false,
        onCancellationRequested: (l) => cancelListeners.push(l),
      };
      return task(progress, cancellation);
    },
  },
};

const context = { subscriptions: [] };
const api = activate(context, host);
const subscriptions = await commands.get('azloginExample.signIn')();
if (subscriptions) {
  const token = await api.getToken(scope);
  console.log(`[token] ${token.tokenType} expires ${new Date(token.expiresOnTimestamp).toISOString()}`);
}
deactivate();
