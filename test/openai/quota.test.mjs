// The real `openai` client against a person's daily token quota: bob's key answers until his day's tokens reach the
// quota (USER_DAILY_TOKEN_QUOTA, set by OpenAiClientTest to 2,000), then every completion is a 429 in OpenAI's shape
// with Retry-After, before the model is called. The stand-in's `[cached]` answer counts 1,000 input and 500 output
// tokens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { client, model, report } from './support.mjs';

const QUESTION = '[cached] How much is left of my day?';

function quotaKey() {
  const key = process.env.OPENAI_QUOTA_API_KEY;
  if (!key) throw new Error('OPENAI_QUOTA_API_KEY is not set: these scenarios are run by OpenAiClientTest');
  return key;
}

test('completions count against the day until the quota is spent, then each is a 429 with Retry-After', async () => {
  const bob = client(quotaKey());
  const first = await bob.chat.completions.create({ model, messages: [{ role: 'user', content: QUESTION }] });
  assert.equal(first.usage.prompt_tokens, 1000);
  assert.equal(first.usage.completion_tokens, 500);
  report('quota-1', first.id);
  // 1,500 of 2,000 used: still under the quota, so the next one is answered too (and takes the day to 3,000).
  const second = await bob.chat.completions.create({ model, messages: [{ role: 'user', content: QUESTION }] });
  report('quota-2', second.id);

  for (const stream of [false, true]) {
    await assert.rejects(
      bob.chat.completions.create({ model, messages: [{ role: 'user', content: QUESTION }], stream }),
      (error) => {
        assert.ok(error instanceof OpenAI.RateLimitError, String(error));
        assert.equal(error.status, 429);
        assert.equal(error.type, 'rate_limit_error');
        assert.match(error.message, /daily quota of 2000 tokens \(3000 used today\)/);
        const header = typeof error.headers?.get === 'function'
          ? error.headers.get('retry-after') : error.headers?.['retry-after'];
        const retryAfter = Number(header);
        assert.ok(retryAfter > 0 && retryAfter <= 86_400, `Retry-After ${retryAfter}`);
        return true;
      },
    );
  }
});
