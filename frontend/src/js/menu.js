// Menu buttons (the WAI-ARIA menu button pattern) inside a container: a button with aria-haspopup="menu" and
// aria-controls opens its role="menu" list. Arrow keys, Home and End move between the items, Escape closes and
// gives focus back to the button, Tab or a click elsewhere closes. One menu is open at a time.

const ITEM = '[role="menuitem"]:not([disabled])';

/**
 * @param {Element} root the container whose menu buttons this handles (by delegation, so re-rendered items work)
 * @param {{boundary?: Element}} [options] a scrolling ancestor: a menu that would leave it opens upwards
 */
export function createMenus(root, { boundary } = {}) {
  const doc = root.ownerDocument;
  const win = doc.defaultView;
  let open = null;

  const menuOf = (button) => doc.getElementById(button.getAttribute('aria-controls'));
  const items = (menu) => [...menu.querySelectorAll(ITEM)];

  function show(button, focus) {
    if (open && open.button !== button) close();
    const menu = menuOf(button);
    if (!menu) return;
    open = { button, menu };
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    menu.classList.remove('menu--up');
    if (boundary) {
      const room = boundary.getBoundingClientRect();
      const box = menu.getBoundingClientRect();
      if (box.bottom > room.bottom && box.height > 0) menu.classList.add('menu--up');
    }
    const list = items(menu);
    (focus === 'last' ? list.at(-1) : list[0])?.focus();
  }

  /** Closes the open menu; `restoreFocus` puts focus back on its button. */
  function close({ restoreFocus = false } = {}) {
    if (!open) return;
    const { button, menu } = open;
    open = null;
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (restoreFocus && button.isConnected) button.focus();
  }

  root.addEventListener('click', (event) => {
    const target = event.target instanceof win.Element ? event.target : null;
    const button = target?.closest('[aria-haspopup="menu"]');
    if (button && root.contains(button)) {
      event.preventDefault();
      if (open?.button === button) close({ restoreFocus: true });
      else show(button, 'first');
      return;
    }
    // A chosen item closes its menu; the item's own handler runs after this one and decides where focus goes.
    if (open && target?.closest(ITEM) && open.menu.contains(target)) close();
  });

  root.addEventListener('keydown', (event) => {
    const target = event.target instanceof win.Element ? event.target : null;
    const button = target?.closest('[aria-haspopup="menu"]');
    if (button && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      show(button, event.key === 'ArrowUp' ? 'last' : 'first');
      return;
    }
    if (!open || !open.menu.contains(target)) return;
    const list = items(open.menu);
    const index = list.indexOf(target.closest(ITEM));
    const move = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: list.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      list[(move + list.length) % list.length]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation(); // the drawer stays open: Escape closes one thing at a time
      close({ restoreFocus: true });
    } else if (event.key === 'Tab') {
      close();
    }
  });

  doc.addEventListener('pointerdown', (event) => {
    if (!open) return;
    const target = event.target instanceof win.Node ? event.target : null;
    if (target && (open.menu.contains(target) || open.button.contains(target))) return;
    close();
  });

  return { close };
}
