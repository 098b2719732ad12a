// Server-sent events, parsed as the HTML standard describes them (https://html.spec.whatwg.org/#event-stream-interpretation).
// The parser takes text in pieces of any size: a line, a CRLF pair or a UTF-8 character may be split across chunks.

/** One dispatched event: `event` defaults to "message"; `data` lines are joined with "\n". */
export class SseEvent {
  constructor(event, data, id) {
    this.event = event;
    this.data = data;
    this.id = id;
  }
}

export class SseParser {
  #buffer = '';
  #pendingCr = false;
  #started = false;
  #eventType = '';
  #dataLines = [];
  #lastEventId = '';
  #hasData = false;
  /** Reconnection time asked for by the server (ms), if any. */
  retry = undefined;

  /** Feeds decoded text; returns the events completed by it, in order. */
  push(text) {
    const events = [];
    let chunk = text;
    if (!this.#started && chunk.length > 0) {
      this.#started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.#pendingCr && chunk.length > 0) {
      // The previous chunk ended with CR: a leading LF here belongs to the same line break.
      // An empty chunk (e.g. a decoder holding back half a character) leaves the question open.
      this.#pendingCr = false;
      if (chunk.startsWith('\n')) chunk = chunk.slice(1);
    }
    this.#buffer += chunk;
    let start = 0;
    for (;;) {
      const cr = this.#buffer.indexOf('\r', start);
      const lf = this.#buffer.indexOf('\n', start);
      if (cr === -1 && lf === -1) break;
      let end;
      let next;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 < this.#buffer.length) {
          next = this.#buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
        } else {
          next = cr + 1;
          this.#pendingCr = true;
        }
      } else {
        end = lf;
        next = lf + 1;
      }
      this.#line(this.#buffer.slice(start, end), events);
      start = next;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line, events) {
    if (line === '') {
      this.#dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment, e.g. a keep-alive
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon !== -1) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.#eventType = value;
        break;
      case 'data':
        this.#dataLines.push(value);
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  }

  #dispatch(events) {
    if (this.#hasData) {
      events.push(new SseEvent(this.#eventType || 'message', this.#dataLines.join('\n'), this.#lastEventId));
    }
    this.#eventType = '';
    this.#dataLines = [];
    this.#hasData = false;
  }
}

/**
 * Reads a byte stream (e.g. `response.body`) as server-sent events, decoding UTF-8 across chunk boundaries.
 * An event the stream ends inside (no closing blank line) is dropped, as the standard says.
 * Leaving the loop early cancels the stream (closing the connection).
 */
export async function* readSse(stream) {
  const reader = stream.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser();
  let finished = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const event of parser.push(decoder.decode(value, { stream: true }))) yield event;
    }
    finished = true;
    for (const event of parser.push(decoder.decode())) yield event;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
