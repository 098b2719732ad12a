// The sidebar as a drawer over the chat on narrow screens (a modal while open), and the conversation addresses.

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
export function createDrawer({ app, sidebar, openButton, closeButton, backdrop, keepActive = [] }) {
  const doc = sidebar.ownerDocument;
  const win = doc.defaultView;
  const drawerMedia = win.matchMedia(DRAWER_QUERY);
  /** What the open drawer made inert, to give back exactly that when it closes. */
  let madeInert = [];

  function isOpen() {
    return app.classList.contains('app--drawer-open');
  }

  function open() {
    app.classList.add('app--drawer-open');
    openButton.setAttribute('aria-expanded', 'true');
    backdrop.hidden = false;
    sidebar.setAttribute('role', 'dialog');
    sidebar.setAttribute('aria-modal', 'true');
    // Focus moves into the drawer before the rest of the page becomes inert, so it never falls back to <body>.
    (sidebar.querySelector('[aria-current="page"]') ?? sidebar.querySelector('.new-chat')).focus();
    madeInert = elementsOutside(sidebar, [backdrop, ...keepActive]).filter((element) => !element.hasAttribute('inert'));
    for (const element of madeInert) element.setAttribute('inert', '');
  }

  function close({ restoreFocus = true } = {}) {
    if (!isOpen()) return;
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

  openButton.addEventListener('click', open);
  closeButton.addEventListener('click', () => close());
  backdrop.addEventListener('click', () => close());
  sidebar.addEventListener('keydown', (event) => {
    if (!isOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
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
    if (!drawerMedia.matches) close({ restoreFocus: false });
  });

  return { open, close };
}
