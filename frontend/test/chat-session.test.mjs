// The page's conversation flow against a scripted API, with the real thread view and conversation list in jsdom.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Marked } from 'marked';
import createDOMPurify from 'dompurify';
import { createChatSession } from '../src/js/chat-session.js';
import { createChatView } from '../src/js/chat-view.js';
import { createConversationList } from '../src/js/conversations.js';
import { createMarkdown } from '../src/js/markdown.js';
import { ApiError, StreamInterruptedError } from '../src/js/errors.js';

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((yes, no) => { resolve = yes; reject = no; });
  return { promise, resolve, reject };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An API whose answers the test writes: every call is logged in order, chat calls and conversation loads wait
 * until the test moves them on. An aborted chat settles a little later, as a real stream does.
 */
function scriptedApi() {
  const log = [];
  const chats = [];
  const loads = [];
  return {
    log,
    chats,
    loads,
    lastChat: () => chats.at(-1),
    lastLoad: () => loads.at(-1),
    chat(request) {
      log.push(`chat ${request.message}${request.conversationId ? ` in ${request.conversationId}` : ''}`);
      const settled = deferred();
      const call = {
        request,
        start(conversationId, title) { request.onStart({ conversationId, title, model: 'nova' }); },
        delta(text) { request.onDelta(text); },
        done(conversationId, extra = {}) { settled.resolve({ conversationId, stopReason: 'end_turn', ...extra }); },
        fail(error) { settled.reject(error); },
      };
      request.signal.addEventListener('abort', () => setTimeout(() => {
        log.push('chat ended by abort');
        settled.reject(new DOMException('The answer was stopped.', 'AbortError'));
      }, 5));
      chats.push(call);
      return settled.promise;
    },
    conversation(id) {
      log.push(`GET ${id}`);
      const answer = deferred();
      loads.push({ id, ...answer });
      return answer.promise;
    },
    async deleteConversation(id) {
      log.push(`DELETE ${id}`);
    },
    async deleteAllConversations() {
      log.push('DELETE all');
      return this.serverCount;
    },
    /** How many conversations the server lists (for counting before deleting all). */
    serverCount: 0,
    async conversations({ limit, cursor } = {}) {
      log.push(`LIST${cursor ? ` from ${cursor}` : ''}`);
      const ids = Array.from({ length: this.serverCount }, (_, i) => ({ id: `s${i}`, title: `S${i}` }));
      const start = cursor ? Number(cursor) : 0;
      const next = start + limit < ids.length ? String(start + limit) : null;
      return { conversations: ids.slice(start, start + limit), nextCursor: next };
    },
  };
}

const NOT_FOUND = () => new ApiError({ status: 404, code: 'NotFound', message: 'No such conversation' });
const MIDSTREAM = () => new ApiError({ status: 502, code: 'ModelError', message: 'The model stream failed mid-answer.' });
const UNAVAILABLE = () => new ApiError({ status: 503, code: 'ModelUnavailable', message: 'The model is busy.' });

function page({ confirmed = true } = {}) {
  const questions = [];
  const { window } = new JSDOM(`<!doctype html><body>
    <section id="thread"><div id="welcome"></div><div id="messages"></div></section>
    <button id="jump" hidden></button><textarea id="input"></textarea></body>`, { pretendToBeVisual: true });
  const { document } = window;
  const $ = (id) => document.getElementById(id);
  const markdown = createMarkdown({ Marked, purify: createDOMPurify(window) });
  const view = createChatView({ thread: $('thread'), messages: $('messages'), welcome: $('welcome'), jumpButton: $('jump'), markdown });
  const api = scriptedApi();
  const list = createConversationList({ api });
  const composer = {
    running: false,
    loading: false,
    givenBack: [],
    setRunning(running) { this.running = running; },
    setLoading(loading) { this.loading = loading; },
    giveBack(text) { this.givenBack.push(text); },
    focus: () => $('input').focus(),
  };
  const shown = [];
  const notices = [];
  const announcements = [];
  const titles = [];
  const turnsEnded = [];
  const session = createChatSession({
    api,
    conversations: list,
    view,
    composer,
    showConversation: (id, title) => { shown.push(id); titles.push(title); },
    confirm: async (question) => { questions.push(question); return confirmed; },
    notify: (message) => notices.push(message),
    announce: (text) => announcements.push(text),
    onTurnEnded: () => turnsEnded.push(p.session.running),
  });
  const thread = () => [...$('messages').querySelectorAll('.msg')].map((article) => {
    const who = article.classList.contains('msg--user') ? 'user' : 'answer';
    const text = (article.querySelector('.msg__bubble, .msg__content')?.textContent ?? '').trim();
    const error = article.querySelector('.msg__error-text')?.textContent;
    return error ? `${who}: ${text} [failed: ${error}]` : `${who}: ${text}`;
  });
  const retryButtons = () => [...$('messages').querySelectorAll('button')].filter((b) => b.textContent === 'Retry');
  const p = { window, document, $, api, list, composer, session, shown, titles, questions, notices, announcements, thread, retryButtons, turnsEnded };
  return p;
}

