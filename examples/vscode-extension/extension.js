'use strict';
// A minimal extension: "Sign in" runs a device-code login with VS Code's progress notification
// and cancel button, and the extension exports a token provider other extensions can use.
// In VS Code `host` is the `vscode` module; under plain Node (run.mjs) a stand-in with the same
// shape is passed.

// A published extension would `require('azlogin')`.
const azlogin = require('../../npm/azlogin');

/** VS Code's CancellationToken as an AbortSignal. */
function toAbortSignal(cancellation) {
  const controller = new AbortController();
  if (cancellation.isCancellationRequested) controller.abort();
  else cancellation.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function activate(context, host = require('vscode')) {
  const { window } = host;
  const credential = new azlogin.AzLoginCredential();

  async function signIn() {
    return window.withProgress(
      { location: 15 /* ProgressLocation.Notification */, title: 'Signing in to Azure', cancellable: true },
      async (progress, cancellation) => {
        try {
          const subscriptions = await azlogin.login({
            signal: toAbortSignal(cancellation),
            onDeviceCode: (info) => {
              progress.report({ message: `Enter ${info.userCode} at ${info.verificationUri}` });
              window.showInformationMessage(info.message);
            },
            onProgress: ({ tenantsDone, tenantsTotal }) =>
              progress.report({ message: `Tenants ${tenantsDone}/${tenantsTotal}`, increment: 100 / tenantsTotal }),
          });
          window.showInformationMessage(`Signed in: ${subscriptions.length} subscription(s).`);
          return subscriptions;
        } catch (e) {
          if (e.code === 'cancelled') {
            window.showInformationMessage('Sign-in cancelled.');
            return undefined;
          }
          window.showErrorMessage(`Sign-in failed (${e.code}): ${e.message}`);
          throw e;
        }
      },
    );
  }

  context.subscriptions.push(host.commands.registerCommand('azloginExample.signIn', signIn));
  // The API other extensions get from `vscode.extensions.getExtension(...).exports`.
  return {
    signIn,
    getToken: (scopes, options) => credential.getToken(scopes, options),
  };
}

function deactivate() {}

module.exports = { activate, deactivate };
