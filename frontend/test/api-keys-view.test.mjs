// The API keys panel on the real index.html in jsdom: create (the key shown once, with copy and warning), list
// (prefix and dates), revoke (after a confirmation), and errors said in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import { createApiKeysView, shownDate } from '../src/js/api-keys-view.js';
import { ApiError } from '../src/js/errors.js';

const html = readFileSync(new URL('../src/index.html', import.meta.url), 'utf8');
const KEY = `bck_${'Q'.repeat(43)}`;

/** A server's keys in memory, with every call recorded. */
function fakeApi({ keys = [], failCreate, failRevoke } = {}) {
  const calls = [];
  let serial = 0;
  return {
    calls,
    keys,
    async apiKeys() {
      calls.push(['list']);
      return { keys: keys.filter((key) => !key.revoked).map(({ revoked, ...shown }) => shown) };
    },
    async createApiKey(name) {
      calls.push(['create', name]);
      if (failCreate) throw failCreate;
      serial += 1;
      const created = { id: `id-${serial}`, name, key: KEY, createdAt: '2030-01-02T03:04:05.000Z' };
      keys.unshift({ id: created.id, name, prefix: KEY.slice(0, 12), createdAt: created.createdAt, lastUsedAt: null });
      return created;
    },
    async revokeApiKey(id) {
      calls.push(['revoke', id]);
      if (failRevoke) throw failRevoke;
      keys.find((key) => key.id === id).revoked = true;
    },
  };
}

async function panel(options = {}) {
  const { window } = new JSDOM(html);
  const { document } = window;
  // jsdom has <dialog> without its modal behaviour: enough of it for the panel.
  window.HTMLDialogElement.prototype.showModal ??= function showModal() { this.open = true; };
  window.HTMLDialogElement.prototype.close ??= function close() {
    this.open = false;
    this.dispatchEvent(new window.Event('close'));
  };
  globalThis.HTMLElement = window.HTMLElement;
  const $ = (id) => document.getElementById(id);
  const api = fakeApi(options);
  const copied = [];
  const announced = [];
  const questions = [];
  const view = createApiKeysView({
    dialog: $('keys-dialog'),
    openButton: $('open-keys'),
    api,
    confirm: async (question) => {
      questions.push(question);
      return options.confirmed ?? true;
    },
    copy: async (text) => {
      copied.push(text);
      return true;
    },
    announce: (text) => announced.push(text),
    describe: (error) => `(${error.code})`,
    baseUrl: 'https://chat.example.test/v1',
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  const submit = () => $('key-form').dispatchEvent(new window.Event('submit', { cancelable: true }));
  return { window, document, $, api, view, copied, announced, questions, settle, submit };
}

test('the panel is offered only once enabled, and says the base URL', async () => {
  const { $, view } = await panel();
  assert.equal($('open-keys').hidden, true);
  view.enable();
  assert.equal($('open-keys').hidden, false);
  assert.equal($('key-base-url').textContent, 'https://chat.example.test/v1');
});

test('a created key is shown once, with its warning and a copy button, and leaves with the panel', async () => {
  const { $, api, copied, announced, settle, submit } = await panel();
  $('open-keys').click();
  await settle();
  assert.equal($('keys-dialog').open, true);
  assert.equal($('key-empty').hidden, false);

  $('key-name').value = '  nightly job ';
  submit();
  await settle();
  await settle();

  assert.deepEqual(api.calls.filter(([call]) => call === 'create'), [['create', 'nightly job']]);
  assert.equal($('key-created').hidden, false);
  assert.equal($('key-created-value').value, KEY);
  assert.match($('key-created-warning').textContent, /shown only this once/);
  assert.equal($('key-name').value, '');
  assert.match(announced.at(-1), /Copy it now/);

  $('key-copy').click();
  await settle();
  assert.deepEqual(copied, [KEY]);
  assert.equal($('key-copy').textContent, 'Copied');

  const items = [...$('key-list').querySelectorAll('li')];
  assert.equal(items.length, 1);
  assert.match(items[0].textContent, /nightly job/);
  assert.match(items[0].textContent, new RegExp(`${KEY.slice(0, 12)}…`));
  assert.match(items[0].textContent, /last used never/);
  assert.ok(!$('key-list').textContent.includes(KEY), 'the list never shows the key');

  $('key-close').click();
  assert.equal($('keys-dialog').open, false);
  assert.equal($('key-created-value').value, '', 'the key is gone with the panel');
  assert.equal($('key-created').hidden, true);
});

test('an empty name creates nothing', async () => {
  const { $, api, settle, submit } = await panel();
  $('open-keys').click();
  $('key-name').value = '   ';
  submit();
  await settle();
  assert.equal(api.calls.some(([call]) => call === 'create'), false);
});

test('revoking asks first; a yes revokes and lists again, a no does nothing', async () => {
  const keys = [
    { id: 'k-1', name: 'laptop', prefix: 'bck_AAAAAAAA', createdAt: '2030-01-01T10:00:00Z', lastUsedAt: '2030-01-02T11:00:00Z' },
  ];
  const declined = await panel({ keys: structuredClone(keys), confirmed: false });
  declined.$('open-keys').click();
  await declined.settle();
  declined.$('key-list').querySelector('button').click();
  await declined.settle();
  assert.equal(declined.questions.length, 1);
  assert.match(declined.questions[0].message, /laptop/);
  assert.equal(declined.api.calls.some(([call]) => call === 'revoke'), false);

  const { $, api, questions, announced, settle } = await panel({ keys: structuredClone(keys) });
  $('open-keys').click();
  await settle();
  const revoke = $('key-list').querySelector('button');
  assert.equal(revoke.getAttribute('aria-label'), 'Revoke the key “laptop”');
  assert.match($('key-list').textContent, new RegExp(`last used ${shownDate('2030-01-02T11:00:00Z')}`));
  revoke.click();
  await settle();
  await settle();
  assert.equal(questions[0].confirmLabel, 'Revoke');
  assert.deepEqual(api.calls.filter(([call]) => call === 'revoke'), [['revoke', 'k-1']]);
  assert.equal($('key-list').children.length, 0);
  assert.equal($('key-empty').hidden, false);
  assert.match(announced.at(-1), /revoked/);
});

test('a refusal of the server is said in words', async () => {
  const tooMany = new ApiError({ status: 409, code: 'Conflict', message: 'You already have 10 API keys' });
  const { $, settle, submit } = await panel({ failCreate: tooMany });
  $('open-keys').click();
  $('key-name').value = 'eleventh';
  submit();
  await settle();
  await settle();
  assert.equal($('key-error').hidden, false);
  assert.equal($('key-error').textContent, 'Could not create the key. (Conflict)');
  assert.equal($('key-created').hidden, true);
});

test('dates are shown for people, and a missing one as never', () => {
  assert.equal(shownDate(null), 'never');
  assert.equal(shownDate('not a date'), 'never');
  assert.notEqual(shownDate('2030-01-02T03:04:05Z'), 'never');
});
