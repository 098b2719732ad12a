// The side list of this browser's conversations; on narrow screens it is a drawer over the chat.

const DRAWER_QUERY = '(max-width: 860px)';
const TRASH = 'M9 3h6l1 2h4v2H4V5h4l1-2Zm-3 6h12l-1 11a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2L6 9Zm4 2v8h1.5v-8H10Zm2.5 0v8H14v-8h-1.5Z';

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

export function createSidebar({ app, sidebar, main, list, empty, openButton, closeButton, backdrop, onOpen, onDelete }) {
  const doc = sidebar.ownerDocument;
  const win = doc.defaultView;
  const drawerMedia = win.matchMedia(DRAWER_QUERY);
  let activeId = null;

  function drawerOpen() {
    return app.classList.contains('app--drawer-open');
  }

  function openDrawer() {
    app.classList.add('app--drawer-open');
    openButton.setAttribute('aria-expanded', 'true');
    backdrop.hidden = false;
    sidebar.setAttribute('role', 'dialog');
    sidebar.setAttribute('aria-modal', 'true');
    // Focus moves into the drawer before the page behind it becomes inert, so it never falls back to <body>.
    (list.querySelector('[aria-current="page"]') ?? sidebar.querySelector('.new-chat')).focus();
    main.inert = true;
  }

  function closeDrawer({ restoreFocus = true } = {}) {
    if (!drawerOpen()) return;
    app.classList.remove('app--drawer-open');
    openButton.setAttribute('aria-expanded', 'false');
    backdrop.hidden = true;
    main.inert = false;
    sidebar.removeAttribute('role');
    sidebar.removeAttribute('aria-modal');
    if (restoreFocus) openButton.focus();
  }

  openButton.addEventListener('click', openDrawer);
  closeButton.addEventListener('click', () => closeDrawer());
  backdrop.addEventListener('click', () => closeDrawer());
  sidebar.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && drawerOpen()) {
      event.preventDefault();
      closeDrawer();
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
    const svg = doc.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const path = doc.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', TRASH);
    svg.append(path);
    remove.append(svg);
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
    isDrawerOpen: drawerOpen,
  };
}
