import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, NetworkError, StreamInterruptedError, apiErrorFrom, describeError, errorFromResponse, parseRetryAfter } from '../src/js/errors.js';

const envelope = (error) => JSON.stringify({ error });

test('429 says how long to wait, from Retry-After', async () => {
  const error = await errorFromResponse(new Response(envelope({ code: 'Throttled', message: 'Rate exceeded', requestId: 'r-1' }), {
    status: 429, headers: { 'retry-after': '30' },
  }));
  const shown = describeError(error);
  assert.equal(shown.message, 'Too many requests — try again in 30 s.');
  assert.equal(shown.retryable, true);
  assert.equal(shown.reference, 'Reference: r-1');
});

test('429 prefers the envelope’s retryAfterSeconds, rounded up', async () => {
  const error = await errorFromResponse(new Response(envelope({ code: 'Throttled', message: 'Rate exceeded', retryAfterSeconds: 4.2 }), {
    status: 429, headers: { 'retry-after': '30' },
  }));
  assert.equal(describeError(error).message, 'Too many requests — try again in 5 s.');
});

test('429 without a delay still reads well', () => {
  assert.equal(describeError(new ApiError({ status: 429 })).message, 'Too many requests — try again in a moment.');
});

test('the server’s own message is shown for other errors, on one line', async () => {
  const error = await errorFromResponse(new Response(envelope({
    code: 'ModelAccessDenied', message: 'Bedrock denied access to the model.\n  Enable it in the Bedrock console.', requestId: 'r-2',
  }), { status: 502 }));
  assert.deepEqual(describeError(error), {
    message: 'Bedrock denied access to the model. Enable it in the Bedrock console.', retryable: true, reference: 'Reference: r-2',
  });
});

test('validation errors are not offered for retry', () => {
  const shown = describeError(new ApiError({ status: 400, code: 'ValidationError', message: 'The message is longer than 8000 characters.' }));
  assert.equal(shown.message, 'The message is longer than 8000 characters.');
  assert.equal(shown.retryable, false);
});

test('a body that is not the envelope (an HTML error page, raw JSON) is never shown', async () => {
  const html = await errorFromResponse(new Response('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'x-request-id': 'edge-1' } }));
  assert.equal(describeError(html).message, 'The model could not answer. Try again in a moment.');
  assert.equal(describeError(html).reference, 'Reference: edge-1');

  const odd = await errorFromResponse(new Response(JSON.stringify({ message: '{"raw":true}' }), { status: 500 }));
  assert.equal(describeError(odd).message, 'The chat service had a problem. Try again in a moment.');

  const jsonAsMessage = new ApiError({ status: 418, message: '{"error":"teapot"}' });
  assert.equal(describeError(jsonAsMessage).message, 'The request failed (HTTP 418).');
  for (const shown of [html, odd, jsonAsMessage].map(describeError)) assert.doesNotMatch(shown.message, /[{}<>]/);
});

test('the HTTP server’s own refusals have sentences; a slow request and a busy server may be retried', () => {
  const cases = [
    [408, 'RequestTimeout', /too slowly/, true],
    [414, 'UriTooLong', /address is too long/, false],
    [431, 'HeadersTooLarge', /cookies/, false],
    [501, 'NotImplemented', /does not support this kind/, false],
    [505, 'HttpVersionNotSupported', /HTTP version/, false],
  ];
  for (const [status, code, sentence, retryable] of cases) {
    const error = apiErrorFrom(status, undefined);
    assert.equal(error.code, code, `the code of a bare ${status}`);
    const shown = describeError(error);
    assert.match(shown.message, sentence);
    assert.equal(shown.retryable, retryable, `${code} retryable`);
  }
  const busy = apiErrorFrom(503, { error: { code: 'ServerBusy', requestId: 'r-3' } }, new Headers({ 'retry-after': '1' }));
  assert.equal(busy.code, 'ServerBusy');
  assert.equal(busy.retryAfterSeconds, 1);
  assert.deepEqual(describeError(busy), {
    message: 'The chat service is busy right now. Try again in a moment.', retryable: true, reference: 'Reference: r-3',
  });
  assert.equal(apiErrorFrom(0, { error: { code: 'ServerBusy' } }).status, 503, 'inside a stream, the status comes from the code');
});

test('network failures, interrupted streams and stops have their own sentences', () => {
  assert.match(describeError(new NetworkError(new TypeError('Failed to fetch'))).message, /^Can’t reach the chat service/);
  assert.match(describeError(new TypeError('Failed to fetch')).message, /^Can’t reach the chat service/);
  assert.equal(describeError(new StreamInterruptedError()).message, 'The answer was cut off before it finished. Try again.');
  assert.deepEqual(describeError(new DOMException('stopped', 'AbortError')), { message: 'Stopped.', retryable: true, stopped: true });
  assert.equal(describeError(new Error('bug')).message, 'Something went wrong. Try again.');
});

test('very long server messages are shortened', () => {
  const shown = describeError(new ApiError({ status: 500, message: 'x'.repeat(2000) }));
  assert.ok(shown.message.length <= 400);
  assert.ok(shown.message.endsWith('…'));
});

test('Retry-After is read as seconds or as an HTTP date', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('7', now), 7);
  assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:09 GMT', now), 9);
  assert.equal(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter('', now), undefined);
});
