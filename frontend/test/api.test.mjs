import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApi, createTokenStore } from '../src/js/api.js';
import { ApiError, NetworkError, StreamInterruptedError } from '../src/js/errors.js';

function memoryStorage() {
  const map = new Map();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, String(v)), removeItem: (k) => map.delete(k) };
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
    calls.push({ url, init, authorization: new Headers(init.headers).get('authorization') });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    return typeof next === 'function' ? next(url, init) : next;
  };
  return { fetch, calls };
}

const START = 'event: start\ndata: {"conversationId":"c-1","model":"nova"}\n\n';
const DONE = 'event: done\ndata: {"conversationId":"c-1","stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":2}}\n\n';

test('chat posts the message as JSON asking for a stream, and reports start, each delta and done', async () => {
  const { fetch, calls } = scriptedFetch(sseResponse([START, 'data: {"content":"Hel', 'lo"}\n\ndata: {"content":" there"}\n\n', DONE, 'data: [DONE]\n\n']));
  const api = createApi({ fetch, tokens: createTokenStore(memoryStorage()) });
  const seen = [];
  const done = await api.chat({
    message: 'Hi', conversationId: 'c-1', modelId: 'nova',
    onStart: (start) => seen.push(['start', start.conversationId]),
    onDelta: (text) => seen.push(['delta', text]),
  });
  assert.deepEqual(seen, [['start', 'c-1'], ['delta', 'Hello'], ['delta', ' there']]);
  assert.equal(done.stopReason, 'end_turn');
  assert.equal(calls[0].url, '/api/chat');
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(new Headers(calls[0].init.headers).get('accept'), 'text/event-stream');
  assert.deepEqual(JSON.parse(calls[0].init.body), { message: 'Hi', conversationId: 'c-1', modelId: 'nova' });
});

test('a new conversation sends no conversationId', async () => {
  const { fetch, calls } = scriptedFetch(sseResponse([START, DONE, 'data: [DONE]\n\n']));
  await createApi({ fetch, tokens: createTokenStore(memoryStorage()) }).chat({ message: 'Hi' });
  assert.deepEqual(JSON.parse(calls[0].init.body), { message: 'Hi' });
});

test('an error event inside the stream becomes an ApiError with the envelope and a status from its code', async () => {
  const envelope = { error: { code: 'ModelTimeout', message: 'The model did not answer in time. Try again.', requestId: 'r-9' } };
  const { fetch } = scriptedFetch(sseResponse([START, 'data: {"content":"partial"}\n\n', `event: error\ndata: ${JSON.stringify(envelope)}\n\n`, 'data: [DONE]\n\n']));
  const deltas = [];
  await assert.rejects(
    createApi({ fetch, tokens: createTokenStore(memoryStorage()) }).chat({ message: 'x', onDelta: (d) => deltas.push(d) }),
    (error) => error instanceof ApiError && error.code === 'ModelTimeout' && error.status === 504 && error.requestId === 'r-9'
      && error.serverMessage === envelope.error.message,
  );
  assert.deepEqual(deltas, ['partial']);
});

test('a stream that ends without its done event is reported as interrupted', async () => {
  const { fetch } = scriptedFetch(sseResponse([START, 'data: {"content":"half"}\n\n']));
  await assert.rejects(createApi({ fetch, tokens: createTokenStore(memoryStorage()) }).chat({ message: 'x' }), StreamInterruptedError);
});

test('a failed response is read from the error envelope, with Retry-After for 429', async () => {
  const { fetch } = scriptedFetch(jsonResponse(429, { error: { code: 'Throttled', message: 'Slow down.', requestId: 'r-1' } }, { 'retry-after': '12' }));
  await assert.rejects(
    createApi({ fetch, tokens: createTokenStore(memoryStorage()) }).chat({ message: 'x' }),
    (error) => error instanceof ApiError && error.status === 429 && error.retryAfterSeconds === 12 && error.code === 'Throttled',
  );
});

