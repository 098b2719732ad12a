import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_HEADER, createApi, filenameFrom } from '../src/js/api.js';
import { createSharedTokenCredentials, SHARED_TOKEN_KEY } from '../src/js/shared-token.js';
import { ApiError, NetworkError, StreamInterruptedError } from '../src/js/errors.js';

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k), map };
}

function sseResponse(pieces, { status = 200 } = {}) {
  const encoder = new TextEncoder();
  const body = new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

function jsonResponse(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that answers from a list, recording each request. */
function scriptedFetch(...answers) {
  const calls = [];
  const fetch = async (url, init) => {
    const headers = new Headers(init.headers);
    calls.push({ url, init, method: init.method ?? 'GET', token: headers.get('x-chat-token'), authorization: headers.get('authorization'), headers });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return typeof next === 'function' ? next(url, init) : next;
  };
  return { fetch, calls };
}

/** Credentials that always give `token` and never retry. */
const fixed = (token) => ({ token: async () => token, refused: async () => false });

const START = 'event: start\ndata: {"conversationId":"c-1","title":"Hi there","model":"nova"}\n\n';
const DONE = 'event: done\ndata: {"conversationId":"c-1","stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":2}}\n\n';

test('chat posts the message as JSON asking for a stream, and reports start (with its title), each delta and done', async () => {
  const { fetch, calls } = scriptedFetch(sseResponse([START, 'data: {"content":"Hel', 'lo"}\n\ndata: {"content":" there"}\n\n', DONE, 'data: [DONE]\n\n']));
  const api = createApi({ fetch });
  const seen = [];
  const done = await api.chat({
    message: 'Hi', conversationId: 'c-1', modelId: 'nova',
    onStart: (start) => seen.push(['start', start.conversationId, start.title]),
    onDelta: (text) => seen.push(['delta', text]),
  });
  assert.deepEqual(seen, [['start', 'c-1', 'Hi there'], ['delta', 'Hello'], ['delta', ' there']]);
  assert.equal(done.stopReason, 'end_turn');
  assert.equal(calls[0].url, '/api/chat');
  assert.equal(calls[0].method, 'POST');
  assert.equal(calls[0].headers.get('accept'), 'text/event-stream');
  assert.deepEqual(JSON.parse(calls[0].init.body), { message: 'Hi', conversationId: 'c-1', modelId: 'nova' });
});

test('a new conversation sends no conversationId', async () => {
  const { fetch, calls } = scriptedFetch(sseResponse([START, DONE, 'data: [DONE]\n\n']));
  await createApi({ fetch }).chat({ message: 'Hi' });
  assert.deepEqual(JSON.parse(calls[0].init.body), { message: 'Hi' });
});

test('an error event inside the stream becomes an ApiError with the envelope and a status from its code', async () => {
  const envelope = { error: { code: 'ModelTimeout', message: 'The model did not answer in time. Try again.', requestId: 'r-9' } };
  const { fetch } = scriptedFetch(sseResponse([START, 'data: {"content":"partial"}\n\n', `event: error\ndata: ${JSON.stringify(envelope)}\n\n`, 'data: [DONE]\n\n']));
  const deltas = [];
  await assert.rejects(
    createApi({ fetch }).chat({ message: 'x', onDelta: (d) => deltas.push(d) }),
    (error) => error instanceof ApiError && error.code === 'ModelTimeout' && error.status === 504 && error.requestId === 'r-9'
      && error.serverMessage === envelope.error.message,
  );
  assert.deepEqual(deltas, ['partial']);
});

test('a stream that ends without its done event is reported as interrupted', async () => {
  const { fetch } = scriptedFetch(sseResponse([START, 'data: {"content":"half"}\n\n']));
  await assert.rejects(createApi({ fetch }).chat({ message: 'x' }), StreamInterruptedError);
});

test('a failed response is read from the error envelope, with Retry-After for 429', async () => {
  const { fetch } = scriptedFetch(jsonResponse(429, { error: { code: 'Throttled', message: 'Slow down.', requestId: 'r-1' } }, { 'retry-after': '12' }));
  await assert.rejects(
    createApi({ fetch }).chat({ message: 'x' }),
    (error) => error instanceof ApiError && error.status === 429 && error.retryAfterSeconds === 12 && error.code === 'Throttled',
  );
});

test('every call carries the token as X-Chat-Token (raw, no Authorization header), streaming and JSON alike', async () => {
  const { fetch, calls } = scriptedFetch(
    jsonResponse(200, { status: 'ok' }),
    jsonResponse(200, { mode: 'oidc' }),
    jsonResponse(200, { principal: { kind: 'oidc', id: 'u-1' } }),
    jsonResponse(200, { default: 'm', models: [] }),
    jsonResponse(200, { conversations: [], nextCursor: null }),
    jsonResponse(200, { conversationId: 'c-1', messages: [] }),
    jsonResponse(200, { id: 'c-1', title: 'T' }),
    new Response('# T', { headers: { 'content-type': 'text/markdown; charset=utf-8' } }),
    new Response(null, { status: 204 }),
    jsonResponse(200, { deleted: 0 }),
    sseResponse([START, DONE, 'data: [DONE]\n\n']),
  );
  const api = createApi({ fetch, credentials: fixed('eyJ.id.token') });
  await api.health();
  await api.authConfig();
  await api.me();
  await api.models();
  await api.conversations();
  await api.conversation('c-1');
  await api.renameConversation('c-1', 'T');
  await api.exportConversation('c-1', 'markdown');
  await api.deleteConversation('c-1');
  await api.deleteAllConversations();
  await api.chat({ message: 'x' });
  assert.equal(calls.length, 11);
  assert.deepEqual(calls.map((c) => c.token), Array(11).fill('eyJ.id.token'));
  assert.deepEqual(calls.map((c) => c.authorization), Array(11).fill(null));
  assert.equal(TOKEN_HEADER, 'X-Chat-Token');
});

test('without a token no X-Chat-Token header is sent', async () => {
  const { fetch, calls } = scriptedFetch(jsonResponse(200, { status: 'ok' }));
  await createApi({ fetch }).health();
  assert.equal(calls[0].headers.has('x-chat-token'), false);
});

test('credentials switched after the start are used from the next call on', async () => {
  const { fetch, calls } = scriptedFetch(jsonResponse(200, { mode: 'oidc' }), jsonResponse(200, { default: 'm', models: [] }));
  const api = createApi({ fetch });
  await api.authConfig();
  api.useCredentials(fixed('later'));
  await api.models();
  assert.deepEqual(calls.map((c) => c.token), [null, 'later']);
});

test('shared-token mode: a 401 asks for the token, retries with it as X-Chat-Token and keeps it for the tab', async () => {
  const storage = memoryStorage();
  const { fetch, calls } = scriptedFetch(
    jsonResponse(401, { error: { code: 'Unauthorized', reason: 'missing_token', message: 'Token needed.' } }),
    jsonResponse(200, { status: 'ok', mode: 'bedrock' }),
    jsonResponse(200, { default: 'm', models: [] }),
  );
  const asked = [];
  const credentials = createSharedTokenCredentials({ storage, askForToken: async (context) => { asked.push(context); return 's3cret'; } });
  const api = createApi({ fetch, credentials });
  assert.equal((await api.health()).mode, 'bedrock');
  await api.models();
  assert.deepEqual(asked, [{ rejected: false }]);
  assert.deepEqual(calls.map((c) => c.token), [null, 's3cret', 's3cret']);
  assert.deepEqual(calls.map((c) => c.authorization), [null, null, null]);
  assert.equal(storage.getItem(SHARED_TOKEN_KEY), 's3cret');
});

test('shared-token mode: a refused token is dropped and asked for again; giving up ends in the 401 error', async () => {
  const storage = memoryStorage();
  storage.setItem(SHARED_TOKEN_KEY, 'old');
  const refusal = () => jsonResponse(401, { error: { code: 'Unauthorized', reason: 'invalid_token', message: 'Token not accepted.' } });
  const { fetch, calls } = scriptedFetch(refusal(), refusal());
  const answers = ['wrong', null];
  const asked = [];
  const credentials = createSharedTokenCredentials({ storage, askForToken: async (context) => { asked.push(context); return answers.shift(); } });
  const api = createApi({ fetch, credentials });
  await assert.rejects(api.health(), (error) => error instanceof ApiError && error.status === 401 && error.serverMessage === 'Token not accepted.');
  assert.deepEqual(asked, [{ rejected: true }, { rejected: true }]);
  assert.deepEqual(calls.map((c) => c.token), ['old', 'wrong']);
  assert.equal(storage.getItem(SHARED_TOKEN_KEY), null);
});

test('a 401 the credentials do not retry ends the call with the 401 error, telling them what was refused', async () => {
  const { fetch } = scriptedFetch(jsonResponse(401, { error: { code: 'Unauthorized', reason: 'expired', message: 'The token has expired.' } }));
  const told = [];
  const api = createApi({ fetch, credentials: { token: () => 'stale', refused: async (context) => { told.push(context); return false; } } });
  await assert.rejects(api.conversations(), (error) => error.status === 401 && error.serverMessage === 'The token has expired.');
  assert.equal(told.length, 1);
  assert.equal(told[0].hadToken, true);
  assert.equal(told[0].error.status, 401);
});

test('a request that cannot reach the server becomes a NetworkError', async () => {
  const api = createApi({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(api.chat({ message: 'x' }), NetworkError);
});

test('stopping the answer rejects with an AbortError, even mid-stream', async () => {
  const controller = new AbortController();
  const encoder = new TextEncoder();
  const fetch = async (url, init) => {
    const body = new ReadableStream({
      start(stream) {
        stream.enqueue(encoder.encode(START + 'data: {"content":"one"}\n\n'));
        // Never closes by itself; like fetch, aborting errors the body.
        init.signal.addEventListener('abort', () => stream.error(new DOMException('aborted', 'AbortError')));
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  const pending = createApi({ fetch }).chat({ message: 'x', signal: controller.signal, onDelta: () => controller.abort() });
  await assert.rejects(pending, (error) => error.name === 'AbortError');
});

test('a buffered JSON answer is delivered through the same callbacks, with its title', async () => {
  const { fetch } = scriptedFetch(jsonResponse(200, { conversationId: 'c-2', title: 'All at once', reply: 'Done in one go', model: 'm', stopReason: 'end_turn' }));
  const seen = [];
  const done = await createApi({ fetch }).chat({
    message: 'x', onStart: (s) => seen.push(s.conversationId, s.title), onDelta: (d) => seen.push(d),
  });
  assert.deepEqual(seen, ['c-2', 'All at once', 'Done in one go']);
  assert.equal(done.conversationId, 'c-2');
  assert.equal(done.title, 'All at once');
});

test('conversation ids are encoded in paths; deleting one the server no longer has is not an error', async () => {
  const { fetch, calls } = scriptedFetch(new Response(null, { status: 404 }), new Response(null, { status: 204 }),
    jsonResponse(404, { error: { code: 'NotFound', message: 'No such conversation.' } }));
  const api = createApi({ fetch });
  await api.deleteConversation('a/b');
  await api.deleteConversation('c-1');
  await assert.rejects(api.conversation('gone'), (error) => error instanceof ApiError && error.status === 404);
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [['DELETE', '/api/conversations/a%2Fb'], ['DELETE', '/api/conversations/c-1'], ['GET', '/api/conversations/gone']]);
});

test('the list asks for a page with limit, cursor and search text, and passes the abort signal', async () => {
  const page = { conversations: [{ id: 'c-1', title: 'One', createdAt: 'a', updatedAt: 'b', messageCount: 2 }], nextCursor: 'next' };
  const { fetch, calls } = scriptedFetch(jsonResponse(200, page), jsonResponse(200, page), jsonResponse(200, page));
  const api = createApi({ fetch });
  const controller = new AbortController();
  assert.deepEqual(await api.conversations({ limit: 20, signal: controller.signal }), page);
  await api.conversations({ limit: 20, cursor: 'opaque/+=', q: 'dns & tls' });
  await api.conversations();
  assert.deepEqual(calls.map((c) => c.url), [
    '/api/conversations?limit=20',
    '/api/conversations?limit=20&cursor=opaque%2F%2B%3D&q=dns+%26+tls',
    '/api/conversations',
  ]);
  assert.equal(calls[0].init.signal, controller.signal);
  assert.equal(calls[0].headers.get('accept'), 'application/json');
});

test('rename is a PATCH with the title as JSON and resolves to the summary; its validation error is an ApiError', async () => {
  const summary = { id: 'c-1', title: 'Trip plans', createdAt: 'a', updatedAt: 'b', messageCount: 4 };
  const { fetch, calls } = scriptedFetch(jsonResponse(200, summary),
    jsonResponse(400, { error: { code: 'ValidationError', message: 'title must be 1 to 200 characters' } }));
  const api = createApi({ fetch });
  assert.deepEqual(await api.renameConversation('c-1', 'Trip plans'), summary);
  assert.equal(calls[0].method, 'PATCH');
  assert.equal(calls[0].url, '/api/conversations/c-1');
  assert.equal(calls[0].headers.get('content-type'), 'application/json');
  assert.deepEqual(JSON.parse(calls[0].init.body), { title: 'Trip plans' });
  await assert.rejects(api.renameConversation('c-1', ' '), (error) => error.code === 'ValidationError' && error.status === 400);
});

test('export asks for the format and returns the file with the server’s file name', async () => {
  const { fetch, calls } = scriptedFetch(
    new Response('# Trip\n', { headers: { 'content-type': 'text/markdown; charset=utf-8', 'content-disposition': 'attachment; filename="conversation-c-1.md"' } }),
    new Response('{"conversationId":"c-1"}', { headers: { 'content-type': 'application/json', 'content-disposition': 'attachment; filename="conversation-c-1.json"' } }),
    new Response('{}', { headers: { 'content-type': 'application/json' } }),
    jsonResponse(404, { error: { code: 'NotFound', message: 'No such conversation.' } }),
  );
  const api = createApi({ fetch });
  const markdown = await api.exportConversation('c-1', 'markdown');
  assert.equal(markdown.filename, 'conversation-c-1.md');
  assert.equal(await markdown.blob.text(), '# Trip\n');
  const json = await api.exportConversation('c-1', 'json');
  assert.equal(json.filename, 'conversation-c-1.json');
  assert.deepEqual(JSON.parse(await json.blob.text()), { conversationId: 'c-1' });
  assert.equal((await api.exportConversation('c-2', 'json')).filename, 'conversation-c-2.json', 'a default name without the header');
  await assert.rejects(api.exportConversation('gone', 'markdown'), (error) => error.status === 404);
  assert.deepEqual(calls.map((c) => c.url), ['/api/conversations/c-1/export?format=markdown', '/api/conversations/c-1/export?format=json',
    '/api/conversations/c-2/export?format=json', '/api/conversations/gone/export?format=markdown']);
  assert.equal(calls[0].headers.get('accept'), 'text/markdown');
  assert.equal(calls[1].headers.get('accept'), 'application/json');
});

test('file names from Content-Disposition lose any folder part', () => {
  assert.equal(filenameFrom('attachment; filename="conversation-1.md"'), 'conversation-1.md');
  assert.equal(filenameFrom("attachment; filename*=UTF-8''conversation%20%C3%BC.md"), 'conversation ü.md');
  assert.equal(filenameFrom('attachment; filename="../../etc/passwd"'), 'passwd');
  assert.equal(filenameFrom('attachment'), undefined);
  assert.equal(filenameFrom(null), undefined);
});

test('deleting all conversations is one DELETE of the collection and says how many went', async () => {
  const { fetch, calls } = scriptedFetch(jsonResponse(200, { deleted: 7 }));
  assert.equal(await createApi({ fetch }).deleteAllConversations(), 7);
  assert.deepEqual(calls.map((c) => [c.method, c.url]), [['DELETE', '/api/conversations']]);
});

test('the shared token survives storage that refuses to work', async () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() { throw new Error('denied'); } };
  const credentials = createSharedTokenCredentials({ storage: broken, askForToken: async () => 't' });
  assert.equal(credentials.token(), '');
  assert.equal(await credentials.refused({ hadToken: false }), true);
  assert.equal(credentials.token(), 't');
  assert.equal(await createSharedTokenCredentials({ storage: broken }).refused({ hadToken: false }), false, 'no dialog: no retry');
});
