// The chat API client: JSON calls, the streamed chat answer, downloads, and the credentials every call carries.
import { readSse } from './sse.js';
import { ApiError, NetworkError, StreamInterruptedError, apiErrorFrom, errorFromResponse, isAbort, parseJson } from './errors.js';

/** The header that carries the token (raw, no "Bearer "): CloudFront and API Gateway's authorizer read this one. */
export const TOKEN_HEADER = 'X-Chat-Token';

/** Credentials of an open server: no token, and a 401 is final. */
const NO_CREDENTIALS = { token: () => '', refused: async () => false };

/** The file name in a Content-Disposition header, without any folder part; undefined when it names none. */
export function filenameFrom(disposition) {
  const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition ?? '');
  if (!match) return undefined;
  let name = match[1];
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded
  }
  name = name.split(/[\\/]/).pop().trim();
  return name === '' ? undefined : name;
}

const path = (id) => `/api/conversations/${encodeURIComponent(id)}`;

/**
 * @param {object} options
 * @param {typeof fetch} [options.fetch]
 * @param {{token(): string|Promise<string>, refused(context: {hadToken: boolean, error: ApiError}): Promise<boolean>}} [options.credentials]
 *   `token` gives the token for each call; `refused` is told of a 401 and resolves true to send the call again.
 */
export function createApi({ fetch = globalThis.fetch.bind(globalThis), credentials = NO_CREDENTIALS, baseUrl = '' } = {}) {
  let current = credentials;

  async function send(route, init = {}) {
    for (;;) {
      const headers = new Headers(init.headers);
      const token = await current.token();
      if (token) headers.set(TOKEN_HEADER, token);
      let response;
      try {
        response = await fetch(baseUrl + route, { ...init, headers, credentials: 'same-origin' });
      } catch (error) {
        if (isAbort(error) || init.signal?.aborted) throw error;
        throw new NetworkError(error);
      }
      if (response.status !== 401) return response;
      const refusal = await errorFromResponse(response);
      if (!(await current.refused({ hadToken: Boolean(token), error: refusal }))) throw refusal;
    }
  }

  async function json(route, init) {
    const response = await send(route, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined;
    const body = parseJson(await response.text());
    if (body === undefined) throw new ApiError({ status: response.status, code: 'InternalError' });
    return body;
  }

  return {
    /** Switches the credentials (once the page knows how the server signs people in). */
    useCredentials(next) {
      current = next;
    },

    health: (init) => json('/api/health', init),
    authConfig: (init) => json('/api/auth/config', init),
    me: (init) => json('/api/me', init),
    models: (init) => json('/api/models', init),
    /** The person's use today and this month and the daily quota: GET /api/usage. */
    usage: (init) => json('/api/usage', init),
    conversation: (id, init) => json(path(id), init),

    /** One page of the person's conversations, newest first: {conversations, nextCursor}. */
    conversations({ limit, cursor, q, signal } = {}) {
      const query = new URLSearchParams();
      if (limit) query.set('limit', String(limit));
      if (cursor) query.set('cursor', cursor);
      if (q) query.set('q', q);
      const search = query.toString();
      return json(`/api/conversations${search ? `?${search}` : ''}`, { signal });
    },

    /** Renames a conversation; resolves to its summary. */
    renameConversation(id, title) {
      return json(path(id), { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title }) });
    },

    /** A conversation as a file: {blob, filename}; `format` is "markdown" or "json". */
    async exportConversation(id, format) {
      const response = await send(`${path(id)}/export?format=${encodeURIComponent(format)}`, {
        headers: { Accept: format === 'json' ? 'application/json' : 'text/markdown' },
      });
      if (!response.ok) throw await errorFromResponse(response);
      const filename = filenameFrom(response.headers.get('content-disposition')) ?? `conversation-${id}.${format === 'json' ? 'json' : 'md'}`;
      return { blob: await response.blob(), filename };
    },

    /** Deletes a conversation on the server; one the server no longer has counts as deleted. */
    async deleteConversation(id) {
      const response = await send(path(id), { method: 'DELETE' });
      if (response.ok || response.status === 404) return;
      throw await errorFromResponse(response);
    },

    /** Deletes all of the person's conversations; resolves to how many were deleted. */
    async deleteAllConversations() {
      const body = await json('/api/conversations', { method: 'DELETE' });
      return Number.isInteger(body?.deleted) ? body.deleted : 0;
    },

    /** The person's live API keys: {keys: [{id, name, prefix, createdAt, lastUsedAt}]}. */
    apiKeys: (init) => json('/api/keys', init),

    /** Creates an API key; resolves to {id, name, key, createdAt}, the only time `key` is given. */
    createApiKey(name) {
      return json('/api/keys', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name }) });
    },

    /** Revokes one of the person's API keys. */
    async revokeApiKey(id) {
      await json(`/api/keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },

    /**
     * Sends a message and follows the streamed answer.
     * Calls onStart({conversationId, title, model}) once and onDelta(text) per piece; resolves to the `done` payload.
     */
    async chat({ message, conversationId, modelId, signal, onStart = () => {}, onDelta = () => {} }) {
      const payload = { message };
      if (conversationId) payload.conversationId = conversationId;
      if (modelId) payload.modelId = modelId;
      const response = await send('/api/chat', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
        body: JSON.stringify(payload),
        signal,
      });
      if (!response.ok) throw await errorFromResponse(response);

      const type = response.headers.get('content-type') || '';
      if (!type.includes('text/event-stream')) {
        // A buffered answer (a path that cannot stream): one piece, same callbacks.
        const body = parseJson(await response.text());
        if (!body || typeof body.reply !== 'string') throw new StreamInterruptedError();
        onStart({ conversationId: body.conversationId, title: body.title, model: body.model });
        onDelta(body.reply);
        return {
          conversationId: body.conversationId, title: body.title, stopReason: body.stopReason, usage: body.usage, costUsd: body.costUsd,
        };
      }

      let done;
      try {
        for await (const event of readSse(response.body)) {
          if (event.data === '[DONE]') break;
          if (event.event === 'error') throw apiErrorFrom(0, parseJson(event.data));
          const data = parseJson(event.data);
          if (data === undefined) continue;
          if (event.event === 'start') onStart(data);
          else if (event.event === 'done') done = data;
          else if (event.event === 'message' && typeof data.content === 'string') onDelta(data.content);
        }
      } catch (error) {
        if (signal?.aborted) throw new DOMException('The answer was stopped.', 'AbortError');
        if (error instanceof ApiError || isAbort(error)) throw error;
        throw new StreamInterruptedError();
      }
      if (!done) throw new StreamInterruptedError();
      return done;
    },
  };
}