/** Opens conversation `id` whose server history is `messages`. */
async function opened(p, id, messages) {
  const loading = p.session.open(id);
  p.api.lastLoad().resolve({ conversationId: id, messages });
  await loading;
}

const HISTORY = [
  { role: 'user', content: 'First question', at: '2026-01-01T00:00:00Z' },
  { role: 'assistant', content: 'First answer', at: '2026-01-01T00:00:01Z' },
];

// ---- Deleting ------------------------------------------------------------------------------------------------

test('deleting the open conversation stops its running answer and waits for that request to end before DELETE', async () => {
  const p = page();
  await opened(p, 'c-1', HISTORY);
  const sending = p.session.send('Tell me more');
  p.api.lastChat().start('c-1');
  p.api.lastChat().delta('Part of the answer');

  const deleted = await p.session.remove('c-1', 'First question');

  assert.equal(deleted, true);
  assert.equal(p.api.lastChat().request.signal.aborted, true);
  assert.deepEqual(p.api.log, ['GET c-1', 'chat Tell me more in c-1', 'chat ended by abort', 'DELETE c-1']);
  assert.equal(await sending, undefined, 'the send had settled');
  assert.equal(p.session.running, false);
  assert.equal(p.composer.running, false);
  assert.equal(p.list.has('c-1'), false);
  assert.equal(p.session.conversationId, null);
  assert.deepEqual(p.thread(), [], 'the thread is emptied for a new chat');
});

test('deleting another conversation leaves the running answer alone; a refusal to confirm deletes nothing', async () => {
  const p = page();
  p.list.noteTurn({ id: 'other', title: 'Other' });
  await opened(p, 'c-1', HISTORY);
  p.session.send('Go on');
  p.api.lastChat().start('c-1');
  assert.equal(await p.session.remove('other', 'Other'), true);
  assert.equal(p.api.lastChat().request.signal.aborted, false);
  assert.equal(p.session.running, true);
  assert.deepEqual(p.api.log.slice(-1), ['DELETE other']);

  const refusing = page({ confirmed: false });
  await opened(refusing, 'c-2', HISTORY);
  refusing.session.send('Still here');
  assert.equal(await refusing.session.remove('c-2', 'First question'), false);
  assert.equal(refusing.api.lastChat().request.signal.aborted, false);
  assert.ok(!refusing.api.log.some((line) => line.startsWith('DELETE')));
});

// ---- Choosing the open conversation again -----------------------------------------------------------------------

test('choosing the conversation that is already open keeps its running answer and does not reload it', async () => {
  const p = page();
  await opened(p, 'c-1', HISTORY);
  p.session.send('Second question');
  p.api.lastChat().start('c-1');
  p.api.lastChat().delta('Being written');

  await p.session.open('c-1', { focusComposer: true });

  assert.deepEqual(p.api.log, ['GET c-1', 'chat Second question in c-1'], 'no second load');
  assert.equal(p.api.lastChat().request.signal.aborted, false);
  assert.equal(p.session.running, true);
  assert.equal(p.document.activeElement, p.$('input'), 'the message box gets focus, as after opening');
  p.api.lastChat().done('c-1');
  await tick();
  assert.deepEqual(p.thread(), ['user: First question', 'answer: First answer', 'user: Second question', 'answer: Being written']);
});

test('choosing it while it is still loading does not start a second load; after a failed load it tries again', async () => {
  const p = page();
  const first = p.session.open('c-1');
  p.session.open('c-1');
  await tick();
  assert.deepEqual(p.api.log, ['GET c-1']);
  p.api.lastLoad().reject(UNAVAILABLE());
  await first;
  assert.match(p.thread().join(), /The model is busy/);

  const again = p.session.open('c-1');
  assert.deepEqual(p.api.log, ['GET c-1', 'GET c-1']);
  p.api.lastLoad().resolve({ conversationId: 'c-1', messages: HISTORY });
  await again;
  assert.deepEqual(p.thread(), ['user: First question', 'answer: First answer']);
});

