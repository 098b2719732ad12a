// The conversation list in the sidebar: one item per conversation (a link, and a menu to rename, export or
// delete it), renaming in place, "Load more", and the loading, empty, no-match and error states. Items are kept
// by id between renders, so focus and a rename in progress survive the list changing around them.
import { icon } from './icons.js';
import { createMenus } from './menu.js';
import { conversationHref } from './sidebar.js';

export const MAX_TITLE_LENGTH = 200;

/**
 * @param {object} parts
 * @param {HTMLUListElement} parts.list
 * @param {HTMLElement} parts.heading the list's heading ("Recent", or the search results)
 * @param {HTMLElement} parts.status where loading, empty and error states are said
 * @param {HTMLButtonElement} parts.moreButton "Load more"
 * @param {Element} [parts.scroller] the list's scrolling container
 * @param {(id: string) => void} parts.onOpen
 * @param {(id: string, title: string) => Promise<unknown>} parts.onRename rejects with the error to show
 * @param {(id: string, format: 'markdown'|'json') => void} parts.onExport
 * @param {(id: string, title: string) => void} parts.onDelete
 * @param {() => void} parts.onRetry loads the list again after an error
 * @param {() => void} parts.onLoadMore
 * @param {(error: unknown) => string} parts.describe the sentence for an error
 */
