// Keeps the text being written across a sign-in redirect (sessionStorage, this tab only), so signing in again
// never costs the person what they were typing.
import { createTabValue } from './tab-storage.js';

export const DRAFT_KEY = 'bedrock-chat.draft';

export function createDraftKeeper(storage) {
  const stored = createTabValue(storage, DRAFT_KEY);
  return {
    /** Keeps `text` (blank text keeps nothing). */
    keep(text) {
      if (typeof text === 'string' && text.trim() !== '') stored.set(text);
      else stored.clear();
    },
    /** The kept text, once: it is forgotten as it is handed back. */
    take() {
      const text = stored.get();
      stored.clear();
      return text && text.trim() !== '' ? text : null;
    },
  };
}