// ---- Sending while a conversation loads ---------------------------------------------------------------------------

test('sending waits while a conversation loads, so its history never lands after a new turn', async () => {
  const p = page();
  const loading = p.session.open('c-1');
  assert.equal(p.composer.loading, true, 'the composer is told to block sending');
  assert.equal(p.session.canSend(), false);
  assert.equal(await p.session.send('Too early'), false);
  assert.ok(!p.api.log.some((line) => line.startsWith('chat')), 'nothing was sent');

  p.api.lastLoad().resolve({ conversationId: 'c-1', messages: HISTORY });
  await loading;
  assert.equal(p.composer.loading, false);
  assert.equal(p.session.canSend(), true);
  p.session.send('On time');
  assert.deepEqual(p.thread(), ['user: First question', 'answer: First answer', 'user: On time', 'answer: ']);
  assert.equal(p.api.lastChat().request.conversationId, 'c-1');
});

test('a conversation that is gone (404) unblocks sending in a new chat and drops it from the list', async () => {
  const p = page();
  p.list.noteTurn({ id: 'gone', title: 'Gone' });
  const loading = p.session.open('gone');
  assert.equal(p.session.canSend(), false);
  p.api.lastLoad().reject(NOT_FOUND());
  await loading;
  assert.equal(p.composer.loading, false);
  assert.equal(p.session.canSend(), true);
  assert.equal(p.session.conversationId, null);
  assert.equal(p.list.has('gone'), false);
  assert.match(p.notices.join(), /no longer on the server/);
  p.session.send('Start over');
  assert.equal(p.api.lastChat().request.conversationId, undefined, 'the message starts a new conversation');
});

test('leaving a conversation while it loads unblocks sending', async () => {
  const p = page();
  p.session.open('c-1');
  p.session.startNew();
  assert.equal(p.composer.loading, false);
  assert.equal(p.session.canSend(), true);
  p.api.lastLoad().resolve({ conversationId: 'c-1', messages: HISTORY });
  await tick();
  assert.deepEqual(p.thread(), [], 'the late history is ignored');
});

// ---- Retry ---------------------------------------------------------------------------------------------------

test('sending a new message removes Retry buttons left on earlier failed answers', async () => {
  const p = page();
  const first = p.session.send('Busy?');
  p.api.lastChat().fail(UNAVAILABLE());
  await first;
  assert.equal(p.retryButtons().length, 1);
  p.session.send('Something else');
  assert.equal(p.retryButtons().length, 0);
  assert.match(p.thread()[1], /The model is busy/, 'the explanation stays');
});

test('Retry on an answer that never began replaces it, asks again once, and puts focus on the new answer', async () => {
  const p = page();
  await opened(p, 'c-1', HISTORY);
  const first = p.session.send('Busy?');
  p.api.lastChat().fail(UNAVAILABLE());
  await first;
  const retry = p.retryButtons()[0];
  retry.focus();
  retry.click();
  assert.deepEqual(p.api.log, ['GET c-1', 'chat Busy? in c-1', 'chat Busy? in c-1'], 'no reload: nothing reached the server');
  assert.deepEqual(p.thread(), ['user: First question', 'answer: First answer', 'user: Busy?', 'answer: ']);
  const answers = p.$('messages').querySelectorAll('.msg--assistant');
  assert.equal(p.document.activeElement, answers[answers.length - 1], 'focus is on the new answer, not <body>');
  p.api.lastChat().start('c-1');
  p.api.lastChat().delta('Now it works');
  p.api.lastChat().done('c-1');
  await tick();
  assert.deepEqual(p.thread().at(-1), 'answer: Now it works');
});

