// The conversation list as the server gives it, against a scripted API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEGACY_LIST_KEY, createConversationList, dropLegacyList, titleFrom } from '../src/js/conversations.js';
import { conversationHref, conversationIdFromHash } from '../src/js/sidebar.js';
import { ApiError } from '../src/js/errors.js';
import { memoryStorage } from '../test-support/fixtures.mjs';

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => { resolve = yes; reject = no; });
  return { promise, resolve, reject };
}

const summary = (id, title = `Title ${id}`) => ({ id, title, createdAt: '2030-01-01T00:00:00Z', updatedAt: '2030-01-02T00:00:00Z', messageCount: 2 });

/** An API whose list answers the test gives, one per call, recording each request. */
function listApi() {
  const requests = [];
  const pending = [];
  return {
    requests,
    answer: (body) => pending.shift().resolve(body),
    fail: (error) => pending.shift().reject(error),
    get waiting() { return pending.length; },
    conversations(request = {}) {
      requests.push(request);
      const answer = deferred();
      pending.push(answer);
      return answer.promise;
    },
    renameConversation: async (id, title) => ({ ...summary(id), title, updatedAt: '2030-01-03T00:00:00Z' }),
  };
}

function listWith(api) {
  const list = createConversationList({ api, pageSize: 2, now: () => '2030-02-01T00:00:00Z' });
  const seen = [];
  list.subscribe((state) => seen.push(state));
  return { list, seen, last: () => seen.at(-1) };
}

test('the first page loads newest first, with loading then ready, and "load more" follows the cursor', async () => {
  const api = listApi();
  const { list, seen, last } = listWith(api);
  const loading = list.load();
  assert.equal(last().status, 'loading');
  assert.deepEqual(api.requests[0], { limit: 2, q: undefined, signal: api.requests[0].signal });
  api.answer({ conversations: [summary('c3'), summary('c2')], nextCursor: 'cur-1' });
  await loading;
  assert.deepEqual(last().items.map((c) => c.id), ['c3', 'c2']);
  assert.equal(last().status, 'ready');
  assert.equal(last().hasMore, true);

  const more = list.loadMore();
  assert.equal(last().loadingMore, true);
  assert.deepEqual(api.requests[1], { limit: 2, cursor: 'cur-1', q: undefined });
  api.answer({ conversations: [summary('c2'), summary('c1')], nextCursor: null });
  const added = await more;
  assert.deepEqual(added.map((c) => c.id), ['c1'], 'an entry already listed is not listed twice');
  assert.deepEqual(last().items.map((c) => c.id), ['c3', 'c2', 'c1']);
  assert.equal(last().hasMore, false);
  assert.equal(last().loadingMore, false);
  assert.deepEqual(await list.loadMore(), [], 'nothing more to load');
  assert.equal(api.requests.length, 2);
  assert.ok(seen.length >= 4);
});

test('a search sends q, ignores a slower answer for an older query, and an empty one lists everything again', async () => {
  const api = listApi();
  const { list, last } = listWith(api);
  const first = list.load('  dns ');
  const second = list.load('dns tls');
  assert.equal(api.requests[0].signal.aborted, true, 'the older request is cancelled');
  assert.deepEqual([api.requests[0].q, api.requests[1].q], ['dns', 'dns tls']);
  api.answer({ conversations: [summary('old')], nextCursor: null });
  api.answer({ conversations: [summary('new')], nextCursor: null });
  await Promise.all([first, second]);
  assert.deepEqual(last().items.map((c) => c.id), ['new']);
  assert.equal(last().query, 'dns tls');

  const none = list.load('nothing like this');
  api.answer({ conversations: [], nextCursor: null });
  await none;
  assert.deepEqual([last().status, last().items.length, last().query], ['ready', 0, 'nothing like this']);

  const all = list.load('');
  assert.equal(api.requests.at(-1).q, undefined, 'a blank search is the whole list');
  api.answer({ conversations: [summary('a'), summary('b')], nextCursor: null });
  await all;
  assert.equal(last().query, '');
});

test('paging goes on with the search it belongs to', async () => {
  const api = listApi();
  const { list } = listWith(api);
  const loading = list.load('trip');
  api.answer({ conversations: [summary('t1'), summary('t2')], nextCursor: 'c' });
  await loading;
  const more = list.loadMore();
  assert.deepEqual(api.requests.at(-1), { limit: 2, cursor: 'c', q: 'trip' });
  api.answer({ conversations: [], nextCursor: null });
  await more;
});

test('a failed load is the error state (never a rejection); a failed "load more" rejects and keeps the list', async () => {
  const api = listApi();
  const { list, last } = listWith(api);
  const failing = list.load();
  api.fail(new ApiError({ status: 503, code: 'InternalError' }));
  await failing;
  assert.equal(last().status, 'error');
  assert.equal(last().error.status, 503);

  const again = list.load();
  api.answer({ conversations: [summary('c1')], nextCursor: 'x' });
  await again;
  const more = list.loadMore();
  api.fail(new ApiError({ status: 500 }));
  await assert.rejects(more, (error) => error.status === 500);
  assert.deepEqual(last().items.map((c) => c.id), ['c1']);
  assert.equal(last().loadingMore, false);
  assert.equal(last().hasMore, true, 'it can be tried again');
});

