// The chat API client: JSON calls, the streamed chat answer, and the optional bearer token.
import { readSse } from './sse.js';
import { ApiError, NetworkError, StreamInterruptedError, apiErrorFrom, errorFromResponse, isAbort, parseJson } from './errors.js';

const TOKEN_KEY = 'bedrock-chat.access-token';

/** Keeps the access token for this tab only (sessionStorage); tolerates storage that refuses writes. */
export function createTokenStore(storage) {
  let memory = '';
  return {
    get() {
      try {
        return storage?.getItem(TOKEN_KEY) || memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage?.setItem(TOKEN_KEY, token);
      } catch {
        // private browsing: the in-memory copy is enough for this page
      }
    },
    clear() {
      memory = '';
      try {
        storage?.removeItem(TOKEN_KEY);
      } catch {
        // nothing stored
      }
    },
  };
}

/**
 * @param {object} options
 * @param {typeof fetch} [options.fetch]
 * @param {ReturnType<typeof createTokenStore>} options.tokens
 * @param {(context: {rejected: boolean}) => Promise<string|null>} [options.askForToken]
 *   called when the API answers 401; resolves to a token to retry with, or null to give up.
 */
export function createApi({ fetch = globalThis.fetch.bind(globalThis), tokens, askForToken, baseUrl = '' }) {
  async function send(path, init = {}) {
    for (;;) {
      const headers = new Headers(init.headers);
      const token = tokens.get();
      if (token) headers.set('Authorization', `Bearer ${token}`);
      let response;
      try {
        response = await fetch(baseUrl + path, { ...init, headers, credentials: 'same-origin' });
      } catch (error) {
        if (isAbort(error) || init.signal?.aborted) throw error;
        throw new NetworkError(error);
      }
      if (response.status !== 401 || !askForToken) return response;
      const refusal = await errorFromResponse(response);
      if (token) tokens.clear();
      const next = await askForToken({ rejected: Boolean(token) });
      if (!next) throw refusal;
      tokens.set(next);
    }
  }

  async function json(path, init) {
    const response = await send(path, { ...init, headers: { Accept: 'application/json', ...init?.headers } });
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined;
    const body = parseJson(await response.text());
    if (body === undefined) throw new ApiError({ status: response.status, code: 'InternalError' });
    return body;
  }

  return {
    health: (init) => json('/api/health', init),
    models: (init) => json('/api/models', init),
    conversation: (id, init) => json(`/api/conversations/${encodeURIComponent(id)}`, init),

    /** Deletes a conversation on the server; one the server no longer has counts as deleted. */
    async deleteConversation(id) {
      const response = await send(`/api/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (response.ok || response.status === 404) return;
      throw await errorFromResponse(response);
    },

    /**
     * Sends a message and follows the streamed answer.
     * Calls onStart({conversationId, model}) once and onDelta(text) per piece; resolves to the `done` payload.
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
        onStart({ conversationId: body.conversationId, model: body.model });
        onDelta(body.reply);
        return { conversationId: body.conversationId, stopReason: body.stopReason, usage: body.usage };
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
