import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser, readSse } from '../src/js/sse.js';

const plain = (events) => events.map(({ event, data, id }) => ({ event, data, id }));

function parseAll(chunks) {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events: plain(events) };
}

function streamOf(byteChunks) {
  return new ReadableStream({
    start(controller) {
      for (const chunk of byteChunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

const CHAT_STREAM = [
  'event: start\r\ndata: {"conversationId":"c-1","model":"m"}\r\n\r\n',
  'data: {"content":"Hel"}\r\n\r\n',
  'data: {"content":"lo"}\r\n\r\n',
  'event: done\r\ndata: {"conversationId":"c-1","stopReason":"end_turn"}\r\n\r\n',
  'data: [DONE]\r\n\r\n',
].join('');

const CHAT_EVENTS = [
  { event: 'start', data: '{"conversationId":"c-1","model":"m"}', id: '' },
  { event: 'message', data: '{"content":"Hel"}', id: '' },
  { event: 'message', data: '{"content":"lo"}', id: '' },
  { event: 'done', data: '{"conversationId":"c-1","stopReason":"end_turn"}', id: '' },
  { event: 'message', data: '[DONE]', id: '' },
];

test('a chat stream in one piece gives its events in order, [DONE] included as data', () => {
  assert.deepEqual(parseAll([CHAT_STREAM]).events, CHAT_EVENTS);
});

test('the same stream split at every position (including between CR and LF) gives the same events', () => {
  for (let cut = 0; cut <= CHAT_STREAM.length; cut += 1) {
    const { events } = parseAll([CHAT_STREAM.slice(0, cut), CHAT_STREAM.slice(cut)]);
    assert.deepEqual(events, CHAT_EVENTS, `split at ${cut}`);
  }
});

test('one character at a time gives the same events', () => {
  assert.deepEqual(parseAll([...CHAT_STREAM]).events, CHAT_EVENTS);
});

test('LF, CRLF and lone CR line endings are all line breaks', () => {
  for (const eol of ['\n', '\r\n', '\r']) {
    const { events } = parseAll([`event: start${eol}data: a${eol}${eol}data: b${eol}${eol}`]);
    assert.deepEqual(events.map((e) => [e.event, e.data]), [['start', 'a'], ['message', 'b']], JSON.stringify(eol));
  }
});

test('a CR at the end of one chunk and LF at the start of the next make one line break, not two', () => {
  const { events } = parseAll(['data: one\r', '\ndata: two\r', '\n\r', '\n']);
  assert.deepEqual(events.map((e) => e.data), ['one\ntwo']);
});

test('an empty chunk between a CR and its LF keeps them one line break', () => {
  const { events } = parseAll(['event: done\r', '', '\ndata: {"stopReason":"end_turn"}\r\n\r\n']);
  assert.deepEqual(events, [{ event: 'done', data: '{"stopReason":"end_turn"}', id: '' }]);
  const several = parseAll(['data: one\r', '', '', '\n\r', '', '\n']);
  assert.deepEqual(several.events.map((e) => e.data), ['one']);
});

test('readSse keeps the event name when an empty byte chunk falls between CR and LF', async () => {
  const encode = (text) => new TextEncoder().encode(text);
  const chunks = [encode('event: done\r'), new Uint8Array(0), encode('\ndata: {"conversationId":"c-1"}\r\n\r\n')];
  const seen = [];
  for await (const event of readSse(streamOf(chunks))) seen.push([event.event, event.data]);
  assert.deepEqual(seen, [['done', '{"conversationId":"c-1"}']]);
});

test('several data lines join with a newline; an empty data line adds an empty line', () => {
  const { events } = parseAll(['data: first\ndata:second\ndata\ndata:  indented\n\n']);
  assert.equal(events[0].data, 'first\nsecond\n\n indented');
});

test('comments, unknown fields and events without data are skipped; id and retry are kept', () => {
  const parser = new SseParser();
  const events = parser.push(': keep-alive\n\nfoo: bar\nevent: ignored-no-data\n\nid: 7\nretry: 1500\ndata: x\n\n: another\ndata: y\n\n');
  assert.deepEqual(plain(events), [{ event: 'message', data: 'x', id: '7' }, { event: 'message', data: 'y', id: '7' }]);
  assert.equal(parser.retry, 1500);
});

test('the event type resets after each event', () => {
  const { events } = parseAll(['event: error\ndata: {"error":{}}\n\ndata: next\n\n']);
  assert.deepEqual(events.map((e) => e.event), ['error', 'message']);
});

test('a leading byte-order mark is ignored', () => {
  const { events } = parseAll(['\uFEFFevent: start\ndata: a\n\n']);
  assert.deepEqual(events.map((e) => e.event), ['start']);
});

test('an event the stream stops inside is not dispatched', async () => {
  const { events } = parseAll(['data: whole\n\ndata: {"content":"cut of']);
  assert.deepEqual(events.map((e) => e.data), ['whole']);
  assert.deepEqual(parseAll(['data: complete line but no blank line\n']).events, []);
  const seen = [];
  for await (const event of readSse(streamOf([new TextEncoder().encode('data: whole\n\ndata: cut\n')]))) seen.push(event.data);
  assert.deepEqual(seen, ['whole']);
});

test('readSse decodes UTF-8 characters split across byte chunks', async () => {
  const bytes = new TextEncoder().encode('data: {"content":"héllo 👋 wörld"}\r\n\r\ndata: [DONE]\r\n\r\n');
  const chunks = [];
  for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.slice(i, i + 3)); // cuts through multi-byte characters
  const seen = [];
  for await (const event of readSse(streamOf(chunks))) seen.push(event.data);
  assert.deepEqual(seen, ['{"content":"héllo 👋 wörld"}', '[DONE]']);
});

test('leaving readSse early cancels the underlying stream', async () => {
  let cancelled = false;
  const stream = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('data: one\n\ndata: two\n\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const event of readSse(stream)) {
    assert.equal(event.data, 'one');
    break;
  }
  assert.equal(cancelled, true);
});