test('a turn moves its conversation to the top with the server’s title; a new one is added unless searching', async () => {
  const api = listApi();
  const { list, last } = listWith(api);
  const loading = list.load();
  api.answer({ conversations: [summary('c2', 'Second'), summary('c1', 'First')], nextCursor: null });
  await loading;
  list.noteTurn({ id: 'c1' });
  assert.deepEqual(last().items.map((c) => [c.id, c.title, c.updatedAt]), [['c1', 'First', '2030-02-01T00:00:00Z'], ['c2', 'Second', '2030-01-02T00:00:00Z']]);
  list.noteTurn({ id: 'c3', title: 'Brand new' });
  assert.deepEqual(last().items.map((c) => c.id), ['c3', 'c1', 'c2']);
  assert.equal(list.titleOf('c3'), 'Brand new');

  const searching = list.load('first');
  api.answer({ conversations: [summary('c1', 'First')], nextCursor: null });
  await searching;
  list.noteTurn({ id: 'c9', title: 'Does not match' });
  assert.deepEqual(last().items.map((c) => c.id), ['c1'], 'a search result list only gets what it shows');
});

test('rename replaces the entry with the server’s summary; forget and clear drop entries', async () => {
  const api = listApi();
  const { list, last } = listWith(api);
  const loading = list.load();
  api.answer({ conversations: [summary('c2'), summary('c1')], nextCursor: 'more' });
  await loading;
  const renamed = await list.rename('c1', 'Trip plans');
  assert.equal(renamed.title, 'Trip plans');
  assert.deepEqual(last().items.map((c) => [c.id, c.title]), [['c2', 'Title c2'], ['c1', 'Trip plans']]);

  const refusing = createConversationList({ api: { ...api, renameConversation: async () => { throw new ApiError({ status: 400, code: 'ValidationError', message: 'too long' }); } } });
  await assert.rejects(refusing.rename('c1', 'x'.repeat(201)), (error) => error.code === 'ValidationError');

  list.forget('c2');
  assert.deepEqual(last().items.map((c) => c.id), ['c1']);
  list.clear();
  assert.deepEqual([last().items.length, last().status, last().hasMore, last().query], [0, 'ready', false, '']);
});

test('countAll pages through every conversation, whatever the search', async () => {
  const pages = [{ conversations: Array.from({ length: 100 }, (_, i) => summary(`a${i}`)), nextCursor: 'p2' },
    { conversations: [summary('b1'), summary('b2')], nextCursor: null }];
  const requests = [];
  const list = createConversationList({ api: { conversations: async (request) => { requests.push(request); return pages.shift(); } } });
  assert.equal(await list.countAll(), 102);
  assert.deepEqual(requests, [{ limit: 100, cursor: undefined }, { limit: 100, cursor: 'p2' }]);
});

test('entries without an id are skipped, a missing title reads as untitled', async () => {
  const list = createConversationList({ api: { conversations: async () => ({ conversations: [null, { title: 'no id' }, { id: 'c1', title: ' ' }], nextCursor: '' }) } });
  await list.load();
  assert.deepEqual(list.snapshot().items.map((c) => [c.id, c.title]), [['c1', 'Untitled conversation']]);
  assert.equal(list.snapshot().hasMore, false);
});

test('the list an older page kept in localStorage is removed', () => {
  const storage = memoryStorage({ [LEGACY_LIST_KEY]: '{"version":1,"conversations":[]}', 'bedrock-chat.model': 'm' });
  dropLegacyList(storage);
  assert.equal(storage.getItem(LEGACY_LIST_KEY), null);
  assert.equal(storage.getItem('bedrock-chat.model'), 'm', 'other settings stay');
  dropLegacyList({ removeItem() { throw new Error('SecurityError'); } });
  dropLegacyList(undefined);
});

test('provisional titles are the first message on one line, shortened at a word', () => {
  assert.equal(titleFrom('  Hello\n\n   world  '), 'Hello world');
  assert.equal(titleFrom(''), 'Untitled conversation');
  assert.equal(titleFrom(undefined), 'Untitled conversation');
  const long = titleFrom('Explain the difference between optimistic and pessimistic locking in relational databases with examples');
  assert.equal(long, 'Explain the difference between optimistic and pessimistic locking in…'); // cut before a word, not inside one
  assert.equal(titleFrom('x'.repeat(100)).length, 80);
});

test('a conversation address round-trips through the location hash', () => {
  for (const id of ['3f1c0a4e-8b1d-4a53-9a7e-0c1d2e3f4a5b', 'with space', 'ümlaut']) {
    assert.equal(conversationIdFromHash(conversationHref(id)), id);
  }
  assert.equal(conversationIdFromHash(''), null);
  assert.equal(conversationIdFromHash('#/c/'), null);
  assert.equal(conversationIdFromHash('#/other/x'), null);
  assert.equal(conversationIdFromHash('#/c/%E0%A4%A'), null);
});