test('Retry after a stream cut off mid-answer reloads the conversation first, so the kept partial turn shows', async () => {
  const p = page();
  await opened(p, 'c-1', HISTORY);
  const first = p.session.send('Second question');
  p.api.lastChat().start('c-1');
  p.api.lastChat().delta('Half an');
  p.api.lastChat().fail(new StreamInterruptedError());
  await first;
  assert.match(p.thread().at(-1), /^answer: Half an/, 'the text that arrived stays');

  p.retryButtons()[0].click();
  assert.deepEqual(p.api.log.slice(-1), ['GET c-1'], 'the history is fetched before asking again');
  assert.equal(p.session.canSend(), false, 'and sending waits for it');
  p.retryButtons()[0]?.click();
  assert.equal(p.api.log.filter((line) => line === 'GET c-1').length, 2, 'a second click does nothing meanwhile');

  p.api.lastLoad().resolve({
    conversationId: 'c-1',
    messages: [...HISTORY, { role: 'user', content: 'Second question' }, { role: 'assistant', content: 'Half an' }],
  });
  await tick();
  assert.deepEqual(p.api.log.slice(-1), ['chat Second question in c-1']);
  assert.deepEqual(p.thread(), ['user: First question', 'answer: First answer', 'user: Second question', 'answer: Half an',
    'user: Second question', 'answer: '], 'the thread matches the server, then the question asked again');
  const answers = p.$('messages').querySelectorAll('.msg--assistant');
  assert.equal(p.document.activeElement, answers[answers.length - 1]);
});

test('Retry after a cut-off whose conversation the server does not have starts it again from that question', async () => {
  const p = page();
  const first = p.session.send('Hello');
  p.api.lastChat().start('c-new');
  p.api.lastChat().delta('Hi');
  p.api.lastChat().fail(new StreamInterruptedError());
  await first;
  assert.equal(p.list.has('c-new'), true, 'the server may have kept the part that arrived');

  p.retryButtons()[0].click();
  p.api.lastLoad().reject(NOT_FOUND());
  await tick();
  assert.equal(p.list.has('c-new'), false);
  assert.deepEqual(p.api.log.slice(-1), ['chat Hello']);
  assert.deepEqual(p.thread(), ['user: Hello', 'answer: ']);
});

// ---- The list entry of a new conversation ------------------------------------------------------------------------

test('a new conversation is listed at its first text, not at the start of its answer', async () => {
  const p = page();
  const sending = p.session.send('What is DNS?');
  p.api.lastChat().start('c-1');
  assert.equal(p.list.has('c-1'), false);
  assert.equal(p.session.conversationId, null);
  assert.deepEqual(p.shown, [], 'the address still says new chat');
  p.api.lastChat().delta('DNS is');
  assert.deepEqual(p.list.snapshot().items.map(({ id, title }) => [id, title]), [['c-1', 'What is DNS?']]);
  assert.equal(p.session.conversationId, 'c-1');
  assert.deepEqual(p.shown, ['c-1']);
  p.api.lastChat().done('c-1');
  await sending;
  p.session.send('And more?');
  assert.equal(p.api.lastChat().request.conversationId, 'c-1');
});

test('an answer done without any text still lists its conversation', async () => {
  const p = page();
  const sending = p.session.send('Say nothing');
  p.api.lastChat().start('c-1');
  p.api.lastChat().done('c-1');
  await sending;
  assert.equal(p.list.has('c-1'), true);
  assert.equal(p.session.conversationId, 'c-1');
});

test('a first turn that fails or is stopped before any text leaves nothing in the list', async () => {
  for (const end of ['server error', 'cut off', 'stopped']) {
    const p = page();
    const sending = p.session.send('Hello');
    p.api.lastChat().start('c-1');
    if (end === 'server error') p.api.lastChat().fail(MIDSTREAM());
    else if (end === 'cut off') p.api.lastChat().fail(new StreamInterruptedError());
    else p.session.stop();
    await sending;
    assert.deepEqual(p.list.snapshot().items, [], end);
    assert.equal(p.session.conversationId, null, end);
    assert.deepEqual(p.shown, [], end);
  }
});

test('a first turn that ends after some text stays listed and open: the server keeps it as a partial answer', async () => {
  for (const end of ['server error', 'cut off', 'stopped']) {
    const p = page();
    const sending = p.session.send('Hello');
    p.api.lastChat().start('c-1');
    p.api.lastChat().delta('Hi th');
    if (end === 'server error') p.api.lastChat().fail(MIDSTREAM());
    else if (end === 'cut off') p.api.lastChat().fail(new StreamInterruptedError());
    else p.session.stop();
    await sending;
    assert.equal(p.list.has('c-1'), true, end);
    assert.equal(p.session.conversationId, 'c-1', end);
    assert.match(p.thread().at(-1), /^answer: Hi th/, `${end}: the text stays on screen`);
  }
});

