// The real `openai` npm client against the local server: the model list, a whole and a streamed completion with
// their usage, a field the API does not take, and a revoked key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { client, model, report, revokedKey } from './support.mjs';

const QUESTION = 'Hello from the OpenAI client';
const REPLY = `Stub reply to: ${QUESTION}`;

test('models.list names the allowed models', async () => {
  const ids = [];
  for await (const entry of client().models.list()) {
    assert.equal(entry.object, 'model');
    assert.equal(entry.owned_by, 'bedrock');
    ids.push(entry.id);
  }
  assert.deepEqual(ids, [model]);
});

test('chat.completions.create answers whole, with usage', async () => {
  const completion = await client().chat.completions.create({
    model,
    messages: [
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: QUESTION },
    ],
    max_tokens: 200,
    temperature: 0.3,
  });

  assert.equal(completion.object, 'chat.completion');
  assert.match(completion.id, /^chatcmpl-/);
  assert.equal(completion.model, model);
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, REPLY);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage.prompt_tokens > 0);
  assert.ok(completion.usage.completion_tokens > 0);
  assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
  report('whole', completion.id);
});

test('chat.completions.create streams, and with include_usage ends with the usage', async () => {
  const stream = await client().chat.completions.create({
    model,
    messages: [{ role: 'user', content: QUESTION }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  assert.ok(chunks.length >= 4, `only ${chunks.length} chunks`);
  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === chunks[0].id));
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');
  assert.equal(text, REPLY);
  const finish = chunks.at(-2);
  assert.equal(finish.choices[0].finish_reason, 'stop');
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.ok(usage.usage.prompt_tokens > 0);
  assert.ok(usage.usage.completion_tokens > 0);
  assert.equal(usage.usage.total_tokens, usage.usage.prompt_tokens + usage.usage.completion_tokens);
  assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  report('stream', chunks[0].id);
});

test('a field the API does not take is a 400 naming it', async () => {
  await assert.rejects(
    client().chat.completions.create({ model, messages: [{ role: 'user', content: QUESTION }], seed: 7 }),
    (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError, String(error));
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, 'seed');
      assert.equal(error.code, 'unsupported_parameter');
      return true;
    },
  );
});

test('a revoked key is a 401', async () => {
  await assert.rejects(client(revokedKey()).models.list(), (error) => {
    assert.ok(error instanceof OpenAI.AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.code, 'invalid_api_key');
    assert.match(error.message, /revoked/);
    return true;
  });
});
