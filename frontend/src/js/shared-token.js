// Credentials of the shared-token mode (and of a server that asks for a token unannounced): the token the person
// types into the dialog, kept for this tab, sent as X-Chat-Token; a refusal asks for it again.
import { createTabValue } from './tab-storage.js';

export const SHARED_TOKEN_KEY = 'bedrock-chat.access-token';

/**
 * @param {object} options
 * @param {Storage|undefined} options.storage sessionStorage
 * @param {(context: {rejected: boolean}) => Promise<string|null>} [options.askForToken] resolves to a token, or null to give up
 */
export function createSharedTokenCredentials({ storage, askForToken }) {
  const stored = createTabValue(storage, SHARED_TOKEN_KEY);
  return {
    token: () => stored.get() ?? '',
    /** The API answered 401: forgets a refused token and asks for one; resolves true to try again with it. */
    async refused({ hadToken }) {
      if (hadToken) stored.clear();
      if (!askForToken) return false;
      const next = await askForToken({ rejected: hadToken });
      if (!next) return false;
      stored.set(next);
      return true;
    },
  };
}