test('a 401 asks for a token, retries with it as a bearer token and keeps it for the tab', async () => {
  const storage = memoryStorage();
  const { fetch, calls } = scriptedFetch(
    jsonResponse(401, { error: { code: 'Unauthorized', message: 'Token needed.' } }),
    jsonResponse(200, { status: 'ok', mode: 'bedrock' }),
    jsonResponse(200, { default: 'm', models: [] }),
  );
  const asked = [];
  const api = createApi({ fetch, tokens: createTokenStore(storage), askForToken: async (context) => { asked.push(context); return 's3cret'; } });
  assert.equal((await api.health()).mode, 'bedrock');
  await api.models();
  assert.deepEqual(asked, [{ rejected: false }]);
  assert.deepEqual(calls.map((c) => c.authorization), [null, 'Bearer s3cret', 'Bearer s3cret']);
  assert.equal(storage.getItem('bedrock-chat.access-token'), 's3cret');
});

test('a refused token is dropped and asked for again; giving up ends in the 401 error', async () => {
  const storage = memoryStorage();
  storage.setItem('bedrock-chat.access-token', 'old');
  const refusal = () => jsonResponse(401, { error: { code: 'Unauthorized', message: 'Token not accepted.' } });
  const { fetch, calls } = scriptedFetch(refusal(), refusal());
  const answers = ['wrong', null];
  const asked = [];
  const api = createApi({ fetch, tokens: createTokenStore(storage), askForToken: async (context) => { asked.push(context); return answers.shift(); } });
  await assert.rejects(api.health(), (error) => error instanceof ApiError && error.status === 401 && error.serverMessage === 'Token not accepted.');
  assert.deepEqual(asked, [{ rejected: true }, { rejected: true }]);
  assert.deepEqual(calls.map((c) => c.authorization), ['Bearer old', 'Bearer wrong']);
  assert.equal(storage.getItem('bedrock-chat.access-token'), null);
});

test('a request that cannot reach the server becomes a NetworkError', async () => {
  const api = createApi({ fetch: async () => { throw new TypeError('Failed to fetch'); }, tokens: createTokenStore(memoryStorage()) });
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
  const api = createApi({ fetch, tokens: createTokenStore(memoryStorage()) });
  const pending = api.chat({ message: 'x', signal: controller.signal, onDelta: () => controller.abort() });
  await assert.rejects(pending, (error) => error.name === 'AbortError');
});

test('a buffered JSON answer is delivered through the same callbacks', async () => {
  const { fetch } = scriptedFetch(jsonResponse(200, { conversationId: 'c-2', reply: 'All at once', model: 'm', stopReason: 'end_turn' }));
  const seen = [];
  const done = await createApi({ fetch, tokens: createTokenStore(memoryStorage()) }).chat({
    message: 'x', onStart: (s) => seen.push(s.conversationId), onDelta: (d) => seen.push(d),
  });
  assert.deepEqual(seen, ['c-2', 'All at once']);
  assert.equal(done.conversationId, 'c-2');
});

test('conversation ids are encoded in paths; deleting one the server no longer has is not an error', async () => {
  const { fetch, calls } = scriptedFetch(new Response(null, { status: 404 }), new Response(null, { status: 204 }),
    jsonResponse(404, { error: { code: 'NotFound', message: 'No such conversation.' } }));
  const api = createApi({ fetch, tokens: createTokenStore(memoryStorage()) });
  await api.deleteConversation('a/b');
  await api.deleteConversation('c-1');
  await assert.rejects(api.conversation('gone'), (error) => error instanceof ApiError && error.status === 404);
  assert.deepEqual(calls.map((c) => [c.init.method ?? 'GET', c.url]), [['DELETE', '/api/conversations/a%2Fb'], ['DELETE', '/api/conversations/c-1'], ['GET', '/api/conversations/gone']]);
});

test('the token store survives storage that refuses to work', () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() { throw new Error('denied'); } };
  const tokens = createTokenStore(broken);
  tokens.set('t');
  assert.equal(tokens.get(), 't');
  tokens.clear();
  assert.equal(tokens.get(), '');
});