test('Retry of a first turn the server failed mid-answer reloads it, so its partial answer shows, then asks again in it', async () => {
  const p = page();
  const sending = p.session.send('Hello');
  p.api.lastChat().start('c-1');
  p.api.lastChat().delta('Hi');
  p.api.lastChat().fail(MIDSTREAM());
  await sending;
  p.retryButtons()[0].click();
  assert.deepEqual(p.api.log, ['chat Hello', 'GET c-1']);
  p.api.lastLoad().resolve({
    conversationId: 'c-1',
    messages: [{ role: 'user', content: 'Hello' }, { role: 'assistant', content: 'Hi', partial: true, partialReason: 'model_error' }],
  });
  await tick();
  assert.deepEqual(p.api.log, ['chat Hello', 'GET c-1', 'chat Hello in c-1']);
  assert.deepEqual(p.thread(), ['user: Hello', 'answer: Hi', 'user: Hello', 'answer: ']);
  assert.deepEqual([...p.$('messages').querySelectorAll('.msg__note--partial')].map((note) => note.textContent),
    ['Answer cut off: the model stopped with an error'], 'the kept part is marked as cut off');
});

test('a message the server refuses is handed back to edit, with no Retry', async () => {
  const p = page();
  const sending = p.session.send('x'.repeat(10));
  p.api.lastChat().fail(new ApiError({ status: 400, code: 'ValidationError', message: 'message is too long' }));
  await sending;
  assert.deepEqual(p.composer.givenBack, ['x'.repeat(10)]);
  assert.equal(p.retryButtons().length, 0);
});

// ---- Titles from the server --------------------------------------------------------------------------------------

test('the title the server gives in the start event names the new conversation in the list and the top bar', async () => {
  const p = page();
  const sending = p.session.send('what is dns, in short?');
  p.api.lastChat().start('c-1', 'What is DNS?');
  p.api.lastChat().delta('DNS is');
  assert.deepEqual(p.list.snapshot().items.map(({ id, title }) => [id, title]), [['c-1', 'What is DNS?']]);
  assert.deepEqual(p.titles, ['What is DNS?']);
  p.api.lastChat().done('c-1');
  await sending;

  // A later turn in it moves it to the top and keeps the server's (possibly renamed) title.
  p.list.noteTurn({ id: 'c-0', title: 'Older' });
  const next = p.session.send('And TLS?');
  p.api.lastChat().start('c-1', 'DNS and TLS');
  p.api.lastChat().delta('TLS is');
  p.api.lastChat().done('c-1');
  await next;
  assert.deepEqual(p.list.snapshot().items.map(({ id, title }) => [id, title]), [['c-1', 'DNS and TLS'], ['c-0', 'Older']]);
  assert.equal(p.titles.at(-1), 'DNS and TLS');
});

test('opening a conversation shows the title the server keeps for it', async () => {
  const p = page();
  const loading = p.session.open('c-1');
  p.api.lastLoad().resolve({ conversationId: 'c-1', title: 'Renamed elsewhere', messages: HISTORY });
  await loading;
  assert.equal(p.titles.at(-1), 'Renamed elsewhere');
  assert.match(p.announcements.at(-1), /^Opened “Renamed elsewhere”, 2 messages\.$/);
});

// ---- Partial answers -----------------------------------------------------------------------------------------------

test('an answer the server kept only in part is marked “Answer cut off”, saying why', async () => {
  const p = page();
  await opened(p, 'c-1', [
    { role: 'user', content: 'Tell me a long story' },
    { role: 'assistant', content: 'Once upon a time', partial: true, partialReason: 'ModelTimeout' },
    { role: 'user', content: 'Again' },
    { role: 'assistant', content: 'There was', partial: true, partialReason: 'client_disconnected' },
    { role: 'user', content: 'And now whole' },
    { role: 'assistant', content: 'The end.' },
    { role: 'user', content: 'Odd reason' },
    { role: 'assistant', content: 'Half', partial: true },
  ]);
  const answers = [...p.$('messages').querySelectorAll('.msg--assistant')];
  const notes = answers.map((answer) => answer.querySelector('.msg__note--partial')?.textContent ?? null);
  assert.deepEqual(notes, ['Answer cut off: the model took too long', 'Answer cut off: it was stopped before it finished', null,
    'Answer cut off before it finished']);
  assert.deepEqual(answers.map((answer) => answer.classList.contains('msg--partial')), [true, true, false, true]);
  assert.equal(answers[0].querySelector('.msg__content').textContent.trim(), 'Once upon a time', 'the kept text shows');
});

