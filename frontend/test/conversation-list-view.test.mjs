// The sidebar's conversation list, search box and export download on the real index.html in jsdom, against the
// real list state and API client over a scripted fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { createConversationListView } from '../src/js/conversation-list-view.js';
import { createConversationList } from '../src/js/conversations.js';
import { createSearchBox, SEARCH_DELAY_MS } from '../src/js/search-box.js';
import { createApi } from '../src/js/api.js';
import { saveFile } from '../src/js/downloads.js';
import { ApiError, describeError } from '../src/js/errors.js';
import { fakeClock, jsonResponse, settle } from '../test-support/fixtures.mjs';

const html = readFileSync(new URL('../src/index.html', import.meta.url), 'utf8');

const summary = (id, title) => ({ id, title, createdAt: '2030-01-01T00:00:00Z', updatedAt: '2030-01-02T00:00:00Z', messageCount: 2 });
const ready = (items, extra = {}) => ({ items, query: '', status: 'ready', error: null, hasMore: false, loadingMore: false, ...extra });

function listPage({ onRename = async () => {} } = {}) {
  const { window } = new JSDOM(html, { url: 'https://chat.example.test/' });
  const { document } = window;
  const $ = (id) => document.getElementById(id);
  const calls = [];
  const view = createConversationListView({
    list: $('conversation-list'),
    heading: $('conversations-heading'),
    status: $('conversations-status'),
    moreButton: $('load-more'),
    scroller: $('conversations'),
    describe: (error) => describeError(error).message,
    onOpen: (id) => calls.push(['open', id]),
    onRename: (id, title) => { calls.push(['rename', id, title]); return onRename(id, title); },
    onExport: (id, format) => calls.push(['export', id, format]),
    onDelete: (id, title) => calls.push(['delete', id, title]),
    onRetry: () => calls.push(['retry']),
    onLoadMore: () => calls.push(['more']),
  });
  const key = (key, target = document.activeElement) => {
    const event = new window.KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event;
  };
  const titles = () => [...document.querySelectorAll('#conversation-list .conversation__title')].map((t) => t.textContent);
  const statusText = () => ($('conversations-status').hidden ? '' : $('conversations-status').textContent.trim());
  const item = (id) => document.querySelector(`.conversation[data-id="${id}"]`);
  return { window, document, $, view, calls, key, titles, statusText, item };
}

