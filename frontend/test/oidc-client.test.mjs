import { test } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { createOidcClient, PENDING_KEY, SignInError } from '../src/js/oidc-client.js';
import { codeChallenge } from '../src/js/pkce.js';
import { OIDC_CONFIG, PAGE_ORIGIN, jwt, memoryStorage } from '../test-support/fixtures.mjs';

const CONFIG = OIDC_CONFIG;
const REDIRECT = `${PAGE_ORIGIN}/`;

function tokenFetch(answer) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, init, form: Object.fromEntries(new URLSearchParams(init.body)), headers: new Headers(init.headers) });
    return typeof answer === 'function' ? answer(calls.at(-1)) : answer;
  };
  return { fetch, calls };
}

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function startedSignIn({ fetch, storage = memoryStorage(), returnTo = '' } = {}) {
  const client = createOidcClient({ config: CONFIG, redirectUri: REDIRECT, fetch: fetch ?? (async () => { throw new Error('no fetch'); }), crypto: webcrypto, storage });
  const url = new URL(await client.authorizationUrl({ returnTo }));
  return { client, url, params: url.searchParams, storage, pending: JSON.parse(storage.getItem(PENDING_KEY)) };
}

test('the authorization request is a code request with PKCE S256, random state and nonce, to the page root', async () => {
  const { url, params, pending } = await startedSignIn({ returnTo: '#/c/abc' });
  assert.equal(`${url.origin}${url.pathname}`, CONFIG.authorizationEndpoint);
  assert.equal(params.get('response_type'), 'code');
  assert.equal(params.get('client_id'), 'chat-page');
  assert.equal(params.get('redirect_uri'), REDIRECT);
  assert.equal(params.get('scope'), 'openid email profile');
  assert.equal(params.get('code_challenge_method'), 'S256');
  assert.match(params.get('state'), /^[A-Za-z0-9_-]{43}$/);
  assert.match(params.get('nonce'), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(params.get('state'), params.get('nonce'));
  assert.equal(params.get('code_challenge'), await codeChallenge(pending.verifier, webcrypto), 'the challenge is the stored verifier’s');
  assert.deepEqual({ state: pending.state, nonce: pending.nonce, returnTo: pending.returnTo },
    { state: params.get('state'), nonce: params.get('nonce'), returnTo: '#/c/abc' });
  assert.equal(params.has('client_secret'), false, 'a public client has no secret');

  const again = await startedSignIn();
  assert.notEqual(again.params.get('state'), params.get('state'), 'every request has its own state');
});

test('the answer is read from the page address: a code, or an error, or nothing', async () => {
  const { client } = await startedSignIn();
  assert.deepEqual(client.callbackParams('https://chat.example.test/?code=abc&state=xyz'), { code: 'abc', state: 'xyz', error: null, errorDescription: null });
  assert.deepEqual(client.callbackParams('https://chat.example.test/?error=access_denied&error_description=No&state=xyz'),
    { code: null, state: 'xyz', error: 'access_denied', errorDescription: 'No' });
  assert.equal(client.callbackParams('https://chat.example.test/#/c/abc'), null);
});

test('the code is exchanged as a form POST with the verifier and no secret; the ID token’s nonce is checked', async () => {
  const now = Math.floor(Date.now() / 1000);
  let idToken;
  const { fetch, calls } = tokenFetch(() => json(200, { id_token: idToken, access_token: 'at', refresh_token: 'rt', token_type: 'Bearer', expires_in: 300 }));
  const { client, params, pending } = await startedSignIn({ fetch, returnTo: '#/c/abc' });
  idToken = jwt({ iss: CONFIG.issuer, aud: 'chat-page', sub: 'u-1', nonce: params.get('nonce'), iat: now, exp: now + 300 });

  const { tokens, returnTo } = await client.completeSignIn({ code: 'the-code', state: params.get('state') });

  assert.equal(calls.length, 1);
  assert.equal(calls[0].url, CONFIG.tokenEndpoint);
  assert.equal(calls[0].init.method, 'POST');
  assert.equal(calls[0].headers.get('content-type'), 'application/x-www-form-urlencoded');
  assert.deepEqual(calls[0].form, {
    grant_type: 'authorization_code', client_id: 'chat-page', code: 'the-code', redirect_uri: REDIRECT, code_verifier: pending.verifier,
  });
  assert.deepEqual(tokens, { idToken, refreshToken: 'rt', expiresAt: (now + 300) * 1000, issuedAt: now * 1000 });
  assert.equal(returnTo, '#/c/abc');
});

test('an answer whose state does not match is refused before any exchange, and says why', async () => {
  const { fetch, calls } = tokenFetch(json(200, {}));
  const { client } = await startedSignIn({ fetch });
  await assert.rejects(client.completeSignIn({ code: 'c', state: 'forged' }),
    (error) => error instanceof SignInError && error.reason === 'state_mismatch' && /state mismatch/.test(error.message) && /Sign in again\./.test(error.message));
  assert.equal(calls.length, 0);
});

test('a pending request is used once: the same answer again is refused (no sign-in in progress)', async () => {
  const { fetch } = tokenFetch(json(400, { error: 'invalid_grant' }));
  const { client, params, storage } = await startedSignIn({ fetch });
  await assert.rejects(client.completeSignIn({ code: 'c', state: params.get('state') }), (error) => error.reason === 'invalid_grant');
  assert.equal(storage.getItem(PENDING_KEY), null);
  await assert.rejects(client.completeSignIn({ code: 'c', state: params.get('state') }),
    (error) => error.reason === 'no_pending_request' && /no sign-in in progress/.test(error.message));
});

test('an ID token with another nonce is refused and says why', async () => {
  const now = Math.floor(Date.now() / 1000);
  const { fetch } = tokenFetch(json(200, { id_token: jwt({ aud: 'chat-page', nonce: 'someone-elses', exp: now + 60 }), refresh_token: 'rt' }));
  const { client, params } = await startedSignIn({ fetch });
  await assert.rejects(client.completeSignIn({ code: 'c', state: params.get('state') }),
    (error) => error instanceof SignInError && error.reason === 'nonce_mismatch' && /nonce mismatch/.test(error.message));
});

test('an ID token for another client, a missing ID token and an unreadable one are refused', async () => {
  for (const [body, reason] of [
    [{ id_token: jwt({ aud: ['other-app'], nonce: 'n' }) }, 'wrong_audience'],
    [{ access_token: 'only' }, 'missing_id_token'],
    [{ id_token: 'not-a-jwt' }, 'malformed_id_token'],
  ]) {
    const { fetch } = tokenFetch(json(200, body));
    const { client, params } = await startedSignIn({ fetch });
    await assert.rejects(client.completeSignIn({ code: 'c', state: params.get('state') }), (error) => error.reason === reason, reason);
  }
});

test('the provider’s refusal and an error answer are reported in words', async () => {
  const { fetch } = tokenFetch(json(400, { error: 'invalid_grant', error_description: 'Code not valid' }));
  const { client, params } = await startedSignIn({ fetch });
  await assert.rejects(client.completeSignIn({ code: 'c', state: params.get('state') }),
    { message: 'The sign-in service refused the sign-in code: invalid_grant (Code not valid). Sign in again.' });

  const denied = await startedSignIn();
  await assert.rejects(denied.client.completeSignIn({ error: 'access_denied', errorDescription: 'User cancelled', state: denied.params.get('state') }),
    { message: 'The sign-in service did not sign you in: access_denied (User cancelled). Sign in again.' });

  const unreachable = await startedSignIn({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(unreachable.client.completeSignIn({ code: 'c', state: unreachable.params.get('state') }),
    (error) => error.network === true && error.reason === 'network');
});

test('a refresh is a form POST with the refresh token; an answer without a new refresh token keeps the old one', async () => {
  const exp = Math.floor(Date.now() / 1000) + 300;
  const idToken = jwt({ aud: 'chat-page', exp });
  const { fetch, calls } = tokenFetch(json(200, { id_token: idToken, access_token: 'at' }));
  const client = createOidcClient({ config: CONFIG, redirectUri: REDIRECT, fetch, crypto: webcrypto, storage: memoryStorage() });
  const tokens = await client.refresh('rt-1');
  assert.deepEqual(calls[0].form, { grant_type: 'refresh_token', client_id: 'chat-page', refresh_token: 'rt-1' });
  assert.equal(calls[0].headers.get('content-type'), 'application/x-www-form-urlencoded');
  assert.deepEqual(tokens, { idToken, refreshToken: 'rt-1', expiresAt: exp * 1000, issuedAt: undefined });
});

test('the logout address follows the provider’s style', () => {
  const oidc = createOidcClient({ config: CONFIG, redirectUri: REDIRECT, crypto: webcrypto, storage: memoryStorage() });
  assert.equal(oidc.logoutUrl({ idToken: 'id.tok.en', origin: 'https://chat.example.test' }),
    `${CONFIG.logout.url}?client_id=chat-page&post_logout_redirect_uri=https%3A%2F%2Fchat.example.test%2F&id_token_hint=id.tok.en`);

  const cognitoConfig = { ...CONFIG, logout: { url: 'https://chat.auth.eu-west-1.amazoncognito.com/logout', style: 'cognito' } };
  const cognito = createOidcClient({ config: cognitoConfig, redirectUri: REDIRECT, crypto: webcrypto, storage: memoryStorage() });
  assert.equal(cognito.logoutUrl({ idToken: 'id.tok.en', origin: 'https://chat.example.test' }),
    'https://chat.auth.eu-west-1.amazoncognito.com/logout?client_id=chat-page&logout_uri=https%3A%2F%2Fchat.example.test%2F');

  const none = createOidcClient({ config: { ...CONFIG, logout: undefined }, redirectUri: REDIRECT, crypto: webcrypto, storage: memoryStorage() });
  assert.equal(none.logoutUrl({ idToken: 'x', origin: 'https://chat.example.test' }), null);
});

test('without Web Crypto (a page on plain HTTP) signing in says it needs a secure address', async () => {
  const client = createOidcClient({ config: CONFIG, redirectUri: REDIRECT, crypto: { getRandomValues: webcrypto.getRandomValues.bind(webcrypto) }, storage: memoryStorage() });
  await assert.rejects(client.authorizationUrl(), (error) => error instanceof SignInError && error.reason === 'insecure_context'
    && /secure address \(HTTPS/.test(error.message));
});
