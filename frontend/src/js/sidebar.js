// The side list of this browser's conversations; on narrow screens it is a drawer over the chat.

import { icon } from './icons.js';

const DRAWER_QUERY = '(max-width: 860px)';

export function conversationHref(id) {
  return `#/c/${encodeURIComponent(id)}`;
}

/** The conversation id in a location hash made by conversationHref, or null. */
export function conversationIdFromHash(hash) {
  const match = /^#\/c\/([^/?#]+)$/.exec(hash ?? '');
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Everything on the page outside `inside`: the siblings of `inside` and of each of its ancestors up to <body>,
 * minus the elements in `keep` (and <script>/<template>, which hold nothing to reach).
 */
export function elementsOutside(inside, keep = []) {
  const body = inside.ownerDocument.body;
  const outside = [];
  for (let node = inside; node !== body && node.parentElement; node = node.parentElement) {
    for (const sibling of node.parentElement.children) {
      if (sibling === node || keep.includes(sibling) || sibling.localName === 'script' || sibling.localName === 'template') continue;
      outside.push(sibling);
    }
  }
  return outside;
}

/**
 * @param {object} parts
 * @param {Element[]} [parts.keepActive] elements outside the drawer that stay usable while it is open (a live
 *   region, dialogs the drawer opens); the backdrop always does, since a tap on it closes the drawer.
 */
export function createSidebar({ app, sidebar, list, empty, openButton, closeButton, backdrop, keepActive = [], onOpen, onDelete }) {
  const doc = sidebar.ownerDocument;
  const win = doc.defaultView;
  const drawerMedia = win.matchMedia(DRAWER_QUERY);
  let activeId = null;
  /** What the open drawer made inert, to give back exactly that when it closes. */
  let madeInert = [];

  function drawerOpen() {
    return app.classList.contains('app--drawer-open');
  }

  function openDrawer() {
    app.classList.add('app--drawer-open');
    openButton.setAttribute('aria-expanded', 'true');
    backdrop.hidden = false;
    sidebar.setAttribute('role', 'dialog');
    sidebar.setAttribute('aria-modal', 'true');
    // Focus moves into the drawer before the rest of the page becomes inert, so it never falls back to <body>.
    (list.querySelector('[aria-current="page"]') ?? sidebar.querySelector('.new-chat')).focus();
    madeInert = elementsOutside(sidebar, [backdrop, ...keepActive]).filter((element) => !element.hasAttribute('inert'));
    for (const element of madeInert) element.setAttribute('inert', '');
  }

  function closeDrawer({ restoreFocus = true } = {}) {
    if (!drawerOpen()) return;
    app.classList.remove('app--drawer-open');
    openButton.setAttribute('aria-expanded', 'false');
    backdrop.hidden = true;
    for (const element of madeInert) element.removeAttribute('inert');
    madeInert = [];
    sidebar.removeAttribute('role');
    sidebar.removeAttribute('aria-modal');
    if (restoreFocus) openButton.focus();
  }

  /** The drawer's controls a person can reach with Tab, in order. */
  function reachable() {
    return [...sidebar.querySelectorAll(FOCUSABLE)].filter((element) => !element.closest('[hidden], [inert]')
      && (typeof element.checkVisibility !== 'function' || element.checkVisibility({ visibilityProperty: true })));
  }

  openButton.addEventListener('click', openDrawer);
  closeButton.addEventListener('click', () => closeDrawer());
  backdrop.addEventListener('click', () => closeDrawer());
  sidebar.addEventListener('keydown', (event) => {
    if (!drawerOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      closeDrawer();
      return;
    }
    if (event.key !== 'Tab') return;
    // Tab goes round inside the open drawer instead of leaving the page for the browser's own controls.
    const controls = reachable();
    if (controls.length === 0) return;
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (event.shiftKey && doc.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && doc.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  drawerMedia.addEventListener('change', () => {
    if (!drawerMedia.matches) closeDrawer({ restoreFocus: false });
  });

  list.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const item = target?.closest('.conversation');
    if (!item) return;
    const { id } = item.dataset;
    if (target.closest('.conversation__delete')) {
      onDelete(id, item.querySelector('.conversation__title').textContent);
      return;
    }
    if (target.closest('.conversation__open') && !(event.metaKey || event.ctrlKey || event.shiftKey || event.button === 1)) {
      event.preventDefault();
      closeDrawer({ restoreFocus: false });
      onOpen(id);
    }
  });

  function item(conversation) {
    const li = doc.createElement('li');
    li.className = 'conversation';
    li.dataset.id = conversation.id;
    const link = doc.createElement('a');
    link.className = 'conversation__open';
    link.href = conversationHref(conversation.id);
    const title = doc.createElement('span');
    title.className = 'conversation__title';
    title.textContent = conversation.title;
    link.append(title);
    if (conversation.id === activeId) link.setAttribute('aria-current', 'page');
    const remove = doc.createElement('button');
    remove.type = 'button';
    remove.className = 'conversation__delete';
    remove.setAttribute('aria-label', `Delete “${conversation.title}”`);
    remove.append(icon(doc, 'trash'));
    li.append(link, remove);
    return li;
  }

  return {
    render(conversations) {
      list.replaceChildren(...conversations.map(item));
      empty.hidden = conversations.length > 0;
    },
    setActive(id) {
      activeId = id;
      for (const link of list.querySelectorAll('.conversation__open')) {
        if (link.closest('.conversation').dataset.id === id) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
    },
    /** The control to focus after the item for `id` goes away: the next item, else the previous, else null. */
    neighbourOf(id) {
      const items = [...list.querySelectorAll('.conversation')];
      const index = items.findIndex((li) => li.dataset.id === id);
      const next = items[index + 1] ?? items[index - 1];
      return next ? next.dataset.id : null;
    },
    focusItem(id) {
      const link = [...list.querySelectorAll('.conversation')].find((li) => li.dataset.id === id)?.querySelector('.conversation__open');
      link?.focus();
      return Boolean(link);
    },
    closeDrawer,
  };
}
