// ESM entry: the same module as index.js.
import azlogin from './index.js';

export const {
  AzLoginCredential,
  AzLoginError,
  clearAccounts,
  coreVersion,
  errorCodes,
  getAccessToken,
  listAccounts,
  login,
  logout,
  runCli,
  setAccount,
  showAccount,
  startEmulator,
} = azlogin;
export default azlogin;
