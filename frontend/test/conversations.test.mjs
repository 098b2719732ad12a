import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORAGE_KEY, createConversationStore, titleFrom } from '../src/js/conversations.js';
import { conversationHref, conversationIdFromHash } from '../src/js/sidebar.js';

function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return {
    getItem: (key) => (map.has(key) ? map.get(key) : null),
    setItem: (key, value) => map.set(key, String(value)),
    removeItem: (key) => map.delete(key),
    map,
  };
}

function clock(start = 1_000) {
  let t = start;
  return () => (t += 10);
}

test('saved conversations are listed newest first and survive a reload from storage', () => {
  const storage = memoryStorage();
  const store = createConversationStore(storage, { now: clock() });
  store.save({ id: 'a', title: 'First' });
  store.save({ id: 'b', title: 'Second' });
  store.save({ id: 'c', title: 'Third' });
  assert.deepEqual(store.list().map((c) => c.id), ['c', 'b', 'a']);

  store.save({ id: 'a' });
  assert.deepEqual(store.list().map((c) => c.id), ['a', 'c', 'b']);

  const again = createConversationStore(storage);
  assert.deepEqual(again.list().map((c) => [c.id, c.title]), [['a', 'First'], ['c', 'Third'], ['b', 'Second']]);
  assert.equal(JSON.parse(storage.getItem(STORAGE_KEY)).version, 1);
});

test('saving an existing conversation keeps its title unless a new one is given', () => {
  const store = createConversationStore(memoryStorage(), { now: clock() });
  store.save({ id: 'a', title: 'Original' });
  store.save({ id: 'a' });
  assert.equal(store.get('a').title, 'Original');
  store.save({ id: 'a', title: 'Renamed' });
  assert.equal(store.get('a').title, 'Renamed');
  assert.equal(store.list().length, 1);
});

test('remove deletes one conversation and tells subscribers', () => {
  const store = createConversationStore(memoryStorage(), { now: clock() });
  store.save({ id: 'a', title: 'A' });
  store.save({ id: 'b', title: 'B' });
  const heard = [];
  const stop = store.subscribe((list) => heard.push(list.map((c) => c.id)));
  store.remove('a');
  store.remove('not-there');
  stop();
  store.remove('b');
  assert.deepEqual(heard, [['b']]);
  assert.equal(store.has('a'), false);
  assert.deepEqual(store.list(), []);
});

test('list and get hand out copies', () => {
  const store = createConversationStore(memoryStorage(), { now: clock() });
  store.save({ id: 'a', title: 'A' });
  store.list()[0].title = 'changed';
  store.get('a').title = 'changed';
  assert.equal(store.get('a').title, 'A');
});

test('damaged or foreign storage content is ignored, valid entries kept once', () => {
  assert.deepEqual(createConversationStore(memoryStorage({ [STORAGE_KEY]: '{not json' })).list(), []);
  assert.deepEqual(createConversationStore(memoryStorage({ [STORAGE_KEY]: '"a string"' })).list(), []);
  const mixed = JSON.stringify({ version: 1, conversations: [
    { id: 'ok', title: 'Fine', updatedAt: 5 },
    { id: 'ok', title: 'Duplicate', updatedAt: 9 },
    { id: '', title: 'No id', updatedAt: 1 },
    { id: 'no-time', title: 'x' },
    null,
    { id: 'x'.repeat(500), title: 'Too long an id', updatedAt: 2 },
  ] });
  assert.deepEqual(createConversationStore(memoryStorage({ [STORAGE_KEY]: mixed })).list(), [{ id: 'ok', title: 'Fine', updatedAt: 5 }]);
});

test('storage that throws (private browsing) leaves a working in-memory list', () => {
  const broken = { getItem() { throw new Error('SecurityError'); }, setItem() { throw new Error('QuotaExceededError'); } };
  const store = createConversationStore(broken, { now: clock() });
  store.save({ id: 'a', title: 'A' });
  assert.deepEqual(store.list().map((c) => c.id), ['a']);
  assert.deepEqual(createConversationStore(undefined).list(), []);
});

test('the list keeps the 200 most recent conversations', () => {
  const storage = memoryStorage();
  const store = createConversationStore(storage, { now: clock() });
  for (let i = 0; i < 205; i += 1) store.save({ id: `c${i}`, title: `T${i}` });
  const list = store.list();
  assert.equal(list.length, 200);
  assert.equal(list[0].id, 'c204');
  assert.equal(store.has('c4'), false);
  assert.equal(JSON.parse(storage.getItem(STORAGE_KEY)).conversations.length, 200);
});

test('reload picks up what another tab wrote', () => {
  const storage = memoryStorage();
  const tabOne = createConversationStore(storage, { now: clock() });
  const tabTwo = createConversationStore(storage, { now: clock(5_000) });
  tabTwo.save({ id: 'from-two', title: 'Other tab' });
  assert.equal(tabOne.has('from-two'), false);
  const heard = [];
  tabOne.subscribe((list) => heard.push(list.length));
  tabOne.reload();
  assert.equal(tabOne.has('from-two'), true);
  assert.deepEqual(heard, [1]);
});

test('titles are the first message on one line, shortened at a word', () => {
  assert.equal(titleFrom('  Hello\n\n   world  '), 'Hello world');
  assert.equal(titleFrom(''), 'Untitled conversation');
  assert.equal(titleFrom(undefined), 'Untitled conversation');
  const long = titleFrom('Explain the difference between optimistic and pessimistic locking in relational databases with examples');
  assert.ok(long.length <= 80, long);
  assert.ok(long.endsWith('…'));
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
