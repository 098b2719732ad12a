// This browser's conversations: ids and titles kept in localStorage (the messages live on the server).

export const STORAGE_KEY = 'bedrock-chat.conversations';
const FORMAT_VERSION = 1;
const MAX_CONVERSATIONS = 200;
const MAX_TITLE = 80;

/** A conversation's title: its first message on one line, shortened at a word boundary. */
export function titleFrom(message, max = MAX_TITLE) {
  const line = String(message ?? '').replace(/\s+/g, ' ').trim();
  if (line === '') return 'Untitled conversation';
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const newestFirst = (a, b) => b.updatedAt - a.updatedAt;

function valid(entry) {
  return entry && typeof entry.id === 'string' && entry.id !== '' && entry.id.length <= 200
    && typeof entry.title === 'string' && Number.isFinite(entry.updatedAt);
}

/**
 * @param {Storage|undefined} storage localStorage (may throw in private browsing: then the list lives in memory)
 */
export function createConversationStore(storage, { now = () => Date.now() } = {}) {
  let items = read();
  const listeners = new Set();

  function read() {
    try {
      const raw = storage?.getItem(STORAGE_KEY);
      if (!raw) return [];
      const parsed = JSON.parse(raw);
      const list = Array.isArray(parsed?.conversations) ? parsed.conversations : [];
      const seen = new Set();
      return list.filter((entry) => valid(entry) && !seen.has(entry.id) && seen.add(entry.id))
        .map(({ id, title, updatedAt }) => ({ id, title, updatedAt })).sort(newestFirst);
    } catch {
      return [];
    }
  }

  function write() {
    items.sort(newestFirst);
    if (items.length > MAX_CONVERSATIONS) items.length = MAX_CONVERSATIONS;
    try {
      storage?.setItem(STORAGE_KEY, JSON.stringify({ version: FORMAT_VERSION, conversations: items }));
    } catch {
      // storage full or refused: keep the in-memory list for this page
    }
    for (const listener of listeners) listener(store.list());
  }

  const store = {
    /** Newest first; copies, so callers cannot change the store by accident. */
    list() {
      return items.map((entry) => ({ ...entry }));
    },
    get(id) {
      const entry = items.find((item) => item.id === id);
      return entry ? { ...entry } : undefined;
    },
    has(id) {
      return items.some((item) => item.id === id);
    },
    /** Adds a conversation, or refreshes one: its title stays unless a new one is given. */
    save({ id, title, updatedAt = now() }) {
      const existing = items.find((item) => item.id === id);
      if (existing) {
        if (title) existing.title = title;
        existing.updatedAt = updatedAt;
      } else {
        items.push({ id, title: title || 'Untitled conversation', updatedAt });
      }
      write();
    },
    remove(id) {
      const before = items.length;
      items = items.filter((item) => item.id !== id);
      if (items.length !== before) write();
    },
    /** Re-reads storage (another tab changed it). */
    reload() {
      items = read();
      for (const listener of listeners) listener(store.list());
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return store;
}