export function createConversationListView({
  list, heading, status, moreButton, scroller, onOpen, onRename, onExport, onDelete, onRetry, onLoadMore, describe,
}) {
  const doc = list.ownerDocument;
  const win = doc.defaultView;
  createMenus(list, { boundary: scroller }); // each item's actions menu, by delegation
  /** id → its <li>, reused across renders. */
  const nodes = new Map();
  let activeId = null;
  let editing = null;
  let serial = 0;
  let last = { items: [], query: '', status: 'idle', hasMore: false, loadingMore: false };

  function element(tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function menuItem(action, label, iconName) {
    const button = element('button', `menu__item${action === 'delete' ? ' menu__item--danger' : ''}`);
    button.type = 'button';
    button.setAttribute('role', 'menuitem');
    button.dataset.action = action;
    button.append(icon(doc, iconName), element('span', '', label));
    return button;
  }

  function create(item) {
    serial += 1;
    const li = element('li', 'conversation');
    li.dataset.id = item.id;
    const link = element('a', 'conversation__open');
    link.href = conversationHref(item.id);
    link.append(element('span', 'conversation__title'));
    const toggle = element('button', 'conversation__actions');
    toggle.type = 'button';
    toggle.setAttribute('aria-haspopup', 'menu');
    toggle.setAttribute('aria-expanded', 'false');
    toggle.setAttribute('aria-controls', `conversation-menu-${serial}`);
    toggle.append(icon(doc, 'more'));
    const menu = element('div', 'menu');
    menu.id = `conversation-menu-${serial}`;
    menu.setAttribute('role', 'menu');
    menu.hidden = true;
    menu.append(
      menuItem('rename', 'Rename', 'pencil'),
      menuItem('export-markdown', 'Export as Markdown', 'download'),
      menuItem('export-json', 'Export as JSON', 'download'),
      menuItem('delete', 'Delete', 'trash'),
    );
    li.append(link, toggle, menu);
    nodes.set(item.id, li);
    return li;
  }

  function update(li, item) {
    li.querySelector('.conversation__title').textContent = item.title;
    li.querySelector('.conversation__actions').setAttribute('aria-label', `Actions for “${item.title}”`);
    li.querySelector('.menu').setAttribute('aria-label', `Actions for “${item.title}”`);
    const link = li.querySelector('.conversation__open');
    if (item.id === activeId) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }

  function titleOf(id) {
    return last.items.find((item) => item.id === id)?.title ?? '';
  }

  // ---- States ----------------------------------------------------------------------------------------------

  function showStatus(state) {
    const searching = state.query !== '';
    heading.textContent = searching ? 'Search results' : 'Recent';
    list.setAttribute('aria-busy', String(state.status === 'loading'));
    let text = '';
    let tone = 'info';
    if (state.status === 'loading' && (state.items.length === 0 || searching)) text = searching ? 'Searching…' : 'Loading your conversations…';
    else if (state.status === 'error') {
      text = `Could not load your conversations. ${describe(state.error)}`;
      tone = 'error';
    } else if (state.status === 'ready' && state.items.length === 0) {
      text = searching ? `No conversations match “${state.query}”.` : 'Your conversations appear here.';
    }
    status.hidden = text === '';
    status.dataset.tone = tone;
    const paragraph = element('p', 'conversations__status-text', text);
    if (tone === 'error') paragraph.setAttribute('role', 'alert');
    const parts = [paragraph];
    if (tone === 'error') {
      const retry = element('button', 'button button--small');
      retry.type = 'button';
      retry.textContent = 'Try again';
      retry.addEventListener('click', onRetry);
      parts.push(retry);
    }
    status.replaceChildren(...parts);

    moreButton.hidden = !(state.status === 'ready' && state.hasMore);
    moreButton.disabled = state.loadingMore;
    moreButton.textContent = state.loadingMore ? 'Loading…' : 'Load more';
  }

  // ---- Rendering -------------------------------------------------------------------------------------------

  function render(state) {
    last = state;
    const focused = list.contains(doc.activeElement) ? doc.activeElement : null;
    const wanted = new Set(state.items.map((item) => item.id));
    for (const [id, li] of nodes) {
      if (wanted.has(id)) continue;
      if (editing?.id === id) editing = null;
      li.remove();
      nodes.delete(id);
    }
    state.items.forEach((item, index) => {
      const li = nodes.get(item.id) ?? create(item);
      if (editing?.id !== item.id) update(li, item);
      // Only what is out of place moves: moving a node would take focus from inside it.
      if (list.children[index] !== li) list.insertBefore(li, list.children[index] ?? null);
    });
    if (focused && focused.isConnected && doc.activeElement !== focused) focused.focus();
    showStatus(state);
  }

  // ---- Renaming in place -------------------------------------------------------------------------------------

  function startRename(id) {
    const li = nodes.get(id);
    if (!li || editing?.id === id) return;
    if (editing) cancelRename();
    const title = titleOf(id);
    const form = element('form', 'conversation__rename');
    form.noValidate = true;
    const input = element('input', 'conversation__rename-input');
    input.type = 'text';
    input.value = title;
    input.maxLength = MAX_TITLE_LENGTH;
    input.autocomplete = 'off';
    input.spellcheck = false;
    input.setAttribute('aria-label', `New title for “${title}”`);
    const error = element('p', 'conversation__rename-error');
    error.id = `${li.querySelector('.menu').id}-error`;
    error.hidden = true;
    form.append(input, error);
    const link = li.querySelector('.conversation__open');
    link.hidden = true;
    li.querySelector('.conversation__actions').hidden = true;
    li.insertBefore(form, link);
    editing = { id, li, form, input, error, saving: false, original: title };

    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save();
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        cancelRename({ restoreFocus: true });
      }
    });
    input.addEventListener('blur', () => {
      // Leaving the field keeps a changed title (like pressing Enter) and drops an unchanged one.
      if (editing?.input !== input || editing.saving) return;
      if (input.value.trim() === editing.original) cancelRename();
      else save({ fromBlur: true });
    });
    input.focus();
    input.select();
  }

  function showRenameError(message) {
    const { input, error } = editing;
    error.textContent = message;
    error.hidden = false;
    error.setAttribute('role', 'alert');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', error.id);
  }

  async function save({ fromBlur = false } = {}) {
    const current = editing;
    if (!current || current.saving) return;
    const title = current.input.value.trim();
    if (title === '') {
      showRenameError('A title needs at least one character.');
      if (!fromBlur) current.input.focus();
      return;
    }
    if (title === current.original) {
      cancelRename({ restoreFocus: !fromBlur });
      return;
    }
    current.saving = true;
    current.input.readOnly = true;
    current.form.setAttribute('aria-busy', 'true');
    try {
      await onRename(current.id, title);
    } catch (error) {
      if (editing !== current) return;
      current.saving = false;
      current.input.readOnly = false;
      current.form.removeAttribute('aria-busy');
      showRenameError(`Not renamed: ${describe(error)}`);
      if (!fromBlur) current.input.focus();
      return;
    }
    if (editing !== current) return;
    finishRename({ restoreFocus: !fromBlur || doc.activeElement === current.input || doc.activeElement === doc.body });
  }

  function finishRename({ restoreFocus }) {
    const { li, form } = editing;
    editing = null;
    form.remove();
    li.querySelector('.conversation__open').hidden = false;
    li.querySelector('.conversation__actions').hidden = false;
    const item = last.items.find((entry) => entry.id === li.dataset.id);
    if (item) update(li, item);
    if (restoreFocus) li.querySelector('.conversation__open').focus();
  }

  function cancelRename({ restoreFocus = false } = {}) {
    if (editing) finishRename({ restoreFocus });
  }

  // ---- Events ------------------------------------------------------------------------------------------------

  list.addEventListener('click', (event) => {
    const target = event.target instanceof win.Element ? event.target : null;
    const li = target?.closest('.conversation');
    if (!li) return;
    const { id } = li.dataset;
    const action = target.closest('[data-action]')?.dataset.action;
    if (action === 'rename') startRename(id);
    else if (action === 'export-markdown') onExport(id, 'markdown');
    else if (action === 'export-json') onExport(id, 'json');
    else if (action === 'delete') onDelete(id, titleOf(id));
    else if (target.closest('.conversation__open') && !(event.metaKey || event.ctrlKey || event.shiftKey || event.button === 1)) {
      event.preventDefault();
      onOpen(id);
    }
  });

  moreButton.addEventListener('click', onLoadMore);

  return {
    render,
    setActive(id) {
      activeId = id;
      for (const [itemId, li] of nodes) {
        const link = li.querySelector('.conversation__open');
        if (itemId === id) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    startRename,
    /** The id of the item to focus after the one for `id` goes away: the next, else the previous, else null. */
    neighbourOf(id) {
      const ids = last.items.map((item) => item.id);
      const index = ids.indexOf(id);
      if (index === -1) return null;
      return ids[index + 1] ?? ids[index - 1] ?? null;
    },
    focusItem(id) {
      const link = nodes.get(id)?.querySelector('.conversation__open');
      link?.focus();
      return Boolean(link);
    },
  };
}
