// Errors met while talking to the chat API, and the sentences shown to people for them.
// The API answers errors with {"error":{"code","message","requestId","retryAfterSeconds"?,"resetsAt"?}}; nothing raw
// reaches the page.

/** An error answered by the API (an HTTP status, or an `error` event inside a stream). */
export class ApiError extends Error {
  constructor({ status = 0, code = '', message = '', requestId = '', retryAfterSeconds, resetsAt } = {}) {
    super(message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.requestId = requestId;
    this.retryAfterSeconds = retryAfterSeconds;
    /** With QuotaExceeded: when the daily quota starts again (ISO-8601), if the server said. */
    this.resetsAt = resetsAt;
  }
}

/** The request never got an answer: offline, DNS, connection reset. */
export class NetworkError extends Error {
  constructor(cause) {
    super('network failure', { cause });
    this.name = 'NetworkError';
  }
}

/** The answer stream ended without its `done` event. */
export class StreamInterruptedError extends Error {
  constructor() {
    super('stream ended early');
    this.name = 'StreamInterruptedError';
  }
}

const CODE_BY_STATUS = {
  400: 'ValidationError',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  408: 'RequestTimeout',
  413: 'PayloadTooLarge',
  414: 'UriTooLong',
  415: 'UnsupportedMediaType',
  429: 'Throttled',
  431: 'HeadersTooLarge',
  500: 'InternalError',
  501: 'NotImplemented',
  502: 'ModelError',
  503: 'ModelUnavailable',
  504: 'ModelTimeout',
  505: 'HttpVersionNotSupported',
};

const STATUS_BY_CODE = {
  ...Object.fromEntries(Object.entries(CODE_BY_STATUS).map(([status, code]) => [code, Number(status)])),
  ModelNotAllowed: 400,
  Conflict: 409,
  QuotaExceeded: 429,
  ModelAccessDenied: 502,
  ModelNotFound: 502,
  ServerBusy: 503,
  ModelBusy: 503,
  StorageUnavailable: 503,
};

const FALLBACK_MESSAGES = {
  ValidationError: 'The message was not accepted. Check it and send it again.',
  ModelNotAllowed: 'That model is not offered here. Pick another one from the list.',
  Unauthorized: 'An access token is needed to use this chat.',
  Forbidden: 'This chat can only be used through its own web address.',
  NotFound: 'That was not found on the server.',
  Conflict: 'That cannot be done as things stand. Check and try again.',
  MethodNotAllowed: 'The server does not accept this request.',
  PayloadTooLarge: 'The message is too long. Shorten it and send it again.',
  UnsupportedMediaType: 'The server did not understand the request.',
  ModelAccessDenied: 'The model refused access. An administrator needs to enable it.',
  ModelNotFound: 'The chosen model is not available. Pick another one.',
  ModelError: 'The model could not answer. Try again in a moment.',
  ModelUnavailable: 'The model is busy right now. Try again in a moment.',
  ModelBusy: 'The chat service is at its limit of answers in progress. Try again in a few seconds.',
  StorageUnavailable: 'Saved conversations can’t be reached right now, so nothing was sent. Try again in a few seconds.',
  Throttled: 'Too many requests — try again in a moment.',
  QuotaExceeded: 'You have used your daily quota. It starts again at midnight UTC.',
  ModelTimeout: 'The model took too long to answer. Try again.',
  InternalError: 'The chat service had a problem. Try again in a moment.',
  // The function's HTTP server refuses these itself, before the chat service sees the request.
  RequestTimeout: 'The request arrived too slowly. Check your connection, then try again.',
  UriTooLong: 'The request’s address is too long for the server.',
  HeadersTooLarge: 'The request carried too much header data (cookies, say). Clear this site’s cookies, then try again.',
  NotImplemented: 'The server does not support this kind of request.',
  ServerBusy: 'The chat service is busy right now. Try again in a moment.',
  HttpVersionNotSupported: 'The server does not support the HTTP version of this request.',
};

const NOT_RETRYABLE = new Set([400, 401, 403, 404, 405, 413, 414, 415, 431, 501, 505]);
const MAX_MESSAGE_LENGTH = 400;

/** Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
  if (value == null) return undefined;
  const text = String(value).trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Builds an ApiError from the error envelope (already parsed JSON, or undefined), the HTTP status and headers.
 * Inside a stream there is no status of its own (0): it is taken from the envelope's code.
 */
export function apiErrorFrom(status, envelope, headers) {
  const body = envelope && typeof envelope === 'object' && envelope.error && typeof envelope.error === 'object' ? envelope.error : {};
  const text = (v) => (typeof v === 'string' ? v.trim() : '');
  if (!status) status = STATUS_BY_CODE[text(body.code)] ?? 500;
  let retryAfterSeconds = Number.isFinite(body.retryAfterSeconds) && body.retryAfterSeconds >= 0 ? Math.ceil(body.retryAfterSeconds) : undefined;
  if (retryAfterSeconds === undefined && headers) retryAfterSeconds = parseRetryAfter(headers.get('retry-after'));
  return new ApiError({
    status,
    code: text(body.code) || CODE_BY_STATUS[status] || '',
    message: text(body.message),
    requestId: text(body.requestId) || (headers ? text(headers.get('x-request-id') ?? '') : ''),
    retryAfterSeconds,
    resetsAt: text(body.resetsAt) || undefined,
  });
}

/** The JSON in `text`, or undefined when it is not JSON. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads a failed fetch Response into an ApiError; a body that is not the envelope is never shown. */
export async function errorFromResponse(response) {
  const envelope = parseJson(await response.text().catch(() => ''));
  return apiErrorFrom(response.status, envelope, response.headers);
}

export function isAbort(error) {
  return error != null && error.name === 'AbortError';
}

function clip(message) {
  const oneLine = message.replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE_LENGTH ? `${oneLine.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : oneLine;
}

/** When the quota starts again, in the person's own time, e.g. "at 01:00" (today) or "on 2 Dec at 01:00". */
export function resetTime(resetsAt, now = new Date(), locale = undefined) {
  const at = new Date(resetsAt);
  if (Number.isNaN(at.getTime())) return '';
  const time = at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  const sameDay = at.toDateString() === now.toDateString();
  return sameDay ? `at ${time}` : `on ${at.toLocaleDateString(locale, { day: 'numeric', month: 'short' })} at ${time}`;
}

/** The sentence for a spent quota: the server's (it names the limit), and when it starts again in local time. */
export function quotaSpentMessage(error, now = new Date()) {
  const limit = error.serverMessage && !/^[[{<]/.test(error.serverMessage)
    ? clip(error.serverMessage.replace(/;\s*it resets at midnight UTC \([^)]*\)\s*$/, '')) : '';
  const when = error.resetsAt ? resetTime(error.resetsAt, now) : '';
  const head = limit ? `${limit}.` : 'You have used your daily quota.';
  return when ? `${head} It starts again ${when} (midnight UTC).` : `${head} It starts again at midnight UTC.`;
}

/**
 * The sentence to show for an error, plus what the page can offer next (`now`: the clock a quota's reset is told
 * against, "today" or another day).
 * @returns {{ message: string, retryable: boolean, reference?: string, stopped?: boolean }}
 */
export function describeError(error, now = new Date()) {
  if (isAbort(error)) return { message: 'Stopped.', retryable: true, stopped: true };
  if (error instanceof NetworkError || (error instanceof TypeError && /fetch|network/i.test(error.message))) {
    return { message: 'Can’t reach the chat service. Check your connection, then try again.', retryable: true };
  }
  if (error instanceof StreamInterruptedError) {
    return { message: 'The answer was cut off before it finished. Try again.', retryable: true };
  }
  if (error instanceof ApiError) {
    const reference = error.requestId ? `Reference: ${error.requestId}` : undefined;
    if (error.code === 'QuotaExceeded') {
      // Not worth retrying before the reset: the sentence says when (and, from the server, what the limit is).
      return { message: quotaSpentMessage(error, now), retryable: false, reference, quota: true };
    }
    if (error.status === 429 || error.code === 'Throttled') {
      const wait = error.retryAfterSeconds;
      const message = wait > 0 ? `Too many requests — try again in ${wait} s.` : FALLBACK_MESSAGES.Throttled;
      return { message, retryable: true, reference };
    }
    const fallback = FALLBACK_MESSAGES[error.code]
      ?? (error.status >= 500 ? `The chat service had a problem (HTTP ${error.status}). Try again in a moment.`
        : `The request failed (HTTP ${error.status}).`);
    const message = error.serverMessage && !/^[[{<]/.test(error.serverMessage) ? clip(error.serverMessage) : fallback;
    return { message, retryable: !NOT_RETRYABLE.has(error.status), reference };
  }
  return { message: 'Something went wrong. Try again.', retryable: true };
}
