// What every scenario of the real `openai` client needs: where the server is and which keys to use, from the
// environment the Java test sets (OpenAiClientTest), and a place to report the ids of the completions it made.
import { appendFileSync } from 'node:fs';
import OpenAI from 'openai';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: these scenarios are run by the system test OpenAiClientTest`);
  return value;
}

/** The server's OpenAI-compatible base URL, e.g. http://127.0.0.1:PORT/v1. */
export const baseURL = required('OPENAI_BASE_URL');

/** The model the scenarios ask for (one of GET /v1/models). */
export const model = required('OPENAI_MODEL');

/** A client with the given key (by default the live one), without the client's own retries. */
export function client(apiKey = required('OPENAI_API_KEY')) {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });
}

/** The key that was revoked before the scenarios ran. */
export function revokedKey() {
  return required('OPENAI_REVOKED_API_KEY');
}

/** Tells the Java test that a completion was made (its id is `chatcmpl-<request id>`), so it can find its artifact. */
export function report(scenario, completionId) {
  appendFileSync(required('OPENAI_RESULTS'), `${JSON.stringify({ scenario, completionId })}\n`);
}