test('items are links to their conversation with a labelled actions button; the open one is marked', () => {
  const p = listPage();
  p.view.setActive('c2');
  p.view.render(ready([summary('c1', 'First'), summary('c2', 'Second')]));
  assert.deepEqual(p.titles(), ['First', 'Second']);
  assert.equal(p.item('c1').querySelector('a').getAttribute('href'), '#/c/c1');
  assert.equal(p.item('c2').querySelector('a').getAttribute('aria-current'), 'page');
  assert.equal(p.item('c1').querySelector('a').hasAttribute('aria-current'), false);
  const toggle = p.item('c1').querySelector('.conversation__actions');
  assert.equal(toggle.getAttribute('aria-label'), 'Actions for “First”');
  assert.equal(toggle.getAttribute('aria-haspopup'), 'menu');
  assert.equal(toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(p.document.getElementById(toggle.getAttribute('aria-controls')).hidden, true);
  assert.equal(p.statusText(), '', 'no state message while conversations show');

  p.item('c1').querySelector('a').dispatchEvent(new p.window.MouseEvent('click', { bubbles: true, cancelable: true }));
  assert.deepEqual(p.calls, [['open', 'c1']]);
});

test('re-rendering keeps each item’s element and the focus inside it, even when the order changes', () => {
  const p = listPage();
  p.view.render(ready([summary('c1', 'First'), summary('c2', 'Second'), summary('c3', 'Third')]));
  const second = p.item('c2');
  second.querySelector('a').focus();
  p.view.render(ready([summary('c3', 'Third, renamed'), summary('c2', 'Second'), summary('c1', 'First')]));
  assert.equal(p.item('c2'), second, 'the same element');
  assert.equal(p.document.activeElement, second.querySelector('a'), 'focus stayed');
  assert.deepEqual(p.titles(), ['Third, renamed', 'Second', 'First']);
  p.view.render(ready([summary('c1', 'First')]));
  assert.deepEqual(p.titles(), ['First']);
  assert.equal(p.view.neighbourOf('c1'), null);
});

test('loading, empty, no-match and error states are said in words; the error offers to try again', () => {
  const p = listPage();
  p.view.render({ ...ready([]), status: 'loading' });
  assert.equal(p.statusText(), 'Loading your conversations…');
  assert.equal(p.$('conversation-list').getAttribute('aria-busy'), 'true');
  p.view.render(ready([]));
  assert.equal(p.statusText(), 'Your conversations appear here.');
  assert.equal(p.$('conversation-list').getAttribute('aria-busy'), 'false');
  p.view.render({ ...ready([summary('c1', 'First')]), query: 'dns', status: 'loading' });
  assert.equal(p.statusText(), 'Searching…');
  assert.equal(p.$('conversations-heading').textContent, 'Search results');
  p.view.render({ ...ready([]), query: 'dns' });
  assert.equal(p.statusText(), 'No conversations match “dns”.');
  p.view.render({ ...ready([]), status: 'error', error: new ApiError({ status: 503, code: 'ModelUnavailable', message: 'The store is busy.' }) });
  assert.match(p.statusText(), /^Could not load your conversations\. The store is busy\./);
  assert.equal(p.$('conversations-status').querySelector('[role="alert"]').textContent, 'Could not load your conversations. The store is busy.');
  p.$('conversations-status').querySelector('button').click();
  assert.deepEqual(p.calls, [['retry']]);
  p.view.render(ready([]));
  assert.equal(p.$('conversations-heading').textContent, 'Recent');
});

test('"Load more" shows while there is more, waits while loading and asks for the next page', () => {
  const p = listPage();
  const more = p.$('load-more');
  p.view.render(ready([summary('c1', 'First')], { hasMore: true }));
  assert.equal(more.hidden, false);
  more.click();
  assert.deepEqual(p.calls, [['more']]);
  p.view.render(ready([summary('c1', 'First')], { hasMore: true, loadingMore: true }));
  assert.equal(more.disabled, true);
  assert.equal(more.textContent, 'Loading…');
  p.view.render(ready([summary('c1', 'First')]));
  assert.equal(more.hidden, true);
});

test('the actions menu works from the keyboard: arrows move, Escape closes and returns focus', () => {
  const p = listPage();
  p.view.render(ready([summary('c1', 'First'), summary('c2', 'Second')]));
  const toggle = p.item('c1').querySelector('.conversation__actions');
  toggle.focus();
  p.key('ArrowDown');
  const menu = p.document.getElementById(toggle.getAttribute('aria-controls'));
  assert.equal(menu.hidden, false);
  assert.equal(toggle.getAttribute('aria-expanded'), 'true');
  const labels = [...menu.querySelectorAll('[role="menuitem"]')].map((b) => b.textContent);
  assert.deepEqual(labels, ['Rename', 'Export as Markdown', 'Export as JSON', 'Delete']);
  assert.equal(p.document.activeElement.textContent, 'Rename');
  p.key('ArrowDown');
  assert.equal(p.document.activeElement.textContent, 'Export as Markdown');
  p.key('End');
  assert.equal(p.document.activeElement.textContent, 'Delete');
  p.key('ArrowDown');
  assert.equal(p.document.activeElement.textContent, 'Rename', 'round again');
  p.key('ArrowUp');
  assert.equal(p.document.activeElement.textContent, 'Delete');
  p.key('Escape');
  assert.equal(menu.hidden, true);
  assert.equal(p.document.activeElement, toggle);

  p.key('ArrowUp');
  assert.equal(p.document.activeElement.textContent, 'Delete', 'ArrowUp opens on the last item');
  // Opening another menu closes this one.
  p.item('c2').querySelector('.conversation__actions').click();
  assert.equal(menu.hidden, true);
  assert.equal(p.document.querySelectorAll('.menu:not([hidden])').length, 1);
});

test('menu items export in either format and delete, closing the menu', () => {
  const p = listPage();
  p.view.render(ready([summary('c1', 'First')]));
  const toggle = p.item('c1').querySelector('.conversation__actions');
  const choose = (label) => {
    toggle.click();
    [...p.item('c1').querySelectorAll('[role="menuitem"]')].find((b) => b.textContent === label).click();
  };
  choose('Export as Markdown');
  choose('Export as JSON');
  choose('Delete');
  assert.deepEqual(p.calls, [['export', 'c1', 'markdown'], ['export', 'c1', 'json'], ['delete', 'c1', 'First']]);
  assert.equal(toggle.getAttribute('aria-expanded'), 'false');
});

test('rename in place: Escape cancels, Enter saves, a refusal is shown and editing goes on', async () => {
  let refuse = true;
  const p = listPage({
    onRename: async () => {
      if (refuse) throw new ApiError({ status: 400, code: 'ValidationError', message: 'The title is longer than 200 characters.' });
    },
  });
  p.view.render(ready([summary('c1', 'First'), summary('c2', 'Second')]));
  p.view.startRename('c1');
  let input = p.item('c1').querySelector('input');
  assert.equal(p.document.activeElement, input);
  assert.equal(input.value, 'First');
  assert.equal(input.getAttribute('aria-label'), 'New title for “First”');
  assert.equal(input.maxLength, 200);
  assert.equal(p.item('c1').querySelector('a').hidden, true);
  input.value = 'Changed my mind';
  p.key('Escape', input);
  assert.equal(p.item('c1').querySelector('input'), null);
  assert.deepEqual(p.titles(), ['First', 'Second']);
  assert.equal(p.document.activeElement, p.item('c1').querySelector('a'), 'focus back on the item');
  assert.deepEqual(p.calls, [], 'nothing sent');

  p.view.startRename('c1');
  input = p.item('c1').querySelector('input');
  input.value = '   ';
  input.form.requestSubmit();
  assert.equal(p.item('c1').querySelector('.conversation__rename-error').textContent, 'A title needs at least one character.');
  assert.deepEqual(p.calls, []);

  input.value = '  Trip plans  ';
  input.form.requestSubmit();
  await settle();
  assert.deepEqual(p.calls, [['rename', 'c1', 'Trip plans']]);
  const error = p.item('c1').querySelector('.conversation__rename-error');
  assert.equal(error.textContent, 'Not renamed: The title is longer than 200 characters.');
  assert.equal(error.getAttribute('role'), 'alert');
  assert.equal(input.getAttribute('aria-invalid'), 'true');
  assert.equal(input.getAttribute('aria-describedby'), error.id);
  assert.equal(p.document.activeElement, input, 'still editing');

  // The list changes meanwhile: the editor stays.
  p.view.render(ready([summary('c2', 'Second'), summary('c1', 'First')]));
  assert.equal(p.item('c1').querySelector('input'), input);

  refuse = false;
  input.form.requestSubmit();
  await settle();
  p.view.render(ready([summary('c2', 'Second'), summary('c1', 'Trip plans')]));
  assert.equal(p.item('c1').querySelector('input'), null);
  assert.deepEqual(p.titles(), ['Second', 'Trip plans']);
  assert.equal(p.document.activeElement, p.item('c1').querySelector('a'));
});

test('the search box searches after a pause in typing, at once on Enter, and its clear button goes back to everything', () => {
  const { window } = new JSDOM(html);
  const $ = (id) => window.document.getElementById(id);
  const clock = fakeClock();
  const searched = [];
  createSearchBox({ input: $('conversation-search'), clearButton: $('search-clear'), onSearch: (q) => searched.push(q), timers: clock });
  const input = $('conversation-search');
  const type = (text) => {
    input.value = text;
    input.dispatchEvent(new window.Event('input', { bubbles: true }));
  };
  assert.equal($('search-clear').hidden, true);
  type('d');
  type('dn');
  type('dns ');
  assert.equal($('search-clear').hidden, false);
  clock.advance(SEARCH_DELAY_MS - 1);
  assert.deepEqual(searched, []);
  clock.advance(1);
  assert.deepEqual(searched, ['dns'], 'one search for the pause, trimmed');
  type('dns tls');
  input.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
  assert.deepEqual(searched, ['dns', 'dns tls']);
  clock.advance(SEARCH_DELAY_MS);
  assert.deepEqual(searched, ['dns', 'dns tls'], 'the same text is not searched twice');
  $('search-clear').click();
  assert.deepEqual(searched, ['dns', 'dns tls', '']);
  assert.equal(input.value, '');
  assert.equal($('search-clear').hidden, true);
  assert.equal(window.document.activeElement, input);
  type('x');
  const escape = new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
  input.dispatchEvent(escape);
  assert.equal(input.value, '');
  assert.equal(escape.defaultPrevented, true);
  assert.deepEqual(searched, ['dns', 'dns tls', ''], 'nothing was searched for "x" yet, so clearing it searches nothing');
});

test('an export is saved through a blob URL and an <a download>, revoked afterwards', () => {
  const { window } = new JSDOM('<body></body>');
  const clock = fakeClock();
  const made = [];
  const revoked = [];
  const clicked = [];
  window.HTMLAnchorElement.prototype.click = function click() { clicked.push([this.getAttribute('href'), this.download, this.isConnected]); };
  const url = { createObjectURL: (blob) => { made.push(blob); return 'blob:https://chat.example.test/1'; }, revokeObjectURL: (href) => revoked.push(href) };
  const blob = new Blob(['# Trip']);
  saveFile(window.document, { blob, filename: 'conversation-c1.md' }, { url, timers: clock });
  assert.deepEqual(made, [blob]);
  assert.deepEqual(clicked, [['blob:https://chat.example.test/1', 'conversation-c1.md', true]]);
  assert.equal(window.document.querySelectorAll('a').length, 0, 'the link is gone again');
  assert.deepEqual(revoked, []);
  clock.advance(10_000);
  assert.deepEqual(revoked, ['blob:https://chat.example.test/1']);
});

test('end to end: the list, a search, "load more" and a rename go to the API and show on the page', async () => {
  const p = listPage({ onRename: (id, title) => list.rename(id, title) });
  const requests = [];
  const answers = [
    jsonResponse(200, { conversations: [summary('c3', 'DNS basics'), summary('c2', 'TLS handshake')], nextCursor: 'page-2' }),
    jsonResponse(200, { conversations: [summary('c1', 'Sourdough')], nextCursor: null }),
    jsonResponse(200, { ...summary('c1', 'Bread'), updatedAt: '2030-01-05T00:00:00Z' }),
    jsonResponse(200, { conversations: [], nextCursor: null }),
  ];
  const api = createApi({
    fetch: async (url, init) => {
      requests.push([init.method ?? 'GET', url, init.body ? JSON.parse(init.body) : undefined]);
      return answers.shift();
    },
  });
  const list = createConversationList({ api });
  list.subscribe((state) => p.view.render(state));

  await list.load();
  assert.deepEqual(p.titles(), ['DNS basics', 'TLS handshake']);
  assert.equal(p.$('load-more').hidden, false);
  await list.loadMore();
  assert.deepEqual(p.titles(), ['DNS basics', 'TLS handshake', 'Sourdough']);
  assert.equal(p.$('load-more').hidden, true);

  p.view.startRename('c1');
  p.item('c1').querySelector('input').value = 'Bread';
  p.item('c1').querySelector('form').requestSubmit();
  await settle();
  assert.deepEqual(p.titles(), ['DNS basics', 'TLS handshake', 'Bread']);

  await list.load('kubernetes');
  assert.equal(p.statusText(), 'No conversations match “kubernetes”.');
  assert.deepEqual(requests, [
    ['GET', '/api/conversations?limit=20', undefined],
    ['GET', '/api/conversations?limit=20&cursor=page-2', undefined],
    ['PATCH', '/api/conversations/c1', { title: 'Bread' }],
    ['GET', '/api/conversations?limit=20&q=kubernetes', undefined],
  ]);
});