// ---- Deleting everything ------------------------------------------------------------------------------------------

test('deleting all conversations names the count, stops a running answer first, then empties the list', async () => {
  const p = page();
  p.api.serverCount = 130; // two pages of 100 to count
  await opened(p, 'c-1', HISTORY);
  p.list.noteTurn({ id: 'c-1', title: 'First question' });
  p.session.send('Still writing');
  p.api.lastChat().start('c-1');

  assert.equal(await p.session.removeAll(), true);
  assert.deepEqual(p.questions.at(-1), {
    heading: 'Delete all 130 conversations?',
    message: 'All 130 of your conversations will be deleted from the server. This cannot be undone.',
    confirmLabel: 'Delete 130 conversations',
  });
  assert.deepEqual(p.api.log, ['GET c-1', 'chat Still writing in c-1', 'LIST', 'LIST from 100', 'chat ended by abort', 'DELETE all'],
    'counted page by page, and the answer had ended before the DELETE');
  assert.deepEqual(p.list.snapshot().items, []);
  assert.equal(p.session.conversationId, null);
  assert.equal(p.announcements.at(-1), 'Deleted 130 conversations.');
});

test('deleting all asks nothing when there is nothing, and deletes nothing when not confirmed', async () => {
  const empty = page();
  assert.equal(await empty.session.removeAll(), false);
  assert.deepEqual(empty.questions, []);
  assert.match(empty.notices.join(), /no conversations to delete/);

  const refusing = page({ confirmed: false });
  refusing.api.serverCount = 1;
  assert.equal(await refusing.session.removeAll(), false);
  assert.equal(refusing.questions[0].heading, 'Delete your conversation?');
  assert.equal(refusing.questions[0].message, 'Your 1 conversation will be deleted from the server. This cannot be undone.');
  assert.ok(!refusing.api.log.includes('DELETE all'));
});

// ---- What a sign-in must not lose -----------------------------------------------------------------------------------

test('a message the server has not taken yet is the unsent text; once its answer starts it is not', async () => {
  const p = page();
  assert.equal(p.session.unsentText, '');
  const sending = p.session.send('Keep me across a sign-in');
  assert.equal(p.session.unsentText, 'Keep me across a sign-in');
  p.api.lastChat().start('c-1');
  assert.equal(p.session.unsentText, '');
  p.api.lastChat().done('c-1');
  await sending;
  assert.equal(p.session.unsentText, '');
});

// ---- Cost and quota ------------------------------------------------------------------------------------------

test('an answer shows its estimated cost, and every turn that ends asks for the usage again', async () => {
  const p = page();
  const sending = p.session.send('What does it cost?');
  p.api.lastChat().start('c-9', 'Cost');
  p.api.lastChat().delta('Very little.');
  p.api.lastChat().done('c-9', { costUsd: 0.00024 });
  await sending;

  const cost = p.$('messages').querySelector('.msg--assistant .msg__cost');
  assert.equal(cost?.textContent, '≈ $0.00024');
  assert.deepEqual(p.turnsEnded, [false], 'once, after the turn had ended');

  const unpriced = p.session.send('And this one?');
  p.api.lastChat().start('c-9');
  p.api.lastChat().delta('No price.');
  p.api.lastChat().done('c-9', { costUsd: null });
  await unpriced;
  assert.equal(p.$('messages').querySelectorAll('.msg__cost').length, 1, 'a model without a price shows no cost');
  assert.equal(p.turnsEnded.length, 2);
});

test('a spent quota says so, offers no retry, and gives the question back to edit', async () => {
  const p = page();
  const sending = p.session.send('One more question');
  p.api.lastChat().fail(new ApiError({
    status: 429,
    code: 'QuotaExceeded',
    message: 'You have used your daily quota of 1500 tokens (1500 used today); it resets at midnight UTC (2026-12-02T00:00:00Z)',
    retryAfterSeconds: 7200,
    resetsAt: '2026-12-02T00:00:00Z',
  }));
  await sending;

  const [question, answer] = p.thread();
  assert.equal(question, 'user: One more question');
  assert.match(answer, /^answer:  \[failed: You have used your daily quota of 1500 tokens \(1500 used today\)\. It starts again .+ \(midnight UTC\)\.\]$/);
  assert.equal(p.retryButtons().length, 0);
  assert.deepEqual(p.composer.givenBack, ['One more question']);
  assert.deepEqual(p.turnsEnded, [false]);
});
