// The person's conversations as the server lists them (GET /api/conversations): pages newest first, a search,
// and the changes the page makes (a turn, a rename, a deletion) applied as they happen. Listeners get one
// snapshot of the whole state per change.

/** Where an anonymous local run of an older page kept its list; the server lists those conversations now. */
export const LEGACY_LIST_KEY = 'bedrock-chat.conversations';
export const PAGE_SIZE = 20;
const COUNT_PAGE_SIZE = 100;
const MAX_TITLE = 80;

/** Removes the list an older page kept in localStorage (once: afterwards there is nothing to remove). */
export function dropLegacyList(storage) {
  try {
    storage?.removeItem(LEGACY_LIST_KEY);
  } catch {
    // storage refused: nothing was kept there either
  }
}

/** A provisional title for a conversation the server has not named yet: its first message, on one line. */
export function titleFrom(message, max = MAX_TITLE) {
  const line = String(message ?? '').replace(/\s+/g, ' ').trim();
  if (line === '') return 'Untitled conversation';
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function summaryFrom(entry) {
  if (!entry || typeof entry.id !== 'string' || entry.id === '') return null;
  return {
    id: entry.id,
    title: typeof entry.title === 'string' && entry.title.trim() !== '' ? entry.title : 'Untitled conversation',
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
    messageCount: Number.isInteger(entry.messageCount) ? entry.messageCount : undefined,
  };
}

/**
 * @param {object} options
 * @param {ReturnType<import('./api.js').createApi>} options.api
 * @param {number} [options.pageSize]
 * @param {() => string} [options.now] the time a local change is stamped with (ISO 8601)
 */
export function createConversationList({ api, pageSize = PAGE_SIZE, now = () => new Date().toISOString() }) {
  const state = {
    items: [],
    query: '',
    /** 'idle' before the first load, 'loading', 'ready' or 'error'. */
    status: 'idle',
    error: null,
    nextCursor: null,
    loadingMore: false,
  };
  const listeners = new Set();
  /** Increases with every new load, so a late answer for an older query is ignored. */
  let generation = 0;
  let controller = null;

  function snapshot() {
    return {
      items: state.items.map((item) => ({ ...item })),
      query: state.query,
      status: state.status,
      error: state.error,
      hasMore: state.nextCursor !== null,
      loadingMore: state.loadingMore,
    };
  }

  function changed() {
    const view = snapshot();
    for (const listener of listeners) listener(view);
  }

  function pageFrom(body) {
    const items = Array.isArray(body?.conversations) ? body.conversations.map(summaryFrom).filter(Boolean) : [];
    const nextCursor = typeof body?.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : null;
    return { items, nextCursor };
  }

  const indexOf = (id) => state.items.findIndex((item) => item.id === id);

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot,
    get query() { return state.query; },
    has: (id) => indexOf(id) !== -1,
    titleOf: (id) => state.items[indexOf(id)]?.title,

    /**
     * Loads the first page, of the conversations matching `query` (blank: all). Resolves once shown; never
     * rejects (a failure is the 'error' status).
     */
    async load(query = state.query) {
      generation += 1;
      const mine = generation;
      controller?.abort();
      controller = new AbortController();
      state.query = String(query ?? '').trim();
      state.status = 'loading';
      state.error = null;
      state.loadingMore = false;
      changed();
      try {
        const page = pageFrom(await api.conversations({ limit: pageSize, q: state.query || undefined, signal: controller.signal }));
        if (mine !== generation) return;
        state.items = page.items;
        state.nextCursor = page.nextCursor;
        state.status = 'ready';
      } catch (error) {
        if (mine !== generation) return;
        state.status = 'error';
        state.error = error;
      }
      changed();
    },

    /** Loads the next page; resolves to the conversations it added (rejects when it fails). */
    async loadMore() {
      if (state.nextCursor === null || state.loadingMore || state.status !== 'ready') return [];
      const mine = generation;
      state.loadingMore = true;
      changed();
      let page;
      try {
        page = pageFrom(await api.conversations({ limit: pageSize, cursor: state.nextCursor, q: state.query || undefined }));
      } catch (error) {
        if (mine === generation) {
          state.loadingMore = false;
          changed();
        }
        throw error;
      }
      if (mine !== generation) return [];
      const added = page.items.filter((item) => indexOf(item.id) === -1);
      state.items.push(...added);
      state.nextCursor = page.nextCursor;
      state.loadingMore = false;
      changed();
      return added.map((item) => ({ ...item }));
    },

    /**
     * A turn was written in a conversation: it moves to the top with the title the server gave it. A conversation
     * new to the list is added unless a search is shown (it may not match).
     */
    noteTurn({ id, title }) {
      const index = indexOf(id);
      const stamp = now();
      if (index === -1) {
        if (state.query !== '') return;
        state.items.unshift({ id, title: title || 'Untitled conversation', createdAt: stamp, updatedAt: stamp, messageCount: undefined });
      } else {
        const [item] = state.items.splice(index, 1);
        if (title) item.title = title;
        item.updatedAt = stamp;
        state.items.unshift(item);
      }
      changed();
    },

    /** Renames on the server (PATCH), then in the list; rejects with the server's error. Resolves to the summary. */
    async rename(id, title) {
      const summary = summaryFrom(await api.renameConversation(id, title)) ?? { id, title };
      const index = indexOf(id);
      if (index !== -1) {
        state.items[index] = { ...state.items[index], ...summary, id };
        changed();
      }
      return summary;
    },

    /** Drops a conversation from the list (deleted, or gone from the server). */
    forget(id) {
      const index = indexOf(id);
      if (index === -1) return;
      state.items.splice(index, 1);
      changed();
    },

    /** Empties the list after everything was deleted (and ends any search). */
    clear() {
      generation += 1;
      controller?.abort();
      Object.assign(state, { items: [], query: '', status: 'ready', error: null, nextCursor: null, loadingMore: false });
      changed();
    },

    /** How many conversations the person has (all of them, whatever the search), counted page by page. */
    async countAll() {
      let count = 0;
      let cursor;
      do {
        const page = pageFrom(await api.conversations({ limit: COUNT_PAGE_SIZE, cursor }));
        count += page.items.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return count;
    },
  };
}
