// The sidebar as a phone drawer, on the real index.html in jsdom (its scripts do not run here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { createDrawer, elementsOutside } from '../src/js/sidebar.js';
import { createConversationListView } from '../src/js/conversation-list-view.js';

const html = readFileSync(new URL('../src/index.html', import.meta.url), 'utf8');

function drawerPage() {
  const { window } = new JSDOM(html);
  window.matchMedia = () => ({ matches: true, addEventListener() {}, removeEventListener() {} });
  const { document } = window;
  const $ = (id) => document.getElementById(id);
  const drawer = createDrawer({
    app: $('app'),
    sidebar: $('sidebar'),
    openButton: $('open-drawer'),
    closeButton: $('close-drawer'),
    backdrop: $('backdrop'),
    keepActive: [$('announcer'), $('confirm-dialog'), $('token-dialog'), $('keys-dialog')],
  });
  const list = createConversationListView({
    list: $('conversation-list'), heading: $('conversations-heading'), status: $('conversations-status'), moreButton: $('load-more'),
    onOpen() {}, onRename: async () => {}, onExport() {}, onDelete() {}, onRetry() {}, onLoadMore() {}, describe: String,
  });
  list.setActive('a');
  list.render({ items: [{ id: 'a', title: 'First' }, { id: 'b', title: 'Second' }], query: '', status: 'ready', hasMore: false, loadingMore: false });
  const inert = () => [...document.querySelectorAll('[inert]')].map((element) => element.id || element.className);
  const tab = (shiftKey = false) => {
    const event = new window.KeyboardEvent('keydown', { key: 'Tab', shiftKey, bubbles: true, cancelable: true });
    document.activeElement.dispatchEvent(event);
    return event.defaultPrevented;
  };
  return { window, document, $, drawer, inert, tab };
}

test('the open drawer makes everything else on the page inert, except the backdrop, live region and dialogs', () => {
  const { $, document, inert } = drawerPage();
  $('open-drawer').click();
  assert.equal($('sidebar').getAttribute('aria-modal'), 'true');
  assert.ok($('sidebar').contains(document.activeElement), 'focus moved into the drawer');
  assert.deepEqual(inert().sort(), ['main', 'signin', 'skip-link', 'toasts'].sort());
  for (const id of ['app', 'sidebar', 'backdrop', 'announcer', 'confirm-dialog', 'token-dialog', 'keys-dialog']) {
    assert.equal($(id).hasAttribute('inert'), false, id);
  }
  assert.equal(document.activeElement.textContent.trim(), 'First', 'the open conversation has focus');

  document.activeElement.dispatchEvent(new document.defaultView.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
  assert.deepEqual(inert(), [], 'closing gives everything back');
  assert.equal(document.activeElement, $('open-drawer'));
});

test('closing leaves inert what was inert before the drawer opened', () => {
  const { $, inert } = drawerPage();
  $('toasts').setAttribute('inert', '');
  $('open-drawer').click();
  $('close-drawer').click();
  assert.deepEqual(inert(), ['toasts']);
});

test('Tab and Shift+Tab go round inside the open drawer, past the hidden menus and buttons', () => {
  const { $, document, tab } = drawerPage();
  $('delete-all').hidden = false;
  $('open-drawer').click();
  const first = $('close-drawer');
  const last = $('delete-all');

  last.focus();
  assert.equal(tab(), true);
  assert.equal(document.activeElement, first, 'Tab on the last control goes to the first');
  assert.equal(tab(true), true);
  assert.equal(document.activeElement, last, 'Shift+Tab on the first goes to the last');
  $('conversation-search').focus();
  assert.equal(tab(), false, 'inside the drawer Tab moves as usual');
});

test('Escape in an open actions menu closes the menu, not the drawer', () => {
  const { $, document, window } = drawerPage();
  $('open-drawer').click();
  const toggle = document.querySelector('.conversation__actions');
  toggle.click();
  document.activeElement.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  assert.equal(document.activeElement, toggle);
  assert.equal($('app').classList.contains('app--drawer-open'), true);
});

test('with the drawer closed Tab is left alone', () => {
  const { $, tab } = drawerPage();
  $('close-drawer').focus();
  assert.equal(tab(true), false);
});

test('elementsOutside lists the siblings of the element and of each ancestor, without the kept ones', () => {
  const { document } = new JSDOM('<body><p id="a"></p><div id="b"><span id="c"></span><section id="d"><i id="e"></i></section></div><script></script><p id="f"></p></body>').window;
  const $ = (id) => document.getElementById(id);
  assert.deepEqual(elementsOutside($('e')).map((element) => element.id).sort(), ['a', 'c', 'f']);
  assert.deepEqual(elementsOutside($('e'), [$('f')]).map((element) => element.id).sort(), ['a', 'c']);
});
