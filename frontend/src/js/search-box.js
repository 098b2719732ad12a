// The search box above the conversation list: searches as the person types (debounced), at once on Enter,
// and a clear button (or Escape) that goes back to the whole list.

export const SEARCH_DELAY_MS = 300;

/**
 * @param {object} parts
 * @param {HTMLInputElement} parts.input
 * @param {HTMLButtonElement} parts.clearButton
 * @param {(query: string) => void} parts.onSearch called with the trimmed text (blank: the whole list)
 * @param {{setTimeout: Function, clearTimeout: Function}} [parts.timers]
 */
export function createSearchBox({ input, clearButton, onSearch, delayMs = SEARCH_DELAY_MS, timers = globalThis }) {
  let timer = null;
  let searched = '';

  function run() {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    const query = input.value.trim();
    if (query === searched) return;
    searched = query;
    onSearch(query);
  }

  function showClear() {
    clearButton.hidden = input.value === '';
  }

  function clear() {
    input.value = '';
    showClear();
    run();
    input.focus();
  }

  input.addEventListener('input', () => {
    showClear();
    if (timer !== null) timers.clearTimeout(timer);
    timer = timers.setTimeout(run, delayMs);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      run();
    } else if (event.key === 'Escape' && input.value !== '') {
      event.preventDefault();
      event.stopPropagation(); // the first Escape clears the search, the next one closes the drawer
      clear();
    }
  });
  clearButton.addEventListener('click', clear);
  showClear();

  return {
    /** Empties the box without searching (the list was reset another way). */
    reset() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      input.value = '';
      searched = '';
      showClear();
    },
  };
}
