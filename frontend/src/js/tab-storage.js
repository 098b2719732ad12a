// A value kept for this browser tab only (sessionStorage), with an in-memory copy for storage that refuses
// to work (private browsing, a full quota): a reload keeps it, a new tab starts without it.

export function createTabValue(storage, key) {
  let memory = null;
  return {
    /** The stored text, or null. */
    get() {
      try {
        return storage?.getItem(key) ?? memory;
      } catch {
        return memory;
      }
    },
    set(value) {
      memory = String(value);
      try {
        storage?.setItem(key, memory);
      } catch {
        // the in-memory copy serves this page
      }
    },
    clear() {
      memory = null;
      try {
        storage?.removeItem(key);
      } catch {
        // nothing stored
      }
    },
  };
}
