#!/usr/bin/env node
// Smoke test of a deployed (or local) chat: fails unless GET $CHAT_URL/api/health answers 200 with the expected mode,
// model and version and, with SMOKE_CHAT=true, one short chat answers through the same address.
//
//   CHAT_URL        the chat's address: the CloudFront URL, or http://localhost:8080 for ./local.sh (required)
//   EXPECT_MODE     bedrock or offline (checked when set)
//   EXPECT_MODEL    the default model id /api/health must report (checked when set)
//   EXPECT_VERSION  the function's version /api/health must report (checked when set)
//   SMOKE_CHAT      true: also chat once (and delete the conversation again); default false
//   SMOKE_ATTEMPTS  tries while the address is unreachable or answers 502, 503 or 504 (default 5, 10 s apart)
//
// The pipeline runs it after each stage's deployment with every EXPECT_ variable set; it needs Node.js 20 or newer.
const SMOKE_MESSAGE = 'This is a deployment smoke test. Answer with one short sentence.';
const RETRY_DELAY_MS = 10_000;
const TRANSIENT_STATUS = new Set([502, 503, 504]);

class SmokeFailure extends Error {}

function settings(env) {
  const url = (env.CHAT_URL ?? '').trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(url)) {
    throw new SmokeFailure(`CHAT_URL must be the chat's address like https://d111111abcdef8.cloudfront.net (got '${env.CHAT_URL ?? ''}')`);
  }
  const chat = (env.SMOKE_CHAT ?? 'false').trim();
  if (chat !== 'true' && chat !== 'false') {
    throw new SmokeFailure(`SMOKE_CHAT must be true or false (got '${chat}')`);
  }
  const attempts = Number.parseInt(env.SMOKE_ATTEMPTS ?? '5', 10);
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new SmokeFailure(`SMOKE_ATTEMPTS must be a whole number of at least 1 (got '${env.SMOKE_ATTEMPTS}')`);
  }
  const expected = (name) => (env[name] ?? '').trim() || undefined;
  return {
    url,
    chat: chat === 'true',
    attempts,
    mode: expected('EXPECT_MODE'),
    model: expected('EXPECT_MODEL'),
    version: expected('EXPECT_VERSION'),
  };
}

/** One request, retried while the chat is unreachable or its origin is not ready; any other answer is final. */
async function request(config, method, path, { body, timeoutMs = 30_000 } = {}) {
  let problem;
  for (let attempt = 1; attempt <= config.attempts; attempt++) {
    if (attempt > 1) {
      console.log(`smoke: ${problem}; trying again in ${RETRY_DELAY_MS / 1000} s (${attempt}/${config.attempts})`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
    }
    try {
      const response = await fetch(config.url + path, {
        method,
        headers: body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!TRANSIENT_STATUS.has(response.status)) {
        return response;
      }
      problem = `${method} ${path} answered ${response.status}`;
    } catch (error) {
      problem = `${method} ${path} failed: ${error.cause?.code ?? error.name}: ${error.cause?.message ?? error.message}`;
    }
  }
  throw new SmokeFailure(problem);
}

async function json(response, what) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new SmokeFailure(`${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

function expectEqual(what, actual, expected) {
  if (expected !== undefined && actual !== expected) {
    throw new SmokeFailure(`${what} is '${actual}', expected '${expected}'`);
  }
}

async function checkHealth(config) {
  const response = await request(config, 'GET', '/api/health');
  if (response.status !== 200) {
    throw new SmokeFailure(`GET /api/health answered ${response.status}, expected 200: ${(await response.text()).slice(0, 200)}`);
  }
  const health = await json(response, 'GET /api/health');
  expectEqual('/api/health status', health.status, 'ok');
  expectEqual('/api/health mode', health.mode, config.mode);
  expectEqual('/api/health model', health.model, config.model);
  expectEqual('/api/health version', health.version, config.version);
  console.log(`smoke: GET /api/health: 200, mode ${health.mode}, model ${health.model}, version ${health.version}`);
  return health;
}

async function checkChat(config, health) {
  const started = Date.now();
  const response = await request(config, 'POST', '/api/chat', { body: { message: SMOKE_MESSAGE }, timeoutMs: 90_000 });
  if (response.status !== 200) {
    throw new SmokeFailure(`POST /api/chat answered ${response.status}, expected 200: ${(await response.text()).slice(0, 300)}`);
  }
  const answer = await json(response, 'POST /api/chat');
  if (typeof answer.reply !== 'string' || answer.reply.trim() === '') {
    throw new SmokeFailure('POST /api/chat answered 200 without a reply');
  }
  expectEqual('the chat\'s model', answer.model, config.model ?? health.model);
  console.log(`smoke: POST /api/chat: 200 in ${Date.now() - started} ms, model ${answer.model}, ${answer.reply.length} characters`);
  // The smoke test leaves no conversation behind.
  const deleted = await request(config, 'DELETE', `/api/conversations/${encodeURIComponent(answer.conversationId)}`);
  if (deleted.status !== 204) {
    throw new SmokeFailure(`DELETE /api/conversations/${answer.conversationId} answered ${deleted.status}, expected 204`);
  }
}

async function smoke(env = process.env) {
  const config = settings(env);
  console.log(`smoke: ${config.url}`);
  const health = await checkHealth(config);
  if (config.chat) {
    await checkChat(config, health);
  }
  console.log('smoke: passed');
}

try {
  await smoke();
} catch (error) {
  console.error(`smoke: FAILED: ${error instanceof SmokeFailure ? error.message : error.stack}`);
  process.exitCode = 1;
}
